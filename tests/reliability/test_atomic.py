"""A build that fails — loading, rendering, exporting, publishing or on Ctrl-C — leaves --out as it was."""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import NAME, copy_basic, fails_with, leftovers, replace, run_cli, snapshot

EXTRA_FIGURES = """
figures:
  - {id: act-plot, kind: activation_functions, caption: 활성화 함수, alt: 곡선 네 개}
  - {id: act-net, kind: feedforward, params: {layers: [6, 9, 9, 4]}, caption: 망, alt: 망 그림}
  - {id: act-drop, kind: dropout, caption: 드롭아웃, alt: 드롭아웃 그림}
  - {id: act-cnn, kind: cnn, caption: 합성곱, alt: 합성곱 그림}
  - {id: act-lstm, kind: lstm_cell, caption: LSTM, alt: LSTM 그림}
  - {id: act-flow, kind: gradient_flow, caption: 기울기, alt: 기울기 그림}
  - {id: act-auto, kind: autoencoder, caption: 오토인코더, alt: 오토인코더 그림}
  - {id: act-rnn, kind: rnn, caption: 순환, alt: 순환 그림}
"""


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, figure_cache: Path) -> tuple[Path, Path]:
    """Return (sources, out) of one successful full build of a copy of the fixture glossary."""
    root = tmp_path_factory.mktemp("용어")
    sources = copy_basic(root / "sources")
    result = run_cli("all", "--sources", sources, "--out", root / "out", "--cache", figure_cache)
    assert result.returncode == 0, result.stderr
    return sources, root / "out"


@pytest.fixture
def sources(good: tuple[Path, Path], tmp_path: Path) -> Path:
    """Return a writable copy of the good build's sources."""
    return Path(shutil.copytree(good[0], tmp_path / "sources"))


@pytest.fixture
def out(good: tuple[Path, Path], tmp_path: Path) -> Path:
    """Return a copy of the good build's output folder (same bytes), for one test to fail into."""
    return Path(shutil.copytree(good[1], tmp_path / "out"))


def unchanged(out: Path, before: dict[str, bytes]) -> None:
    """Assert every earlier output is byte-identical, nothing was added and no temporary file is left."""
    after = snapshot(out)
    assert sorted(after) == sorted(before)
    changed = [name for name in before if after[name] != before[name]]
    assert not changed, f"changed by a failed build: {changed}"
    assert leftovers(out) == []


def test_the_good_build_has_every_output(good: tuple[Path, Path]) -> None:
    names = snapshot(good[1])
    assert {f"{NAME}.apkg", f"{NAME}.pptx", "manifest.json"} <= set(names)
    figures = [n for n in names if n.startswith("figures/")]
    assert len([n for n in figures if not re.search(r"-(quiz|slide|phone)-[0-9a-f]{10}\.png$", n)]) == 4
    assert any("-phone-" in n for n in figures) and any("-slide-" in n for n in figures)
    assert leftovers(good[1]) == []


def test_load_failure_changes_nothing(sources: Path, out: Path, figure_cache: Path) -> None:
    before = snapshot(out)
    replace(sources / "terms" / "20-activation.yaml", "section: basics", "section: basics: x")
    result = run_cli("all", "--sources", sources, "--out", out, "--cache", figure_cache)
    fails_with(result, "20-activation.yaml", 2, "YAML syntax error")
    unchanged(out, before)


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("visible: 4", "visible: 0", 17, "cannot draw figure `rbm-small`"),
    ("latex: 'E(v, h)", "latex: '\\frac{E(v, h)", 14, "cannot draw formula"),
], ids=["params", "latex"])
def test_render_failure_changes_nothing(sources: Path, out: Path, figure_cache: Path,
                                        old: str, new: str, line: int, message: str) -> None:
    before = snapshot(out)
    replace(sources / "terms" / "30-rbm.yaml", old, new)
    replace(sources / "terms" / "10-퍼셉트론.yaml", "[3, 1]", "[3, 2, 1]")  # a new figure is drawn first
    result = run_cli("all", "--sources", sources, "--out", out, "--cache", figure_cache)
    fails_with(result, "30-rbm.yaml", line, message)
    unchanged(out, before)


def test_export_failure_changes_nothing(sources: Path, out: Path, figure_cache: Path, tmp_path: Path) -> None:
    before = snapshot(out)
    replace(sources / "terms" / "20-activation.yaml", "- 비선형성을 더한다", "- 비선형성을 더한다!")
    template = tmp_path / "not-a-deck.pptx"
    template.write_text("이것은 파워포인트 파일이 아니다", encoding="utf-8")
    result = run_cli("all", "--sources", sources, "--out", out, "--cache", figure_cache, "--template", template)
    assert result.returncode == 2, result.stderr  # a command-line mistake, found while exporting
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"dlexport: --template {template}: not a PowerPoint file"), result.stderr
    unchanged(out, before)


