"""Remember what a target made from each part of the glossary, keyed by what it was made from.

An edit to one term should cost one term's work: a target asks its `Memo` for a term's product (slide XML,
note rows, an HTML fragment) under a key made from everything that product depends on, and makes it only
on a miss. The memo is one file per target in the cache folder, read once and rewritten once per build
with just the entries that build used, so it never grows past one glossary's worth. A missing, stale or
unreadable file is an empty memo: the build is then cold, never wrong.

Keys are hashes of `repr`: equal frozen dataclasses, tuples, strings and numbers give equal keys. A value
whose repr holds an address (`<object at 0x…>`) gives a new key every run: a miss, never a wrong hit.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from dlexport import codehash
from dlexport.files import write_bytes

T = TypeVar("T")
FORMAT = f"dlexport memo 1, python {sys.version_info[0]}.{sys.version_info[1]}"


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
        if path is not None and path.is_file():
            try:
                header, salt_, entries = pickle.loads(path.read_bytes())
                if header == FORMAT and salt_ == salt and isinstance(entries, dict):
                    self.old = entries
            except Exception:
                self.old = {}

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

    def save(self) -> None:
        """Write the entries this build used (only those) for the next build; nothing when nothing changed."""
        if self.path is None or (self.used.keys() == self.old.keys() and not self.misses):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(self.path, pickle.dumps((FORMAT, self.salt, self.used), protocol=pickle.HIGHEST_PROTOCOL))
