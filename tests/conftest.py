"""Shared fixtures: the small Hangul source tree in tests/roots/basic and the real sources/."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import io
import os
import shutil
import subprocess
import sys
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dlexport.load import load
from dlexport.model import Glossary

if TYPE_CHECKING:
    from dlexport.diagrams.style import Drawing

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


@functools.cache
def defaults_drawing(kind: str) -> Drawing:
    """Return diagram `kind` drawn with its defaults (PNG and placed texts), drawn once per test process.

    Tests that check a kind draws reproducibly draw it again and compare with this: two separate
    drawings, with others in between, without drawing every kind twice in every test file.
    """
    from dlexport.diagrams import KINDS, arguments
    from dlexport.diagrams.style import draw

    module, _, name = KINDS[kind].drawer.partition(":")
    return draw(getattr(importlib.import_module(module), name)(**arguments(KINDS[kind], {}, Path("."))))


def drawn_with_defaults(kind: str) -> bytes:
    """Return the PNG of `defaults_drawing(kind)`."""
    return defaults_drawing(kind).png


@pytest.fixture
def basic_copy(tmp_path: Path) -> Path:
    """Return a writable copy of tests/roots/basic inside a folder named with Hangul."""
    dest = tmp_path / "용어" / "sources"
    shutil.copytree(ROOTS / "basic", dest)
    return dest


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Yield Debian's Chromium driven by Playwright (never a downloaded browser)."""
    require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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


_shared: list[Path] = []  # the session's figure cache, set by the `shared_figure_cache` fixture
BUILDS = {"all", "diagrams", "anki", "slides", "cheatsheet"}  # the commands that draw figures


@pytest.fixture(scope="session", autouse=True)
def shared_figure_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Return one figure cache for the whole session: CLI builds draw each figure once (see `run_cli`)."""
    folder = tmp_path_factory.mktemp("shared-figure-cache")
    _shared.append(folder)
    yield folder
    _shared.remove(folder)


@pytest.fixture(scope="session")
def figure_cache(shared_figure_cache: Path) -> Path:
    """Return the session's figure cache, for builds in the test process (`render_assets(cache_dir=…)`)."""
    return shared_figure_cache


def _share_figure_cache(args: tuple[str | Path, ...], cwd: Path) -> tuple[str | Path, ...]:
    """Return the arguments of a build with `--cache` added: a cache folder kept for its OUT all session,
    whose `figures` is a link to the session's figure cache.

    Only the figures are shared: the up-to-date stamps stay each OUT's own, and nothing is created in OUT.
    """
    words = [str(a) for a in args]
    if not _shared or not words or words[0] not in BUILDS or "--cache" in words or "--out" not in words:
        return args
    out = (cwd / words[words.index("--out") + 1]).resolve()
    cache = _shared[0].parent / "caches" / hashlib.sha256(str(out).encode()).hexdigest()[:16]
    if not cache.exists():
        cache.mkdir(parents=True)
        (cache / "figures").symlink_to(_shared[0], target_is_directory=True)
    return (*args, "--cache", cache)


def run_cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
            shared_cache: bool = True, process: bool = False) -> subprocess.CompletedProcess[str]:
    """Run `dlexport ARGS` and return its exit code, stdout and stderr, the way a user sees them.

    By default the command runs in this process (`cli.main`, as `python -m dlexport` calls it), which
    saves a second of interpreter start and imports per call: its working folder, environment, output,
    warnings and any uncaught exception (a traceback on stderr, exit code 1) are those of a real run.
    `process=True` runs `python -m dlexport` in a subprocess instead: for what only a separate process
    shows (PYTHONHASHSEED, TZ, what gets imported, the interpreter's own exit). Builds share the
    session's figure cache unless `shared_cache` is False (a test of the cache itself).
    """
    if shared_cache:
        args = _share_figure_cache(args, cwd or ROOT)
    extra = {"SOURCE_DATE_EPOCH": "1700000000", **(env or {})}
    if process:
        return subprocess.run([sys.executable, "-m", "dlexport", *map(str, args)], cwd=cwd or ROOT,
                              capture_output=True, text=True, env={**os.environ, **extra}, timeout=600)
    return _run_in_process([str(a) for a in args], cwd or ROOT, extra)


def _run_in_process(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `cli.main(argv)` in `cwd` with `env` added to the environment, as `python -m dlexport` would."""
    from dlexport.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                warnings.catch_warnings():
            warnings.resetwarnings()  # a process shows warnings on stderr; pytest's "error" filter is not the CLI's
            warnings.simplefilter("default")
            try:
                code = main(argv)
            except SystemExit as e:  # argparse: --help, --version, usage errors
                if isinstance(e.code, str):
                    print(e.code, file=sys.stderr)
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except Exception:  # what the interpreter does with an uncaught exception
                traceback.print_exc()
                code = 1
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(["dlexport", *argv], code, out.getvalue(), err.getvalue())


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
SLOW_FIXTURES = {"rendered", "browser", "open_page", "converted", "server"}
SLOW_TESTS = {"test_two_thousand_terms_build", "test_ctrl_c_changes_nothing",
              # LibreOffice renders and PDF handouts
              "test_other_templates_build_and_render_inside_their_boxes",
              "test_pdf_writes_the_lecture_and_a_notes_handout", "test_cli_split_and_pdf_outputs_are_in_the_manifest",
              # whole builds or checks of the real 40-term sources (the fixture tests cover the same code)
              "test_no_note_is_a_duplicate", "test_every_seed_figure_renders",
              "test_every_formula_is_set_at_one_size_of_at_least_18_pt", "test_whatever_loads_builds_both_outputs",
              "test_no_figure_card_of_the_real_glossary_names_its_term",
              "test_every_link_resolves_and_every_image_exists[seed]",
              "test_the_sources_figures_use_these_kinds_without_naming_their_terms"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow tests `slow` by what they use, so a new render or browser test is marked too."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        name = getattr(item, "originalname", item.name)
        if fixtures & SLOW_FIXTURES or {name, item.name} & SLOW_TESTS or "gui" in item.path.parts:
            item.add_marker(pytest.mark.slow)
