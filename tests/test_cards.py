"""Tests for dlexport.cards: the one place that decides which cards a term yields and how facts are read."""

from __future__ import annotations

import inspect

import pytest

from dlexport import cards
from dlexport.model import Glossary
from dlexport.targets import anki, cheatsheet, slide_plan


def test_a_term_yields_its_note_cards_then_one_card_per_fact_then_per_label(glossary: Glossary) -> None:
    for term in glossary.terms:
        names = [c.type.name for c in cards.of(term)]
        figure = ["그림 → 용어"] if cards.quiz_figures(term) else []
        expected = ["용어 → 뜻", "뜻 → 용어", *figure, *["빈칸"] * len(term.cloze),
                    *["그림 가리기"] * sum(len(f.occlude) for f in term.figures)]
        assert names == expected, term.id
        assert [(c.figure, c.key) for c in cards.of(term) if c.figure] == \
            [(f, label) for f in term.figures for label in f.occlude]
        assert [c.key for c in cards.cloze_cards(term)] == list(term.fact_ids())
    assert anki.counts(glossary)["cards"] == sum(len(cards.of(t)) for t in glossary.terms)


def test_paragraphs_split_at_blank_lines_only() -> None:
    assert cards.paragraphs("가\n나\n\n다\n") == ["가 나", "다"]
    assert cards.paragraphs("a\n   \nb") == ["a", "b"]  # a line of spaces is a blank line too
    assert slide_plan._plain("a\n   \nb\nc") == "a\nb c"  # the slides use the same rule


def test_cloze_facts_are_parsed_once() -> None:
    assert cards.cloze_parts("x [[y]] z [[w]]") == \
        [("x ", False), ("y", True), (" z ", False), ("w", True), ("", False)]
    assert cards.blanked("x [[y]]\n z", "___") == "x ___ z"
    assert cards.cloze_label("x [[y]] z") == "x [y] z"
    with pytest.raises(ValueError, match="no \\[\\[hidden\\]\\] part"):
        cards.cloze_parts("nothing")
    for module in (anki, cheatsheet, slide_plan):  # no target keeps its own cloze or Anki-template regex
        source = inspect.getsource(module)
        assert "\\[\\[" not in source and "{{c(" not in source, module.__name__


def test_the_clue_is_the_summary_with_every_name_masked(glossary: Glossary) -> None:
    rbm = next(t for t in glossary.terms if t.id == "rbm-test")
    assert cards.clue(rbm) == cards.mask(rbm.summary, rbm) == " ".join(rbm.summary.split())
    assert cards.mask(f"{rbm.ko}와 {rbm.en.lower()}s", rbm) == f"{cards.MASK}와 {cards.MASK}"
