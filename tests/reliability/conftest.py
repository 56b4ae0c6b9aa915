"""Hypothesis profiles and helpers shared by the reliability tests.

Profiles: "ci" (the default; fixed seed, 60 examples) and "long" (2,000 random examples), chosen
with the environment variable HYPOTHESIS_PROFILE, e.g. `HYPOTHESIS_PROFILE=long pytest tests/reliability`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from ..conftest import ROOTS, run_cli

settings.register_profile("ci", derandomize=True, max_examples=60, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# `path:line:col: what is wrong — how to fix it`
PROBLEM = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.+?) — (?P<fix>.+)$")
LEFTOVER = re.compile(r"^\.staging-|\.tmp$|\.raw$")
NAME = "테스트-용어집"  # the fixture glossary's output file stem


def snapshot(out: Path) -> dict[str, bytes]:
    """Return every file below `out` by relative path, the cache excluded."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(out).parts}


def leftovers(out: Path) -> list[str]:
    """Return the names of temporary files or folders left anywhere below `out`."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if LEFTOVER.search(p.name))


def problems(stderr: str) -> list[re.Match[str]]:
    """Return the problem lines of a failed run's stderr, asserting the summary line and no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert lines, "no message at all"
    assert re.fullmatch(r"\d+ errors?; nothing was written\.", lines[-1]), stderr
    matches = [PROBLEM.match(line) for line in lines[:-1]]
    assert matches and all(matches), f"not `path:line:col: message — fix`:\n{stderr}"
    return [m for m in matches if m]


def fails_with(result: subprocess.CompletedProcess[str], file: str, line: int, message: str) -> re.Match[str]:
    """Assert a run exited 1 with a problem in `file` (a path suffix) at `line` whose text holds `message`."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    found = [m for m in problems(result.stderr)
             if m["path"].replace(os.sep, "/").endswith(file) and int(m["line"]) == line and message in m["message"]]
    assert found, f"no {file}:{line}: …{message}… in\n{result.stderr}"
    return found[0]


def copy_basic(dest: Path) -> Path:
    """Copy tests/roots/basic to `dest` (in a Hangul-named folder) and return it."""
    shutil.copytree(ROOTS / "basic", dest)
    return dest


def replace(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of text in a copied source file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="session")
def figure_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a figure cache shared by every build in this folder, so each figure is drawn once."""
    return tmp_path_factory.mktemp("figure-cache")


__all__ = ["NAME", "copy_basic", "fails_with", "leftovers", "problems", "replace", "run_cli", "snapshot"]
