"""The command line as a user runs it: exit codes, one-line messages, never a traceback."""

from __future__ import annotations

from pathlib import Path

from .conftest import run_cli


def test_check_reports_the_seed_glossary() -> None:
    result = run_cli("check", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("8 terms in 2 sections, 9 figures"), result.stdout
    assert result.stderr == ""


def test_check_prints_each_mistake_as_file_line_col(basic_copy: Path) -> None:
    term = basic_copy / "terms" / "20-activation.yaml"
    term.write_text(term.read_text(encoding="utf-8").replace("summary:", "sumary:")
                    .replace("section: basics", "section: basic"), encoding="utf-8")
    result = run_cli("check", "--sources", basic_copy)
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
    assert run_cli("publish").returncode == 2
    bad_jobs = run_cli("check", "--jobs", "0")
    assert bad_jobs.returncode == 2 and "--jobs must be 1 or more" in bad_jobs.stderr
    bad_epoch = run_cli("anki", env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert bad_epoch.returncode == 2 and "SOURCE_DATE_EPOCH" in bad_epoch.stderr
    assert "Traceback" not in bad_epoch.stderr


def test_version_and_korean_help() -> None:
    assert run_cli("--version").stdout.startswith("dlexport ")
    help_text = run_cli("--help").stdout
    assert "용어집" in help_text and "check" in help_text and "slides" in help_text
