"""Read earlier releases from git: the version tags before HEAD, their times, their sources and code."""

from __future__ import annotations

import fnmatch
import hashlib
import io
import re
import subprocess
import tarfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from dlexport.errors import UsageError

VERSION_TAG = re.compile(r"^v(\d+(?:\.\d+)*)$")


@dataclass(frozen=True)
class Release:
    """A version tag: its name, its commit and that commit's time (the release's SOURCE_DATE_EPOCH)."""

    tag: str
    commit: str
    time: int


class NoHistory(Exception):
    """There is no git repository or no earlier release to compare with (the message says which)."""


def git(root: Path, *args: str) -> bytes:
    """Return the output of a git command run in `root`; raise NoHistory if git fails or is missing."""
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True, timeout=60).stdout
    except FileNotFoundError as e:
        raise NoHistory("git is not installed") from e
    except subprocess.TimeoutExpired as e:
        raise NoHistory(f"git {args[0]} took too long") from e
    except subprocess.CalledProcessError as e:
        said = e.stderr.decode(errors="replace").strip().splitlines()
        raise NoHistory(said[-1] if said else f"git {' '.join(args)} failed") from e


def repo_root(path: Path) -> Path:
    """Return the top folder of the git work tree holding `path`."""
    if not path.is_dir():
        raise NoHistory(f"{path} is not a folder")
    try:
        top = git(path, "rev-parse", "--show-toplevel").decode().strip()
    except NoHistory as e:
        raise NoHistory(f"{path} is not in a git repository") from e
    return Path(top).resolve()


def releases(root: Path) -> list[Release]:
    """Return the version tags (v1.2.3) whose commits are ancestors of HEAD but not HEAD, newest first."""
    head = git(root, "rev-parse", "HEAD").decode().strip()
    found = []
    for tag in git(root, "tag", "--merged", "HEAD", "--list", "v*").decode().split():
        if VERSION_TAG.match(tag):
            commit, time = git(root, "log", "-1", "--format=%H %ct", f"{tag}^{{commit}}").decode().split()
            if commit != head:
                found.append(Release(tag, commit, int(time)))
    return sorted(found, key=lambda r: (_version(r.tag), r.time), reverse=True)


def _version(tag: str) -> tuple[int, ...]:
    match = VERSION_TAG.match(tag)
    return tuple(int(p) for p in match.group(1).split(".")) if match else ()


def resolve(root: Path, ref: str) -> str:
    """Return the commit a ref names, or raise UsageError."""
    try:
        return git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except NoHistory as e:
        raise UsageError(f"--since {ref}: no such tag or commit in {root}") from e


def is_ancestor(root: Path, older: str, newer: str) -> bool:
    """Return whether commit `older` is `newer` or one of its ancestors."""
    try:
        git(root, "merge-base", "--is-ancestor", older, newer)
    except NoHistory:
        return False
    return True


@contextmanager
def sources_at(root: Path, commit: str, sources: Path) -> Iterator[Path]:
    """Yield a temporary copy of the `sources` folder as it was at `commit` (read from git, never written)."""
    rel = sources.resolve().relative_to(root).as_posix()
    data = git(root, "archive", "--format=tar", commit, "--", rel or ".")
    with TemporaryDirectory(prefix="dlexport-release-") as tmp, tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(tmp, filter="data")
        yield Path(tmp) / rel


def blob_id(data: bytes) -> str:
    """Return git's object id of a file's bytes (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def files_at(root: Path, commit: str, rel: str, patterns: Iterable[str]) -> dict[str, str]:
    """Return {path under the folder `rel` of the repository: blob id} at `commit`, for files matching `patterns`."""
    out = git(root, "ls-tree", "-r", "--full-tree", commit, "--", rel).decode().splitlines()
    blobs = {}
    for line in out:
        meta, path = line.split("\t", 1)
        name = path.removeprefix(rel + "/")
        if any(fnmatch.fnmatchcase(name, p) for p in patterns):
            blobs[name] = meta.split()[2]
    return blobs


def files_now(folder: Path, patterns: Iterable[str]) -> dict[str, str]:
    """Return {path under `folder`: blob id} of the files on disk matching `patterns`."""
    return {p.relative_to(folder).as_posix(): blob_id(p.read_bytes())
            for pattern in patterns for p in sorted(folder.glob(pattern)) if p.is_file()}
