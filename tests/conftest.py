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


def artifacts_dir(name: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder for pictures a person may want to look at after the run (renders, screenshots).

    They go to `$DLEXPORT_TEST_ARTIFACTS/<name>` when that is set (CI can upload it), else to pytest's
    temporary folder: never into the checkout.
    """
    root = os.environ.get("DLEXPORT_TEST_ARTIFACTS")
    if not root:
        return tmp_path_factory.mktemp(name)
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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


# Slow tests: they start LibreOffice, Chromium or the Anki desktop app, or build thousands of terms.
# `pytest -m "not slow"` is the quick loop while editing; CI and the README's command run everything.
SLOW_FIXTURES = {"rendered", "browser", "open_page"}
SLOW_TESTS = {"test_two_thousand_terms_build", "test_ctrl_c_changes_nothing"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow tests `slow` by what they use, so a new render or browser test is marked too."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        name = getattr(item, "originalname", item.name)
        if fixtures & SLOW_FIXTURES or name in SLOW_TESTS or "gui" in item.path.parts:
            item.add_marker(pytest.mark.slow)
