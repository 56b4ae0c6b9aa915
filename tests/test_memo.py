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


def test_a_few_changes_go_into_the_delta_and_the_main_file_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "memo.pickle"
    first = Memo(path, "code 1")
    for n in range(100):
        first.get(key(n), lambda n=n: n * 2)
    first.save()
    main = path.read_bytes()
    second = Memo(path, "code 1")
    for n in [*range(1, 100), 500]:  # 0 dropped, 500 added
        second.get(key(n), lambda n=n: n * 2)
    second.save()
    assert path.read_bytes() == main and second.delta is not None and second.delta.is_file()
    third = Memo(path, "code 1")
    assert third.old == {key(n): n * 2 for n in [*range(1, 100), 500]}
    for n in range(200, 260):  # more than an eighth changed: the main file is rewritten, the delta goes
        third.get(key(n), lambda n=n: n * 2)
    third.save()
    assert path.read_bytes() != main and not third.delta.is_file()  # type: ignore[union-attr]
    assert Memo(path, "code 1").old == {key(n): n * 2 for n in range(200, 260)}


def _used(path: Path, numbers: range) -> Memo:
    """Return the memo at `path` after a build that used (or made) the entries key(n): n of `numbers`."""
    memo = Memo(path, "code 1")
    for n in numbers:
        memo.get(key(n), lambda n=n: n)
    return memo


def test_a_delta_of_another_main_file_or_salt_or_a_damaged_one_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "memo.pickle"
    first = _used(path, range(50))
    first.save()
    _used(path, range(1, 51)).save()
    delta = (tmp_path / "memo.pickle.delta").read_bytes()
    assert set(Memo(path, "code 1").old) == {key(n) for n in range(1, 51)}
    for n in range(50, 100):  # a new main file: the old delta no longer applies to it
        first.get(key(n), lambda n=n: n)
    first.misses += 1
    first.token = ""
    first.save()
    (tmp_path / "memo.pickle.delta").write_bytes(delta)
    assert set(Memo(path, "code 1").old) == {key(n) for n in range(100)}
    (tmp_path / "memo.pickle.delta").write_bytes(b"damaged")
    assert set(Memo(path, "code 1").old) == {key(n) for n in range(100)}


def test_a_value_put_in_place_of_a_kept_one_is_saved_with_the_delta(tmp_path: Path) -> None:
    path = tmp_path / "memo.pickle"
    _used(path, range(100)).save()
    second = _used(path, range(100))
    second.put(key(5), "grown")  # e.g. the slides' skeletons: a shape made this build joins those kept
    second.save()
    assert second.delta is not None and second.delta.is_file()
    assert Memo(path, "code 1").old == {**{key(n): n for n in range(100)}, key(5): "grown"}
