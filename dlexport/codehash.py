"""Hash dlexport's own files once per process, each read only when its stamp changed: one digest of the code.

The no-op fingerprint (`manifest.fingerprint`), every memo's salt (`memo.code`) and the figure cache's keys
(`diagrams.code_digest`: a drawing module and the dlexport modules it imports) all take their files' sha256
from here. A build lends its `manifest.Digests` (`use`), which keeps each file's digest by its stamp between
runs; without one, the files are read (~0.7 MB, a few ms).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from dlexport.manifest import Digests, walk

PACKAGE = os.path.dirname(os.path.abspath(__file__))


class Code:
    """The sha256 of every file of the package (modules, templates, data; not `__pycache__`), as `digests`
    knows them, by path relative to the package (with `/`), and one digest of them all."""

    def __init__(self, digests: Digests) -> None:
        self.digests = digests
        self.files = {name: digests.digest(e.path, e.stat()) for name, e in sorted(walk(PACKAGE), key=lambda f: f[0])}
        h = hashlib.sha256()
        for name, digest in self.files.items():
            h.update(f"{name}\0{digest}\n".encode())
        self.digest = h.hexdigest()


_lent: list[Digests] = []  # the Digests `use` was given
_code: list[Code] = []  # the Code made through it (or through a Digests that keeps nothing), once


def use(digests: Digests) -> None:
    """Read dlexport's files through `digests` (a build's, kept between runs) from now on."""
    if not _lent or _lent[0] is not digests:
        _lent[:], _code[:] = [digests], []


def code() -> Code:
    """Return dlexport's files' digests, computed on the first call after `use`."""
    if not _code:
        _code.append(Code(_lent[0] if _lent else Digests(None)))
    return _code[0]


def digest() -> str:
    """Return one hash of every file of the package: any change to dlexport's code or data changes it."""
    return code().digest


def file_digest(path: str | os.PathLike[str]) -> str:
    """Return the sha256 of a file: a package file's as `code` has it, any other's through the same Digests."""
    path = os.path.abspath(path)
    known = code()
    rel = os.path.relpath(path, PACKAGE).replace(os.sep, "/")
    return known.files.get(rel) or known.digests.digest(path)


def derived(name: str, inputs: str, make: Callable[[], str]) -> str:
    """Return `make()`, kept between runs under `name` while `inputs` (what it is made from) stay the same."""
    return code().digests.derived(name, inputs, make)
