"""Card logic shared by every target: which cards a term yields, clue masking, cloze facts, occlusions and paragraphs.

Pure: no file IO, no HTML. The Anki target writes these cards, the cheatsheet previews them and the
slides ask the same facts; none of them re-decides which cards exist or how a fact is parsed.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from dlexport.diagrams import KINDS
from dlexport.model import CLOZE_MARK, Figure, Placed, Term

MASK = "＿＿"  # what replaces a term's names in a clue
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # keeps every index
_BLANK_LINE = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class CardType:
    """One card template: its name (shown in Anki), its stem (templates/anki/<stem>_front.html) and note kind."""

    name: str
    stem: str
    note: str  # "term", "cloze" or "occlusion"


TERM = CardType("용어 → 뜻", "term", "term")
MEANING = CardType("뜻 → 용어", "meaning", "term")
FIGURE = CardType("그림 → 용어", "figure", "term")
CLOZE = CardType("빈칸", "cloze", "cloze")
TERM_CARDS = (TERM, MEANING, FIGURE)  # the term note type's templates, in order (frozen: see anki.py)
OCCLUSION = CardType("그림 가리기", "occlusion", "occlusion")
CLOZE_CARDS = (CLOZE,)
OCCLUSION_CARDS = (OCCLUSION,)


@dataclass(frozen=True)
class Card:
    """One card a term yields: its type, its term and, for a cloze card, the fact and its identity; for an
    occlusion card, the figure, the label asked (`key`) and its cloze number (`ordinal`)."""

    type: CardType
    term: Term
    fact: str = ""
    key: str = ""
    figure: Figure | None = None
    ordinal: int = 0


def term_cards(term: Term) -> tuple[Card, ...]:
    """Return the cards of a term's note: term → meaning, meaning → term, and figure → term if it has a figure
    to ask about (see `quiz_figures`)."""
    return tuple(Card(t, term) for t in TERM_CARDS if t is not FIGURE or quiz_figures(term))


def quiz_figures(term: Term) -> tuple[Figure, ...]:
    """Return the figures the figure → term card shows: all but those marked `quiz: false` in the sources.

    A figure is marked so when, with every label that names the term hidden, nothing is left to ask
    about (or a text that is no label still names the term and can't be hidden).
    """
    return tuple(f for f in term.figures if f.quiz)


def names_term(text: str, term: Term) -> bool:
    """Return whether `text` contains the term's Korean name, English name or abbreviation, matched as `mask`
    does: Korean names anywhere (particles attach to them), English names and abbreviations as whole words."""
    return mask(text, term) != " ".join(text.split())


def revealing(texts: Iterable[Placed], term: Term) -> set[str]:
    """Return the askable labels among a figure's placed texts that name the term (the quiz side hides them)."""
    return {t.label for t in texts if t.label and names_term(t.text, term)}


def quiz_hidden(figure: Figure, texts: Iterable[Placed], term: Term) -> tuple[str, ...]:
    """Return the labels a figure's quiz variant hides: those naming the term and those its source lists
    in `hide:`; none for a figure that is not asked (`quiz: false`)."""
    return tuple(sorted(revealing(texts, term) | set(figure.hide))) if figure.quiz else ()


def leaks(texts: Iterable[Placed], term: Term) -> list[str]:
    """Return the placed texts that still name the term (on a quiz side: the build refuses them)."""
    return [t.text for t in texts if names_term(t.text, term)]


def cloze_cards(term: Term) -> tuple[Card, ...]:
    """Return one card per cloze fact of a term (all hidden parts of a fact are one card)."""
    return tuple(Card(CLOZE, term, fact, key) for fact, key in zip(term.cloze, term.fact_ids(), strict=True))


def ordinal(kind: str, label: str) -> int:
    """Return the cloze number (c1, c2, …) that asks a label: its place in its kind's labels, counting from 1.

    A kind's labels are append-only (tests/golden/occlusion-labels.json), so a label keeps its number, and
    its card its review history, in every release; adding a label adds a card.
    """
    return KINDS[kind].labels.index(label) + 1


def occlusion_cards(figure: Figure, term: Term, drawn: Collection[str] | None = None) -> tuple[Card, ...]:
    """Return one card per label a figure's occlusion note asks (`figure.occlude`, in the kind's order), leaving
    out labels not among `drawn` (the labels its image really shows; None: all of them)."""
    return tuple(Card(OCCLUSION, term, key=label, figure=figure, ordinal=ordinal(figure.kind, label))
                 for label in figure.occlude if drawn is None or label in drawn)


def occluded_figures(term: Term) -> tuple[Figure, ...]:
    """Return the figures of a term that get an image-occlusion note (those asking at least one label)."""
    return tuple(f for f in term.figures if f.occlude)


def of(term: Term) -> tuple[Card, ...]:
    """Return every card a term yields, in deck order: its note's cards, one per cloze fact, then one per
    askable label of each figure (as declared: the Anki target leaves out labels a drawing lacks)."""
    return term_cards(term) + cloze_cards(term) + tuple(c for f in term.figures for c in occlusion_cards(f, term))


def paragraphs(value: str) -> list[str]:
    """Split text into paragraphs at blank lines, joining the lines inside each paragraph with one space."""
    blocks = _BLANK_LINE.split(value.strip())
    return [" ".join(line.strip() for line in b.splitlines() if line.strip()) for b in blocks if b.strip()]


def _word_char(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()


def mask(value: str, term: Term) -> str:
    """Return `value` with the term's Korean and English names and abbreviation replaced by a blank.

    English names match in any case, as whole words, with a plural "s"/"es"; white space inside a
    name matches any run of white space. (A plain scan: a regex per term, compiled 1,000 times for
    1,000 terms, cost more than writing the whole deck.)
    """
    text = " ".join(value.split())
    folded = text.translate(_ASCII_LOWER)
    spans: list[tuple[int, int]] = []
    for name in sorted({term.ko, term.en, term.abbr} - {""}, key=len, reverse=True):
        needle, english = " ".join(name.split()), name.isascii()
        hay = folded if english else text
        needle = needle.translate(_ASCII_LOWER) if english else needle
        start = 0
        while (i := hay.find(needle, start)) >= 0:
            start, end = i + 1, i + len(needle)
            if english:  # a whole word, perhaps plural
                suffix = next((x for x in ("es", "s", "") if hay.startswith(x, end)
                               and not _word_char(hay, end + len(x))), None)
                if suffix is None or _word_char(hay, i - 1):
                    continue
                end += len(suffix)
            if all(end <= a or i >= b for a, b in spans):
                spans.append((i, end))
    for i, end in sorted(spans, reverse=True):
        text = text[:i] + MASK + text[end:]
    return text


def clue(term: Term) -> str:
    """Return the meaning → term card's clue: the summary (else the definition) with the names masked."""
    return mask(term.summary or " ".join(paragraphs(term.definition)), term)


def has_hidden(fact: str) -> bool:
    """Return whether a cloze fact marks a part to hide as [[like this]]."""
    return CLOZE_MARK.search(fact) is not None


def cloze_parts(fact: str) -> list[tuple[str, bool]]:
    """Return a cloze fact as (text, hidden) parts in order; raise ValueError if nothing is hidden."""
    if not has_hidden(fact):
        raise ValueError(f"cloze fact has no [[hidden]] part: {fact!r}")
    return [(part, bool(i % 2)) for i, part in enumerate(CLOZE_MARK.split(fact))]


def hidden_parts(fact: str) -> list[str]:
    """Return the hidden parts of a cloze fact."""
    return [part for part, hidden in cloze_parts(fact) if hidden] if has_hidden(fact) else []


def cloze_label(fact: str) -> str:
    """Return a cloze fact as plain text with its hidden parts in [brackets]."""
    return " ".join(CLOZE_MARK.sub(r"[\1]", fact).split())


def blanked(fact: str, blank: str) -> str:
    """Return a cloze fact as one line of plain text with each hidden part replaced by `blank`."""
    return CLOZE_MARK.sub(blank, " ".join(fact.split()))
