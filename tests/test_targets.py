"""Tests for the target registry: a new output is one module plus one registry line, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlexport import cli, targets
from dlexport.targets import Option, Target
from tests.conftest import ROOTS

CSV = Target("csv", "CSV로 — one row per term", "tests.csv_target",
             options=(Option("--delimiter", "field separator", "CHAR", is_file=False),))


@pytest.fixture
def with_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the test-only CSV target, as its registry line would."""
    monkeypatch.setattr(targets, "TARGETS", (*targets.TARGETS, CSV))


def test_every_registered_target_is_a_subcommand_with_its_own_options() -> None:
    helps = cli.parser().format_help()
    for target in targets.TARGETS:
        assert target.name in helps
    with pytest.raises(SystemExit) as exit_:
        cli.parser().parse_args(["anki", "--template", "x.pptx"])  # slides' option, not anki's
    assert exit_.value.code == 2
    assert cli.parser().parse_args(["slides", "--template", "x.pptx"]).template == Path("x.pptx")
    assert cli.parser().parse_args(["all", "--template", "x.pptx"]).template == Path("x.pptx")


def test_a_new_target_is_one_module_and_one_registry_line(with_csv: None, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    basic = ROOTS / "basic"
    assert cli.main(["check", "--sources", str(basic)]) == 0
    assert " rows" in capsys.readouterr().out  # `check` reports what the new target counts

    assert cli.main(["csv", "--sources", str(basic), "--out", str(tmp_path / "one"), "--delimiter", ";"]) == 0
    (written,) = (tmp_path / "one").glob("*.csv")
    assert written.read_text(encoding="utf-8").count(";") == 2 * written.read_text(encoding="utf-8").count("\n")
    assert not list((tmp_path / "one").glob("*.apkg"))  # only the target asked for

    out = tmp_path / "all"
    assert cli.main(["all", "--sources", str(basic), "--out", str(out), "--jobs", "1"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert f"{written.stem}.csv" in {o["path"] for o in manifest["outputs"]}
    assert manifest["counts"]["rows"] == manifest["counts"]["terms"]
    assert manifest["counts"]["slides"] > 0  # counted by the slides target as it wrote them


def test_the_registry_names_modules_that_keep_the_contract() -> None:
    for target in targets.TARGETS:
        builder = target.builder()
        assert callable(builder.build) and callable(builder.counts), target.name
        assert set(target.images) <= {"png"}
