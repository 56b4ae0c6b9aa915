"""The command line as a user runs it: exit codes, one-line messages, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import run_cli


def test_check_reports_the_fixture_glossary_exactly() -> None:
    from .conftest import ROOTS

    result = run_cli("check", "--quiet", "--sources", ROOTS / "basic")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("3 terms in 2 sections, 2 figures, "), result.stdout  # then the card counts
    assert result.stderr == ""


def test_check_reports_the_seed_glossary() -> None:
    result = run_cli("check", "--quiet")
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"(\d+) terms in (\d+) sections, (\d+) figures, (\d+) notes, (\d+) cards\n", result.stdout)
    assert match, result.stdout
    terms, sections, figures, notes, cards = map(int, match.groups())
    assert terms >= 8 and sections >= 3 and figures >= 9 and cards >= notes >= terms  # grows with the glossary
    assert result.stderr == ""


def test_check_prints_each_mistake_as_file_line_col(basic_copy: Path) -> None:
    term = basic_copy / "terms" / "20-activation.yaml"
    term.write_text(term.read_text(encoding="utf-8").replace("summary:", "sumary:")
                    .replace("section: basics", "section: basic"), encoding="utf-8")
    result = run_cli("check", "--sources", basic_copy, process=True)  # a real process: exit 1, no traceback
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].endswith("20-activation.yaml:2:10: unknown section `basic` — did you mean `basics`?")
    assert lines[1].endswith("20-activation.yaml:5:1: unknown key `sumary` in a term — did you mean `summary`?")
    assert lines[2] == "2 errors; nothing was written."
    assert "Traceback" not in result.stderr


def test_missing_sources_directory_is_a_content_error(tmp_path: Path) -> None:
    result = run_cli("all", "--sources", tmp_path / "없음", "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "sources directory does not exist" in result.stderr
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2() -> None:
    assert run_cli("publish", process=True).returncode == 2  # the real exit codes of `python -m dlexport`
    bad_jobs = run_cli("check", "--jobs", "0")
    assert bad_jobs.returncode == 2 and "--jobs must be 1 or more" in bad_jobs.stderr
    bad_epoch = run_cli("anki", env={"SOURCE_DATE_EPOCH": "yesterday"}, process=True)
    assert bad_epoch.returncode == 2 and "SOURCE_DATE_EPOCH" in bad_epoch.stderr
    assert "Traceback" not in bad_epoch.stderr


def test_version_and_korean_help() -> None:
    assert run_cli("--version").stdout.startswith("dlexport ")
    help_text = run_cli("--help").stdout
    assert "용어집" in help_text and "check" in help_text and "slides" in help_text


def test_diagrams_writes_figures_and_a_contact_sheet_then_hits_the_cache(tmp_path: Path) -> None:
    from .conftest import ROOTS

    out = tmp_path / "out"
    first = run_cli("diagrams", "--sources", ROOTS / "basic", "--out", out, shared_cache=False)
    assert first.returncode == 0, first.stderr
    drawn = re.search(r"figures +([0-9]+) \(0 cached\)", first.stdout)  # 4 images, and their variants
    assert drawn and int(drawn[1]) > 4, first.stdout
    assert (out / "contact-sheet.png").read_bytes()[:4] == b"\x89PNG"
    names = sorted(p.name.rsplit("-", 1)[0] for p in (out / "figures").iterdir())
    assert [n for n in names if not n.endswith(("-slide", "-phone"))] == [
        "formula", "formula", "perceptron-net", "rbm-small"]
    assert {"perceptron-net-phone", "rbm-small-phone"} <= set(names)
    again = run_cli("diagrams", "--sources", ROOTS / "basic", "--out", out, shared_cache=False)
    assert f"figures    {drawn[1]} ({drawn[1]} cached)" in again.stdout


def test_undrawable_params_and_latex_point_at_their_line(basic_copy: Path, tmp_path: Path) -> None:
    rbm = basic_copy / "terms" / "30-rbm.yaml"
    rbm.write_text(rbm.read_text(encoding="utf-8").replace("visible: 4", "visible: 0"), encoding="utf-8")
    result = run_cli("all", "--sources", basic_copy, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].endswith(
        "30-rbm.yaml:17:1: cannot draw figure `rbm-small`: visible and hidden must be positive, got 0 and 2 "
        "— change the figure's params")
    rbm.write_text(rbm.read_text(encoding="utf-8").replace("visible: 0", "visible: 4")
                   .replace("latex: 'E(v, h)", "latex: '\\frac{E(v, h)"), encoding="utf-8")
    result = run_cli("all", "--sources", basic_copy, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "30-rbm.yaml:14:1: cannot draw formula `\\frac{E(v, h)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "figures").exists()
