"""Record what a build produced (build/manifest.json) and tell whether the outputs are still current.

The fingerprint hashes every input of a build — the source files, dlexport's own code and
templates, its version, the installed libraries' versions, the build time and the --template
file — so a no-op rebuild can be recognised without importing matplotlib, python-pptx or genanki.
Files are hashed once: `Digests` keeps each file's sha256 by its stamp in the cache folder, so a run
reads only the files that changed since the last one.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import dlexport

MANIFEST = "manifest.json"
DIGESTS = "digests.marshal"  # in the cache folder: each file's sha256 by its stamp
RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same tick of its clock
_FORMAT = f"dlexport digests 2, python {sys.version_info[0]}.{sys.version_info[1]}"
Stamp = tuple[int, int, int, int, int]  # size, mtime, ctime (ns), inode, device


def stamp(st: os.stat_result) -> Stamp:
    """Return what changes when a file is changed in any way: size, mtime, ctime, inode and device."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev


def _sha256(path: str | Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class Digests:
    """Files' sha256 by their stamp (size, mtime, ctime, inode, device), kept between runs in the cache folder.

    A file whose stamp is as remembered is not read again. Writing a file changes its ctime, which no
    program can set back, so an edit that keeps the size and mtime (even one restored by `touch`) is seen.
    A file is hashed again next time when it changed less than RACY_NS before this run: on a file system
    whose clock ticks coarsely, a second same-size edit within the same tick would keep the whole stamp.
    Outputs are kept as soon as they are published (`keep`): their digest is that of what the build wrote.
    `derived` keeps values computed from files (e.g. a module's imports) by a digest of what they depend on.
    """

    def __init__(self, path: Path | None) -> None:
        """Read the digests kept at `path` (None: keep nothing); a missing or unreadable file holds none."""
        self.path = path
        self.since = time.time_ns() - RACY_NS  # files changed after this are not remembered as hashed now
        self.old: dict[str, tuple[Stamp, str]] = {}
        self.new: dict[str, tuple[Stamp, str]] = {}
        self.old_values: dict[str, tuple[str, str]] = {}  # name: (digest of the inputs, value)
        self.values: dict[str, tuple[str, str]] = {}
        self._by_stamp: dict[Stamp, str] | None = None  # every remembered digest by its stamp, made when needed
        try:
            header, entries, values = marshal.loads(path.read_bytes()) if path else ("", {}, {})
            if header == _FORMAT and isinstance(entries, dict) and isinstance(values, dict):
                self.old, self.old_values = entries, values
        except (OSError, ValueError, EOFError, TypeError):
            pass

    def digest(self, path: str, st: os.stat_result | None = None) -> str:
        """Return the sha256 of the file at `path` (absolute; `st` its stat), read only when its stamp changed."""
        st = st or os.stat(path)
        now = stamp(st)
        old = self.old.get(path)
        if old is not None and old[0] == now:  # the common case, first (the no-op check asks thousands)
            self.new[path] = old
            return old[1]
        known = self._remembered(path, now)
        if known is not None:
            return known
        digest = _sha256(path)
        if st.st_mtime_ns < self.since and st.st_ctime_ns < self.since:
            self._remember(path, now, digest)
        return digest

    def known(self, path: str) -> str | None:
        """Return the sha256 of the file at `path` when its stamp is as remembered (nothing is read), else None."""
        try:
            return self._remembered(path, stamp(os.stat(path)))
        except OSError:
            return None

    def _remembered(self, path: str, at: Stamp) -> str | None:
        """Return the digest remembered for `path` at `stamp`, or for another link to the same file (a stamp
        holds the inode and device, and the ctime that any change to the file or its links moves on)."""
        entry = self.new.get(path) or self.old.get(path)
        if entry is None or entry[0] != at:
            if self._by_stamp is None:
                self._by_stamp = {s: d for s, d in self.old.values()} | {s: d for s, d in self.new.values()}
            return self._by_stamp.get(at)  # not kept under this name too: the other link's entry serves both
        self.new[path] = entry
        return entry[1]

    def _remember(self, path: str, at: Stamp, digest: str) -> None:
        self.new[path] = (at, digest)
        if self._by_stamp is not None:
            self._by_stamp[at] = digest

    def derived(self, name: str, inputs: str, make: Callable[[], str]) -> str:
        """Return the value kept under `name` when it was made from the same `inputs` (a digest of everything
        it depends on), else `make()`, kept for the next run."""
        old = self.values.get(name) or self.old_values.get(name)
        value = old[1] if old is not None and old[0] == inputs else make()
        self.values[name] = (inputs, value)
        return value

    def keep(self, path: str, digest: str) -> None:
        """Remember that the file just written (or linked) at `path` has this sha256."""
        self._remember(path, stamp(os.stat(path)), digest)

    def save(self, complete: bool) -> None:
        """Write the digests for the next run: those of this run's files only when it read every file that
        matters (`complete`), else the earlier ones too. Nothing is written when nothing changed, nor where
        the cache folder can't be written."""
        entries = self.new if complete else {**self.old, **self.new}
        values = {**self.old_values, **self.values}  # a few, by name: kept even when unused (a no-op)
        if self.path is None or (entries == self.old and values == self.old_values):
            return
        from dlexport.files import write_bytes

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(self.path, marshal.dumps((_FORMAT, entries, values)))
        except OSError:  # a read-only cache folder: the next run hashes again, nothing worse
            pass


def walk(top: str, rel: str = "") -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Yield (path relative to `top` with `/`, entry) for every file below the folder `top`/`rel`."""
    with os.scandir(f"{top}/{rel}" if rel else top) as entries:
        for e in entries:
            if e.is_dir(follow_symlinks=False):  # as rglob: a link to a folder is not followed
                if e.name != "__pycache__":
                    yield from walk(top, f"{rel}{e.name}/")
            elif e.is_file():
                yield f"{rel}{e.name}", e


def files_below(folder: Path) -> list[str]:
    """Return the paths (relative, with `/`) of every file below `folder`, sorted."""
    return sorted(name for name, _ in walk(os.path.abspath(folder)))


def _tree(h: hashlib._Hash, root: Path, label: str, digests: Digests) -> None:
    """Add every file below `root` (names and contents, in sorted order) to `h`."""
    for name, entry in sorted(walk(os.path.abspath(root)), key=lambda f: f[0]):
        h.update(f"{label}/{name}\0{digests.digest(entry.path, entry.stat())}".encode())


def _installed() -> list[str]:
    """Return the names of every installed distribution with its version (`*.dist-info` folders).

    Reading the folder names costs ~1 ms, where importlib.metadata would cost ~70 ms: an upgrade of
    genanki, python-pptx, matplotlib or any other library changes this list and forces a rebuild.
    """
    names: list[str] = []
    for entry in sys.path:
        if entry.endswith("-packages") and os.path.isdir(entry):
            names += sorted(n for n in os.listdir(entry) if n.endswith(".dist-info"))
    return names


def installed_version(name: str) -> str:
    """Return the version of the installed distribution `name`, as `importlib.metadata.version` does, from its
    `*.dist-info` folder's name (see `_installed`: importing importlib.metadata costs 30–100 ms a build)."""
    prefix = name.replace("-", "_").lower() + "-"
    for folder in _installed():
        if folder.lower().startswith(prefix):
            return folder[len(prefix):-len(".dist-info")]
    from importlib.metadata import version  # another kind of installation

    return version(name)


def fingerprint(sources: Path, epoch: int, files: Iterable[Path], command: str, digests: Digests) -> str:
    """Return a hash of everything that decides the outputs' bytes (`files`: the targets' file options)."""
    h = hashlib.sha256(f"dlexport {dlexport.__version__}\n{command}\n{epoch}\n".encode())
    h.update("\n".join(_installed()).encode())
    _tree(h, sources, "sources", digests)
    from dlexport import codehash  # it imports this module

    codehash.use(digests)  # dlexport's code, as the memos and figure keys of this build will see it
    h.update(f"code\0{codehash.digest()}\n".encode())
    for path in files:
        h.update(f"file\0{digests.digest(os.path.abspath(path))}".encode())
    return h.hexdigest()


def describe(out: Path, names: Iterable[str], digests: Digests | None = None, published: Path | None = None,
             linked: Mapping[str, str] | None = None) -> tuple[list[dict[str, object]], set[str]]:
    """Return the manifest entries (path, sha256, size) of the files `names` (relative to `out`, with `/`),
    sorted, and the names whose file in `published` (the last build's outputs) already holds the same bytes.

    A file that is still the link made from the published file (`linked`: their digests, known before
    linking), or whose stamp `digests` knows, is not read. Every other file is hashed; it holds the published
    file's bytes when their sha256 (which `digests` knows by the published file's stamp) are equal, unless
    it is a link to another file (a figure linked from the figure cache): that link then takes the published
    file's place, so that the next build finds the published figure already linked to the cache."""
    entries: list[dict[str, object]] = []
    same: set[str] = set()
    top, before = os.path.abspath(out), os.path.abspath(published) if published else ""
    for name in sorted(names):
        path = f"{top}/{name}"
        st = os.stat(path)
        old = f"{before}/{name}" if before else ""
        digest = linked.get(name) if linked and old and _same_file(st, old) else None
        if digest is None:
            digest = (digests.known(path) if digests is not None else None) or _sha256(path)
            if not old or digests is None or digests.known(old) != digest or st.st_nlink > 1:
                old = ""
        if old:
            same.add(name)
        entries.append({"path": name, "sha256": digest, "size": st.st_size})
    return entries, same


def _same_file(st: os.stat_result, path: str) -> bool:
    """Return whether `path` is the file whose stat is `st` (another link to it)."""
    try:
        other = os.stat(path)
    except OSError:
        return False
    return (st.st_ino, st.st_dev) == (other.st_ino, other.st_dev)


def write(out: Path, key: str, epoch: int, outputs: list[dict[str, object]],
          counts: Mapping[str, int]) -> Path:
    """Write build/manifest.json (stable key order, no timings: same build, same bytes)."""
    from dlexport.files import write_bytes

    data = {"dlexport": dlexport.__version__, "fingerprint": key, "epoch": epoch,
            "counts": dict(sorted(counts.items()))}
    dest = out / MANIFEST
    write_bytes(dest, dumps(data, outputs).encode())
    return dest


def dumps(data: Mapping[str, object], outputs: list[dict[str, object]]) -> str:
    """Return `{**data, "outputs": outputs}` as `json.dumps(…, ensure_ascii=False, indent=2, sort_keys=True)`
    writes it, plus a newline ("outputs" sorts last): that function formats thousands of entries in pure
    Python, ~4 times slower than this."""
    assert all(k < "outputs" for k in data)
    head = json.dumps({**data, "outputs": []}, ensure_ascii=False, indent=2, sort_keys=True)
    if not outputs:
        return head + "\n"
    entries = ",\n".join(f'    {{\n      "path": {json.dumps(o["path"], ensure_ascii=False)},\n      "sha256": '
                         f'"{o["sha256"]}",\n      "size": {o["size"]}\n    }}' for o in outputs)
    return head.removesuffix("[]\n}") + f"[\n{entries}\n  ]\n}}\n"


def remember(out: Path, outputs: list[dict[str, object]], digests: Digests) -> None:
    """Remember the digest of each published output, so that the next no-op check reads none of them.

    Kept in the cache folder, not the manifest: stamps differ between machines and builds.
    """
    top = os.path.abspath(out)
    for entry in outputs:
        path = f"{top}/{entry['path']}"
        if digests.known(path) != entry["sha256"]:
            digests.keep(path, str(entry["sha256"]))


def is_current(out: Path, key: str, digests: Digests) -> bool:
    """Return True when out/manifest.json has this fingerprint and every output it lists is intact.

    An output whose stamp is as remembered is taken as intact; any other is hashed and compared with
    the manifest.
    """
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if data.get("fingerprint") != key:
            return False
        top = os.path.abspath(out)
        for entry in data["outputs"]:
            if digests.digest(f"{top}/{entry['path']}") != entry["sha256"]:
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True
