"""`dlexport new`: a complete term file that loads at once, whose TODOs `check --strict` lists, and clear refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dlexport.load import load
from dlexport.scaffold import MODELINE, next_prefix, term_text

from .conftest import SEED, run_cli


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """Return a writable copy of the real sources/ in a folder named with Hangul."""
    return Path(shutil.copytree(SEED, tmp_path / "용어" / "sources"))


def test_new_term_gets_the_next_number_of_its_section_and_loads(seed_copy: Path) -> None:
    result = run_cli("new", "weight-decay", "--section", "theory", "--ko", "가중치 감쇠", "--en", "Weight Decay",
                     "--sources", seed_copy)
    assert result.returncode == 0, result.stderr
    path = seed_copy / "terms" / "39-weight-decay.yaml"  # theory ends with 38-bptt.yaml
    assert result.stdout.strip().endswith("terms/39-weight-decay.yaml")
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE
    glossary = load(seed_copy)
    term = glossary.term("weight-decay")
    assert (term.section, term.ko, term.en) == ("theory", "가중치 감쇠", "Weight Decay")
    theory = next(s for s in glossary.sections if s.id == "theory")
    assert theory.terms[-1] is term  # last in its section, by its number
    assert glossary.terms.index(term) == glossary.terms.index(glossary.term("bptt")) + 1
    todos = [(p.line, p.message) for p in glossary.warnings if p.path == path]
    assert [line for line, _ in todos] == [10, 12, 14, 15, 28], todos
    assert {m for _, m in todos} == {"`summary` still holds TODO text", "`definition` still holds TODO text",
                                     "`key_points` still holds TODO text", "`cloze` still holds TODO text"}


def test_check_passes_and_strict_reports_every_todo(seed_copy: Path) -> None:
    assert run_cli("new", "weight-decay", "--section", "theory", "--sources", seed_copy).returncode == 0
    loose = run_cli("check", "--sources", seed_copy)
    assert loose.returncode == 0, loose.stderr
    assert loose.stderr.count("39-weight-decay.yaml:") == 7  # ko, en, summary, definition, 2 key points, cloze
    assert all(line.startswith("warning: ") for line in loose.stderr.splitlines())
    strict = run_cli("check", "--strict", "--sources", seed_copy)
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[-1] == "7 errors; nothing was written."
    assert "39-weight-decay.yaml:7:5: `ko` still holds TODO text — replace it with the real content" in strict.stderr


def test_a_new_term_builds_every_output(basic_copy: Path, tmp_path: Path) -> None:
    for tid, section in (("first-new", "models"), ("second-new", "models"), ("third", "basics")):
        assert run_cli("new", tid, "--section", section, "--sources", basic_copy).returncode == 0
    names = sorted(p.name for p in (basic_copy / "terms").iterdir())
    assert names == ["10-퍼셉트론.yaml", "20-activation.yaml", "21-third.yaml", "30-rbm.yaml",
                     "31-first-new.yaml", "32-second-new.yaml"]
    built = run_cli("all", "--sources", basic_copy, "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert "31-first-new.yaml" in built.stderr  # its TODO warnings


@pytest.mark.parametrize(("args", "message"), [
    (["perceptron", "--section", "basics"], "term id `perceptron` already exists: "),
    (["rbm-test", "--section", "models"], "term id `rbm-test` already exists: "),
    (["new-one", "--section", "basic"], "unknown section `basic`: glossary.yaml has basics, models"),
    (["New_One", "--section", "basics"], "`New_One` is not a valid term id"),
])
def test_refusals_are_one_clear_line_and_write_nothing(basic_copy: Path, args: list[str], message: str) -> None:
    before = sorted((basic_copy / "terms").iterdir())
    result = run_cli("new", *args, "--sources", basic_copy)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"dlexport: {message}"), line
    assert sorted((basic_copy / "terms").iterdir()) == before


def test_numbers_and_names_that_yaml_would_misread() -> None:
    assert next_prefix([]) == 10
    assert next_prefix([10, 30, 20]) == 31
    assert next_prefix([98, 99]) is None
    text = term_text("x", "basics", ko="예: 콜론 # 샵", en="yes")
    assert 'ko: "예: 콜론 # 샵"' in text and 'en: "yes"' in text  # `yes` alone would be true
