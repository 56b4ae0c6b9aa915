"""The figure -> term card's quiz side: labels naming the term (or listed in `hide:`) are hidden, a figure that
still names its term is a source error, and `quiz: false` leaves a figure (and perhaps the card) out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlexport import cards, legibility
from dlexport.errors import SourceError
from dlexport.load import load
from dlexport.model import Assets, Glossary, Placed, Term
from dlexport.render import render_assets
from dlexport.targets import anki

from .test_anki import edit
from .test_load import problems

RBM = "30-rbm.yaml"
RBM_FIGURE = "    params: {visible: 4, hidden: 2}\n"


def _figure_option(root: Path, line: str) -> None:
    """Add one line (e.g. `hide: [...]`) to the fixture's RBM figure."""
    edit(root / "terms" / RBM, RBM_FIGURE, RBM_FIGURE + f"    {line}\n")


def test_names_are_matched_as_the_clue_masks_them(glossary: Glossary) -> None:
    rbm = glossary.term("rbm-test")  # 제한된 볼츠만 머신 (Restricted Boltzmann Machine), RBM
    assert cards.names_term("RBM 1 학습", rbm) and cards.names_term("rbms", rbm)
    assert cards.names_term("제한된 볼츠만 머신을\n쌓는다", rbm)  # a particle, a line break
    assert cards.names_term("restricted  boltzmann\nmachine", rbm)
    assert not cards.names_term("DRBM", rbm) and not cards.names_term("볼츠만", rbm)
    texts = (Placed("RBM", 11, (0, 0, 5, 5), "a"), Placed("RBM", 11, (9, 9, 15, 15)),
             Placed("층", 11, (0, 9, 5, 15), "b"))
    assert cards.revealing(texts, rbm) == {"a"}
    assert cards.leaks(texts, rbm) == ["RBM", "RBM"]


def test_hide_names_askable_labels_of_the_kind(basic_copy: Path) -> None:
    _figure_option(basic_copy, "hide: [visible_layr, hidden_layer]")
    (found,) = problems(basic_copy)
    assert found.startswith("terms/30-rbm.yaml:20:12: `visible_layr` is not an askable label of `rbm` — "
                            "did you mean `visible_layer`? the labels of `rbm`: visible_bias, hidden_bias,"), found


def test_quiz_must_be_true_or_false(basic_copy: Path) -> None:
    _figure_option(basic_copy, "quiz: maybe")
    (found,) = problems(basic_copy)
    assert found.startswith("terms/30-rbm.yaml:20:11: `quiz`"), found


def _rename(root: Path, ko: str) -> Term:
    edit(root / "terms" / RBM, "ko: 제한된 볼츠만 머신", f"ko: {ko}")
    return load(root).term("rbm-test")


def test_quiz_variant_hides_the_labels_naming_the_term_and_those_listed(basic_copy: Path, tmp_path: Path,
                                                                        figure_cache: Path) -> None:
    _figure_option(basic_copy, "hide: [visible_bias]")
    _rename(basic_copy, "은닉층")  # the RBM's "은닉층 h (hidden)" label names this term
    assets, _ = render_assets(load(basic_copy), tmp_path, cache_dir=figure_cache, jobs=1)
    full, quiz = assets.figures["rbm-small"], assets.figures["rbm-small"].quiz
    assert quiz is not None and quiz.path != full.path and quiz.path.is_file()
    assert {t.label for t in quiz.texts if t.text == "?"} == {"hidden_layer", "visible_bias"}
    assert "?" not in [t.text for t in full.texts]  # the full figure is untouched (slides, study page, back)
    assert assets.figures["perceptron-net"].quiz is None  # nothing to hide: its quiz side is the figure


def test_a_quiz_side_still_naming_its_term_is_a_source_error(basic_copy: Path, tmp_path: Path,
                                                             figure_cache: Path) -> None:
    _rename(basic_copy, "가중치")  # said by the RBM's footnote, which is no askable label
    with pytest.raises(SourceError) as info:
        render_assets(load(basic_copy), tmp_path, cache_dir=figure_cache, jobs=1)
    (problem,) = info.value.problems
    assert (problem.path.name, problem.line) == (RBM, 17)
    assert "`rbm-small`" in problem.message and "층 사이 가중치" in problem.message
    assert "quiz: false" in problem.fix
    _figure_option(basic_copy, "quiz: false")  # the fix: the figure is not asked, and the build goes through
    assets, _ = render_assets(load(basic_copy), tmp_path, cache_dir=figure_cache, jobs=1)
    assert assets.figures["rbm-small"].quiz is None


def _front_images(term: Term, assets: Assets) -> list[str]:
    """Return the file names of the images the figure -> term card's front shows (its CSS applied)."""
    field = dict(zip(anki.TERM_FIELDS, anki.term_fields(term, {}, assets), strict=True))["Figure"]
    images = re.findall(r'<img src="([^"]+)" alt="[^"]*"(?: class="([\w ]+)")?>', field)
    assert len(images) == field.count("<img ")
    return [src for src, role in images if "answer" not in role.split()]


def test_no_figure_card_of_the_real_glossary_names_its_term(seed_glossary: Glossary, tmp_path: Path,
                                                            figure_cache: Path) -> None:
    """Checked on the texts each drawing placed (not OCR), as plain lower-case substrings: stricter than the
    build's whole-word match."""
    assets, _ = render_assets(seed_glossary, tmp_path, cache_dir=figure_cache)
    by_file = {a.path.name: a for f in assets.figures.values() for a in f.variants()}  # phone variants too
    asked = 0
    for term in seed_glossary.terms:
        if cards.FIGURE not in [c.type for c in cards.of(term)]:
            continue
        names = [n.lower() for n in (term.ko, term.en, term.abbr) if n]
        shown = _front_images(term, assets)
        assert shown, term.id
        for name in shown:
            for text in by_file[name].texts:
                said = " ".join(text.text.split()).lower()
                assert not any(n in said for n in names), (term.id, name, text.text)
            asked += 1
    assert asked >= 30
    assert sum(f.quiz is not None for f in assets.figures.values()) >= 8  # the hidden labels are really drawn
    assert not [f for f, a in assets.figures.items() if legibility.card_problem(a)]  # and all are legible
