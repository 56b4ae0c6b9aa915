"""Shared fixtures: the small Hangul source tree in tests/roots/basic and the real sources/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dlexport.load import load
from dlexport.model import Glossary

ROOT = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
SEED = ROOT / "sources"


@pytest.fixture(scope="session")
def glossary() -> Glossary:
    """Return the fixture glossary (tests/roots/basic), loaded once."""
    return load(ROOTS / "basic")


@pytest.fixture(scope="session")
def seed_glossary() -> Glossary:
    """Return the real glossary in sources/, loaded once."""
    return load(SEED)


@pytest.fixture
def basic_copy(tmp_path: Path) -> Path:
    """Return a writable copy of tests/roots/basic inside a folder named with Hangul."""
    dest = tmp_path / "용어" / "sources"
    shutil.copytree(ROOTS / "basic", dest)
    return dest


def run_cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) \
        -> subprocess.CompletedProcess[str]:
    """Run `python -m dlexport ARGS` in a subprocess, the way a user does."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})}
    return subprocess.run([sys.executable, "-m", "dlexport", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, env=full_env, timeout=600)


def require_tool(name: str) -> str:
    """Return the path of an external program; skip without it locally, fail without it in CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed, and CI must run every test (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return path


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember skipped tests (CI must not skip any)."""
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run in CI (CI=true) when any test was skipped: a missing install step must show."""
    if os.environ.get("CI") == "true" and _skipped and exitstatus == 0:
        print(f"\nCI=true but {len(_skipped)} test(s) were skipped: {', '.join(_skipped)}")
        session.exitstatus = 1
