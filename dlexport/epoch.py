"""Decide the build time: the same for the same sources, later for every release."""

from __future__ import annotations

import os
from pathlib import Path

from dlexport.errors import UsageError


def _git_time(sources: Path) -> int | None:
    """Return the commit time of the last commit touching `sources`, if it is a clean git checkout."""
    import subprocess  # only here: with SOURCE_DATE_EPOCH set, the no-op build does without it

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=sources, capture_output=True, text=True, check=True,
                              timeout=10).stdout.strip()
    try:
        if git("status", "--porcelain", "--", ".") != "":
            return None  # uncommitted edits: they are newer than any commit
        stamp = git("log", "-1", "--format=%ct", "--", ".")
    except (OSError, subprocess.SubprocessError):
        return None
    return int(stamp) if stamp.isdigit() else None


def build_epoch(sources: Path) -> int:
    """Return SOURCE_DATE_EPOCH if set, else the last git commit time of `sources`, else its newest mtime."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env is not None:
        if not env.strip().isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {env!r}")
        return int(env)
    stamp = _git_time(sources)
    if stamp is not None:
        return stamp
    times = [p.stat().st_mtime for p in sources.rglob("*") if p.is_file()]
    return int(max(times, default=0))
