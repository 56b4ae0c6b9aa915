"""dlexport/memo.py: products remembered between builds by key, dropped when unused, never trusted blindly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dlexport.memo import Memo, key


@dataclass(frozen=True)
class Thing:
    name: str
    parts: tuple[str, ...]


def test_keys_follow_values_not_identity() -> None:
    assert key(Thing("가", ("a", "b"))) == key(Thing("가", ("a", "b")))
    assert key(Thing("가", ("a", "b"))) != key(Thing("가", ("a", "c")))
    assert key("1") != key(1)  # the type is part of the key
    assert key(object()) != key(object())  # an address in a repr: a miss, never a wrong hit


def test_a_memo_makes_only_what_it_lacks_and_keeps_only_what_was_used(tmp_path: Path) -> None:
    path = tmp_path / "memo.pickle"
    made: list[str] = []

    def make(v: str) -> str:
        made.append(v)
        return v.upper()

    first = Memo(path, "code 1")
    assert [first.get(key(v), lambda v=v: make(v)) for v in "abc"] == ["A", "B", "C"]
    first.save()
    second = Memo(path, "code 1")
    assert [second.get(key(v), lambda v=v: make(v)) for v in "bd"] == ["B", "D"]
    assert made == ["a", "b", "c", "d"] and (second.hits, second.misses) == (1, 1)
    second.save()
    third = Memo(path, "code 1")
    assert set(third.old) == {key("b"), key("d")}  # "a" and "c" were not used by the second build


def test_another_salt_or_a_damaged_file_is_an_empty_memo(tmp_path: Path) -> None:
    path = tmp_path / "memo.pickle"
    m = Memo(path, "code 1")
    m.get("k", lambda: 1)
    m.save()
    assert Memo(path, "code 2").old == {}
    path.write_bytes(b"not a pickle")
    assert Memo(path, "code 1").old == {}
    assert Memo(None).get("k", lambda: 2) == 2  # no cache folder: nothing kept, nothing written


def test_a_values_digest_is_its_key_worked_out_once_while_it_lives() -> None:
    import gc

    from dlexport import memo

    thing = Thing("가", ("a",))
    assert memo.digest(thing) == key(thing) == memo.digest(Thing("가", ("a",))) and memo.digest("a") == key("a")
    assert memo._DIGESTS[id(thing)] == key(thing)
    memo._DIGESTS[id(thing)] = "kept"  # asked again, the same object is not repr'd again
    assert memo.digest(thing) == "kept"
    where = id(thing)
    del thing
    gc.collect()
    assert where not in memo._DIGESTS  # a collected value's id may be reused: its digest goes with it
