"""Remember what a target made from each part of the glossary, keyed by what it was made from.

An edit to one term should cost one term's work: a target asks its `Memo` for a term's product (slide XML,
note rows, an HTML fragment) under a key made from everything that product depends on, and makes it only
on a miss. The memo is one file per target in the cache folder, read once per build, holding just the entries
the last build used, so it never grows past one glossary's worth. An edit changes a few entries of
thousands (tens of MB at 1,000 terms): those go into a small second file (`<memo>.delta`: the entries added
and the keys dropped since the first file was written), and the first is rewritten only when the changes
grow past a fraction of it. A missing, stale or unreadable file is an empty memo: the build is then cold,
never wrong.

Keys are hashes of `repr`: equal frozen dataclasses, tuples, strings and numbers give equal keys. A value
whose repr holds an address (`<object at 0x…>`) gives a new key every run: a miss, never a wrong hit.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from dlexport import codehash
from dlexport.files import write_bytes

T = TypeVar("T")
FORMAT = f"dlexport memo 2, python {sys.version_info[0]}.{sys.version_info[1]}"
DELTA_SHARE = 8  # the delta may change up to 1/8 of the entries (at least DELTA_MIN) before the memo is rewritten
DELTA_MIN = 16


def code() -> str:
    """Return a hash of dlexport's own files — every module, template and data file in the package — to salt a
    memo with: any change to the code starts every memo afresh (one cold build, never a stale product).

    The one digest of the code (`codehash`): computed once per process, each file read only when its stamp
    changed."""
    return codehash.digest()


def key(*parts: object) -> str:
    """Return a key for `parts`: the hash of their reprs, with their types' names."""
    h = hashlib.sha256()
    for part in parts:
        h.update(f"{type(part).__module__}.{type(part).__qualname__}\0{part!r}\0".encode())
    return h.hexdigest()


_DIGESTS: dict[int, str] = {}  # id of a live value -> key(value), dropped when the value is collected


def digest(value: object) -> str:
    """Return `key(value)`, worked out once per object while it lives: for a value that never changes once made
    (a loaded term: a frozen dataclass of strings and tuples), which several targets key their products by.
    Its repr is most of a key's cost; the slides and the cheatsheet key each term's products by it."""
    k = _DIGESTS.get(id(value))
    if k is None:
        k = key(value)
        try:
            weakref.finalize(value, _DIGESTS.pop, id(value), None)
        except TypeError:  # no weak reference to it (a str, a tuple): not kept
            return k
        _DIGESTS[id(value)] = k
    return k


class Memo:
    """A target's products from its last build, by key; `get` makes and keeps what is missing."""

    def __init__(self, path: Path | None, salt: str = "") -> None:
        """Read the memo at `path` (None: remember nothing). `salt` names the code that made the products
        (e.g. `diagrams.code_digest(__name__)`): a memo written under another salt is ignored."""
        self.path, self.salt = path, salt
        self.old: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.hits = self.misses = 0
        self.base: set[str] = set()  # the keys of the main file (the delta's entries are not in it)
        self.token = ""  # names the main file: a delta written against another is ignored
        if path is not None and path.is_file():
            try:
                header, salt_, token, entries = pickle.loads(path.read_bytes())
                if header == FORMAT and salt_ == salt and isinstance(entries, dict):
                    self.old, self.token, self.base = entries, token, set(entries)
                    self._apply(self._read_delta())
            except Exception:
                self.old, self.token, self.base = {}, "", set()

    @property
    def delta(self) -> Path | None:
        """Return the file of the changes since the main file was written."""
        return self.path.with_name(self.path.name + ".delta") if self.path is not None else None

    def _read_delta(self) -> tuple[dict[str, Any], list[str]]:
        """Return the entries added and keys dropped since the main file was written (none when the delta
        belongs to another main file, or is missing or unreadable)."""
        try:
            assert self.delta is not None
            header, salt, token, added, dropped = pickle.loads(self.delta.read_bytes())
        except Exception:
            return {}, []
        ok = (header, salt, token) == (FORMAT, self.salt, self.token) and isinstance(added, dict)
        return (added, list(dropped)) if ok else ({}, [])

    def _apply(self, delta: tuple[dict[str, Any], list[str]]) -> None:
        added, dropped = delta
        for k in dropped:
            self.old.pop(k, None)
        self.old.update(added)

    def get(self, k: str, make: Callable[[], T]) -> T:
        """Return the product kept under key `k`, or make, keep and return it."""
        if k in self.used:
            return self.used[k]  # type: ignore[no-any-return]
        if k in self.old:
            self.hits += 1
            value = self.old[k]
        else:
            self.misses += 1
            value = make()
        self.used[k] = value
        return value  # type: ignore[no-any-return]

    def put(self, k: str, value: object) -> None:
        """Keep `value` under `k` in place of what `get` returned (which must not be changed: a value read
        from the main file would not be saved again); it is saved as a new entry."""
        self.used[k] = value
        self.base.discard(k)
        self.misses += 1

    def save(self) -> None:
        """Write the entries this build used (only those) for the next build; nothing when nothing changed.

        When they differ from the main file's in few entries, only those go into the delta file."""
        if self.path is None or (self.used.keys() == self.old.keys() and not self.misses):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        added = {k: v for k, v in self.used.items() if k not in self.base}
        dropped = [k for k in self.base if k not in self.used]
        if self.token and len(added) + len(dropped) <= max(DELTA_MIN, len(self.used) // DELTA_SHARE):
            assert self.delta is not None
            write_bytes(self.delta, pickle.dumps((FORMAT, self.salt, self.token, added, dropped),
                                                 protocol=pickle.HIGHEST_PROTOCOL))
            return
        token = os.urandom(8).hex()
        write_bytes(self.path, pickle.dumps((FORMAT, self.salt, token, self.used), protocol=pickle.HIGHEST_PROTOCOL))
        assert self.delta is not None
        self.delta.unlink(missing_ok=True)  # it names the old main file's token: ignored even if this fails