def test_publish_failure_changes_nothing(sources: Path, out: Path, figure_cache: Path) -> None:
    (out / f"{NAME}.pptx").unlink()
    (out / f"{NAME}.pptx").mkdir()  # the new deck can't be moved into place
    before = snapshot(out)
    replace(sources / "terms" / "20-activation.yaml", "- 비선형성을 더한다", "- 비선형성을 더한다!")
    replace(sources / "terms" / "30-rbm.yaml", "visible: 4", "visible: 3")
    result = run_cli("all", "--sources", sources, "--out", out, "--cache", figure_cache)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"{out / NAME}.pptx: a folder is in the way of an output — move or rename"), \
        result.stderr
    assert (out / f"{NAME}.pptx").is_dir()
    unchanged(out, before)


def test_unwritable_staging_changes_nothing(sources: Path, out: Path, figure_cache: Path) -> None:
    """The staging folder can't be made: `--out` is a file (as root, chmod can't make a folder read-only)."""
    before = (out / f"{NAME}.apkg").read_bytes()
    result = run_cli("anki", "--sources", sources, "--out", out / f"{NAME}.apkg", "--cache", figure_cache)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"{out / NAME}.apkg: "), result.stderr
    assert "is a file, not a folder" in result.stderr
    assert (out / f"{NAME}.apkg").read_bytes() == before


def _group_gone(pgid: int, timeout: float = 10.0) -> bool:
    """Return True once no process of the group `pgid` is left (waiting up to `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _read_until(fd: int, done: object, timeout: float = 120.0) -> str:
    """Read a pseudo-terminal until `done(text so far)` is true, the child closes it, or time runs out."""
    text, deadline = "", time.monotonic() + timeout
    while not done(text) and time.monotonic() < deadline:  # type: ignore[operator]
        if select.select([fd], [], [], 0.5)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            text += chunk.decode("utf-8", "replace")
    return text


# The command line, with the slides target paused once it has written its deck into the staging folder:
# it says "paused" on stdout and waits on stdin, which the test never writes. An interrupt sent then
# lands in the export stage, with a finished .apkg and .pptx staged and nothing published, on any machine.
# (Signalling when the "figures" line appears raced the export: the fixture's targets and the publish
# take a few tenths of a second, so a busy test process could signal after the new outputs were in place.)
PAUSED_IN_EXPORT = """
import sys

import dlexport.targets.slides as slides
from dlexport.cli import main

build = slides.build


def paused(*args, **kwargs):
    result = build(*args, **kwargs)
    print("paused", flush=True)
    sys.stdin.readline()
    return result


slides.build = paused
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("figures_done", [2, 20, None], ids=["rendering-early", "rendering-late", "exporting"])
def test_ctrl_c_changes_nothing(sources: Path, out: Path, tmp_path: Path, figures_done: int | None) -> None:
    """Interrupt like a terminal does (SIGINT to the whole process group) while figures are drawn cold
    (after the 2nd or the 20th of 50, read from the progress line a terminal shows), or while the outputs
    are exported (the slides target paused after writing its deck). No sleeping: the points are the same
    on any machine."""
    term = sources / "terms" / "20-activation.yaml"
    many = "".join(f"  - {{id: drop-{i}, kind: dropout, params: {{seed: {i}}}, caption: 그림, alt: 그림}}\n"
                   for i in range(40))
    term.write_text(term.read_text(encoding="utf-8") + EXTRA_FIGURES + many, encoding="utf-8")
    before = snapshot(out)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    args = ["all", "--sources", str(sources), "--out", str(out), "--cache", str(tmp_path / "cold-cache"),
            "--jobs", "2"]
    cmd = [sys.executable, *(["-c", PAUSED_IN_EXPORT] if figures_done is None else ["-m", "dlexport"]), *args]
    terminal, child_end = os.openpty()  # stderr is a terminal: the build shows its progress line there
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=child_end, text=True,
                            env=env, start_new_session=True)
    os.close(child_end)
    assert proc.stdout is not None
    try:
        if figures_done is None:
            said = ""
            while not said.endswith("paused\n"):
                line = proc.stdout.readline()
                assert line, (said, proc.communicate(timeout=60))
                said += line
            assert re.search(r"^figures .*^anki ", said, re.MULTILINE | re.DOTALL), said  # both stages done
            staged = {p.name for p in out.glob(".staging-*/*") if p.is_file()}
            assert {f"{NAME}.apkg", f"{NAME}.pptx"} <= staged, staged  # finished, not yet published
        else:
            shown = _read_until(terminal, lambda t: re.search(rf"figures\s+{figures_done}\s", t) is not None)
            assert re.search(rf"figures\s+{figures_done}\s", shown), shown
        os.killpg(proc.pid, signal.SIGINT)
        stdout, _ = proc.communicate(timeout=120)
        stderr = _read_until(terminal, lambda t: False, timeout=5).replace("\r\n", "\n")
    finally:
        os.close(terminal)
    if figures_done is not None:
        assert "figures " not in stdout, stdout  # interrupted while drawing: the stage never finished
    assert "slides " not in stdout and "cheatsheet " not in stdout, stdout
    assert proc.returncode in (1, 130), (proc.returncode, stderr)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].endswith("interrupted; earlier outputs were left as they were."), stderr
    assert _group_gone(proc.pid), "worker processes outlived the interrupted build"
    unchanged(out, before)
