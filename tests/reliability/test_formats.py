"""`check --format github|json` says exactly what the human form says, for every mistake in the error catalogue."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dlexport.cli import main
from dlexport.errors import Problem
from dlexport.report import annotation, render

from ..test_vocabulary import plant
from .conftest import copy_basic, problems, run_cli
from .test_errors import CASES

ANNOTATION = re.compile(r"^::(?P<severity>error|warning) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+)"
                        r"::(?P<text>.+)$")


def check(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    """Run `check ARGS --sources root` in this process; return the exit code, stdout and stderr."""
    code = main(["check", *args, "--sources", str(root)])
    out, err = capsys.readouterr()
    return code, out, err


def unescape(text: str) -> str:
    return text.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


@pytest.mark.parametrize("break_it", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_every_catalogued_mistake_in_all_three_forms(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     break_it: Callable[[Path], object]) -> None:
    root = copy_basic(tmp_path / "용어" / "sources")
    break_it(root)
    code, out, err = check(capsys, root)
    assert code == 1 and out == ""
    human = [(m["path"], int(m["line"]), int(m["col"]), m["message"], m["fix"]) for m in problems(err)]

    code, out, err = check(capsys, root, "--format", "json")
    assert code == 1
    listed = json.loads(out)
    assert [(p["file"], p["line"], p["col"], p["message"], p["fix"]) for p in listed] == human
    assert {p["severity"] for p in listed} == {"error"}
    assert err.strip() == f"{len(human)} error{'s' if len(human) > 1 else ''}, 0 warnings"

    code, out, _ = check(capsys, root, "--format", "github")
    assert code == 1
    found = [ANNOTATION.match(line) for line in out.splitlines()]
    assert all(found), out
    assert [(unescape(m["file"]), int(m["line"]), int(m["col"]), unescape(m["text"])) for m in found if m] == \
        [(f, line, col, f"{message} — {fix}") for f, line, col, message, fix in human]


def test_warnings_are_warnings_and_strict_makes_them_errors(basic_copy: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    plant(basic_copy)
    code, out, _ = check(capsys, basic_copy, "--format", "github")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3 and all(line.startswith("::warning file=") for line in lines), out
    assert lines[0].endswith(",line=6,col=21::`히든 레이어` is not the glossary's word — "
                             "write `은닉층` (hidden layer) (sources/vocabulary.yaml)")
    code, out, _ = check(capsys, basic_copy, "--format", "json")
    assert code == 0
    listed: list[dict[str, Any]] = json.loads(out)
    assert [(Path(p["file"]).name, p["line"], p["col"], p["severity"]) for p in listed] == [
        ("20-activation.yaml", 6, 21, "warning"), ("20-activation.yaml", 9, 13, "warning"),
        ("20-activation.yaml", 11, 17, "warning")]
    code, out, _ = check(capsys, basic_copy, "--strict", "--format", "github")
    assert code == 1 and out.count("::error file=") == 3 and "::warning" not in out


def test_clean_sources_give_an_empty_list_and_no_annotation(basic_copy: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, basic_copy, "--format", "json")[:2] == (0, "[]\n")
    assert check(capsys, basic_copy, "--format", "github")[:2] == (0, "")


def test_annotations_escape_what_would_end_a_property_or_the_message() -> None:
    problem = Problem(Path("a,b:c%.yaml"), 3, 4, "50% of\nthe text", "fix: this, now")
    assert annotation(problem, "error") == \
        "::error file=a%2Cb%3Ac%25.yaml,line=3,col=4::50%25 of%0Athe text — fix: this, now"
    assert render([], [problem], "human") == "warning: a,b:c%.yaml:3:4: 50% of\nthe text — fix: this, now"


def test_the_command_line_prints_json_on_stdout(basic_copy: Path) -> None:
    (basic_copy / "terms" / "20-activation.yaml").write_text("id: [x\n", encoding="utf-8")
    result = run_cli("check", "--format", "json", "--sources", basic_copy)
    assert result.returncode == 1
    (problem,) = json.loads(result.stdout)
    assert problem["file"].endswith("20-activation.yaml") and problem["severity"] == "error"
    assert problem["message"].startswith("YAML syntax error")
