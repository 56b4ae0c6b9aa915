"""The vocabulary check: avoided words are found at their file:line:col, and the real sources use none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dlexport.fonts import hangul_font
from dlexport.load import load
from dlexport.model import Glossary
from dlexport.vocabulary import Word, scan

from .conftest import ROOT, SEED, run_cli

WORDS = (
    Word("기울기", "gradient", ("경사값", "경사", "그래디언트")),
    Word("기울기 소실", "vanishing gradient", ("경사 사라짐", "경사 소멸")),
    Word("경사 하강법", "gradient descent", ("경사하강법",)),
    Word("손실 함수", "loss function", ("비용 함수", "로스"), exceptions=("크로스",)),
    Word("은닉층", "hidden layer", ("히든 레이어", "히든층")),
)


def found(*texts: str) -> list[tuple[int, int, str, str]]:
    return [(h.text, h.start, h.found, h.word.ko) for h in scan(WORDS, texts)]


def test_scan_reports_each_avoided_word_with_the_word_to_write() -> None:
    assert found("히든 레이어의 경사값", "그래디언트") == [
        (0, 0, "히든 레이어", "은닉층"), (0, 8, "경사값", "기울기"), (1, 0, "그래디언트", "기울기")]


def test_longest_overlap_wins_and_preferred_words_and_exceptions_shelter() -> None:
    assert found("경사하강법") == [(0, 0, "경사하강법", "경사 하강법")]  # not also 경사
    assert found("경사 하강법과 크로스 엔트로피") == []  # 경사 inside the preferred name, 로스 inside 크로스
    assert found("경사 사라짐") == [(0, 0, "경사 사라짐", "기울기 소실")]


def test_a_synonym_in_parentheses_after_its_word_is_allowed_once_per_term() -> None:
    assert found("기울기 소실(경사 소멸, 경사 사라짐) 문제", "손실 함수 (비용 함수)") == []
    assert found("기울기(그래디언트)", "또 기울기(그래디언트)") == [(1, 6, "그래디언트", "기울기")]
    assert found("은닉층 (경사값)") == [(0, 5, "경사값", "기울기")]  # parentheses after another word
    assert found("기울기 소실은 (경사 소멸)") == [(0, 9, "경사 소멸", "기울기 소실")]  # not right after it


def plant(basic_copy: Path) -> None:
    (basic_copy / "vocabulary.yaml").write_text(
        "words:\n  - ko: 은닉층\n    en: hidden layer\n    avoid: [히든 레이어]\n"
        "  - ko: 기울기\n    en: gradient\n    avoid: [경사]\n", encoding="utf-8")
    term = basic_copy / "terms" / "20-activation.yaml"
    term.write_text(term.read_text(encoding="utf-8")
                    .replace("가중합에 비선형성을", "히든 레이어의 가중합에 비선형성을")
                    .replace("  - 시그모이드, tanh, ReLU", "  - \"시그모이드: 경사가 작다\"")
                    .replace("양수 구간 기울기는", "양수 구간 경사는"), encoding="utf-8")


def test_planted_variants_are_warnings_at_their_line_and_column(basic_copy: Path) -> None:
    plant(basic_copy)
    warnings = [(p.path.name, p.line, p.column, p.message, p.fix) for p in load(basic_copy).warnings]
    assert warnings == [
        ("20-activation.yaml", 6, 21, "`히든 레이어` is not the glossary's word",
         "write `은닉층` (hidden layer) (sources/vocabulary.yaml)"),
        ("20-activation.yaml", 9, 13, "`경사` is not the glossary's word",
         "write `기울기` (gradient) (sources/vocabulary.yaml)"),
        ("20-activation.yaml", 11, 17, "`경사` is not the glossary's word",
         "write `기울기` (gradient) (sources/vocabulary.yaml)"),
    ]


def test_check_warns_and_check_strict_fails(basic_copy: Path) -> None:
    plant(basic_copy)
    loose = run_cli("check", "--sources", basic_copy)
    assert loose.returncode == 0, loose.stderr
    first = loose.stderr.splitlines()[0]
    assert first.startswith("warning: ") and first.endswith(
        "20-activation.yaml:6:21: `히든 레이어` is not the glossary's word — "
        "write `은닉층` (hidden layer) (sources/vocabulary.yaml)")
    strict = run_cli("check", "--strict", "--sources", basic_copy)
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[-1] == "3 errors; nothing was written."
    assert run_cli("all", "--strict", "--sources", basic_copy, "--out", basic_copy.parent / "out").returncode == 1
    assert not (basic_copy.parent / "out" / "manifest.json").exists()


def test_a_broken_vocabulary_file_is_a_source_error(basic_copy: Path) -> None:
    (basic_copy / "vocabulary.yaml").write_text("words:\n  - en: hidden layer\n", encoding="utf-8")
    result = run_cli("check", "--sources", basic_copy)
    assert result.returncode == 1
    assert "vocabulary.yaml:2:5: a vocabulary word is missing the required key `ko`" in result.stderr


def test_the_real_vocabulary_keeps_standard_names_whole() -> None:
    words = load_words()
    assert [h.found for h in scan(words, ["확률적 경사 하강을 쓰는 미니배치 경사 하강법과 크로스 엔트로피"])] == []
    assert [(h.found, h.word.ko) for h in scan(words, ["히든층의 경사가 사라지는 경사 소멸"])] == [
        ("히든층", "은닉층"), ("경사", "기울기"), ("경사 소멸", "기울기 소실")]


def test_the_real_sources_pass_strict(seed_glossary: Glossary) -> None:
    assert seed_glossary.warnings == ()
    result = run_cli("check", "--strict", "--quiet")
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_figure_labels_and_other_text_drawn_by_code_use_the_vocabulary() -> None:
    words = load_words()
    for template in sorted((ROOT / "dlexport" / "templates").rglob("*.*")):
        assert [h.found for h in scan(words, [template.read_text(encoding="utf-8")])] == [], template.name
    for path in sorted((ROOT / "dlexport").rglob("*.py")):  # string constants, not docstrings
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef) and n.body
                      and isinstance(n.body[0], ast.Expr)}
        labels = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and id(n) not in docstrings]
        assert [h.found for h in scan(words, labels)] == [], path.name


def load_words() -> tuple[Word, ...]:
    from dlexport.load import _Reader

    return _Reader(SEED).read_vocabulary()


# --- Guards: what issue 13 fixed must not come back -------------------------------------------------------

GONE = [
    "ˣ", "ᵀ", "∘", "⊙", "−",  # glyphs the shipped font lacks, or superscript letters
    "가장 인기 있는",  # a 2016 claim in the present tense
    "활발히 쓰인다", "활발히 사용",  # RNNs in NLP: dated, and what replaced them
    "쌓아서 심층 신뢰 신경망(DBN)을 사전 학습",  # stacked RBMs are a DBN
    r"\frac{N - F + 2P}{S} + 1",  # the output size needs a floor
    "히든", "경사 사라짐 문제", "각 시각", "시각 t",
]


def source_texts() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted((SEED / "terms").glob("*.yaml"))]


DROPOUT_GONE = [
    "미니배치마다",  # dropout masks are drawn per training example (batch norm's statistics are per mini-batch)
    "p는 남길 확률", "출력에 p를 곱함",  # p is the drop probability; inverted dropout multiplies nothing at test
]


@pytest.mark.parametrize("gone", GONE)
def test_fixed_mistakes_stay_fixed(gone: str) -> None:
    assert [name for name, text in source_texts() if gone in text] == []


@pytest.mark.parametrize("gone", DROPOUT_GONE)
def test_fixed_dropout_mistakes_stay_fixed(gone: str) -> None:
    (text,) = [text for name, text in source_texts() if name.endswith("-dropout.yaml")]
    assert gone not in text


def test_every_letter_of_the_real_sources_is_in_the_shipped_font(seed_glossary: Glossary) -> None:
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(hangul_font())).getBestCmap()
    for t in seed_glossary.terms:
        texts = [t.ko, t.en, t.summary, t.definition, *t.key_points, *t.cloze,
                 *(f.label for f in t.formulas), *(x.caption + x.alt for x in t.figures),
                 *(r.cite() for r in t.references)]
        missing = sorted({c for s in texts for c in s if c != "\n" and ord(c) not in cmap})
        assert missing == [], f"{t.id}: {missing}"


def test_fixed_facts_are_there(seed_glossary: Glossary) -> None:
    def text(term_id: str) -> str:
        t = seed_glossary.term(term_id)
        return " ".join([t.definition, *t.key_points, *t.cloze, *(f.latex for f in t.formulas)])

    assert "학습 예제마다" in text("dropout") and "Bernoulli}(1 - p)" in text("dropout")
    assert r"\lfloor" in text("cnn") and "교차 상관" in text("cnn")
    assert "트랜스포머" in text("rnn") and "트랜스포머" in text("lstm")
    assert "|w|·σ′" in text("vanishing-gradient") and seed_glossary.term("vanishing-gradient").ko == "기울기 소실"
    assert "과대완전" in text("autoencoder") and "이진" in text("rbm") and "학습률 ε" in text("rbm")
    cited = {(r.authors.split(",")[0], r.year) for t in seed_glossary.terms for r in t.references}
    assert {("Kunihiko Fukushima", 1969), ("Richard H. R. Hahnloser", 2000), ("Felix A. Gers", 2000),
            ("Yann LeCun", 1989), ("David H. Ackley", 1985)} <= cited


def test_strict_refuses_even_when_the_outputs_are_up_to_date(basic_copy: Path) -> None:
    plant(basic_copy)
    out = basic_copy.parent / "out"
    first = run_cli("all", "--sources", basic_copy, "--out", out)
    assert first.returncode == 0 and first.stderr.count("warning: ") == 3, first.stderr
    manifest = (out / "manifest.json").read_bytes()
    strict = run_cli("all", "--strict", "--sources", basic_copy, "--out", out)
    assert strict.returncode == 1 and "3 errors; nothing was written." in strict.stderr
    assert (out / "manifest.json").read_bytes() == manifest
