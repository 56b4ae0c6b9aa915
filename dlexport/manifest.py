"""Record what a build produced (build/manifest.json) and tell whether the outputs are still current.

The fingerprint hashes every input of a build — the source files, dlexport's own code and
templates, its version, the installed libraries' versions, the build time and the --template
file — so a no-op rebuild can be recognised without importing matplotlib, python-pptx or genanki.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import dlexport
from dlexport.files import write_bytes

MANIFEST = "manifest.json"


def _tree(h: hashlib._Hash, root: Path, label: str) -> None:
    """Add every file below `root` (names and bytes, in sorted order) to `h`."""
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(f"{label}/{path.relative_to(root).as_posix()}\0".encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())


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


def fingerprint(sources: Path, epoch: int, files: Iterable[Path], command: str) -> str:
    """Return a hash of everything that decides the outputs' bytes (`files`: the targets' file options)."""
    h = hashlib.sha256(f"dlexport {dlexport.__version__}\n{command}\n{epoch}\n".encode())
    h.update("\n".join(_installed()).encode())
    _tree(h, sources, "sources")
    _tree(h, Path(dlexport.__file__).parent, "code")
    for path in files:
        h.update(b"file\0" + path.read_bytes())
    return h.hexdigest()


def _digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def describe(out: Path, files: Iterable[Path]) -> list[dict[str, object]]:
    """Return the manifest entries (path relative to `out`, sha256, size) for `files`, sorted."""
    return [{"path": p.relative_to(out).as_posix(), "sha256": _digest(p), "size": p.stat().st_size}
            for p in sorted(files)]


def write(out: Path, key: str, epoch: int, outputs: list[dict[str, object]],
          counts: Mapping[str, int]) -> Path:
    """Write build/manifest.json (stable key order, no timings: same build, same bytes)."""
    data = {"dlexport": dlexport.__version__, "fingerprint": key, "epoch": epoch,
            "counts": dict(sorted(counts.items())), "outputs": outputs}
    dest = out / MANIFEST
    write_bytes(dest, (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode())
    return dest


def _stamps(path: Path, key: str) -> dict[str, list[int]]:
    """Return {output path: [size, mtime_ns]} recorded after the last build with fingerprint `key`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("fingerprint") != key or not isinstance(data.get("files"), dict):
        return {}
    return dict(data["files"])


def remember(out: Path, stamps: Path) -> None:
    """Record each listed output's size and mtime, so the next no-op check can skip re-hashing it.

    Kept in the cache folder, not the manifest: mtimes differ between machines and builds.
    """
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    seen = {e["path"]: [(out / e["path"]).stat().st_size, (out / e["path"]).stat().st_mtime_ns]
            for e in data["outputs"]}
    write_bytes(stamps, json.dumps({"fingerprint": data["fingerprint"], "files": seen}).encode())


def is_current(out: Path, key: str, stamps: Path) -> bool:
    """Return True when out/manifest.json has this fingerprint and every output it lists is intact.

    An output whose size and mtime are as recorded after the last build is taken as intact; any
    other is hashed and compared with the manifest.
    """
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if data.get("fingerprint") != key:
            return False
        files = _stamps(stamps, key)
        for entry in data["outputs"]:
            path = out / entry["path"]
            st = path.stat()
            if st.st_size != entry["size"]:
                return False
            if files.get(entry["path"]) != [st.st_size, st.st_mtime_ns] and _digest(path) != entry["sha256"]:
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True
