"""Typed, frozen objects that cross every stage boundary: Glossary, Section, Term, Figure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dlexport.errors import Problem

if TYPE_CHECKING:
    from dlexport.memo import Memo

_AROUND = {"Po", "Pi", "Pf", "Pd", "Zs"}  # stripped around an identity: . , ! ? ; : quotes dashes spaces
CLOZE_MARK = re.compile(r"\[\[(.+?)\]\]", re.DOTALL)  # a cloze fact's hidden part: the one definition


def fact_key(text: str) -> str:
    """Return the normal form of a fact identity: NFKC, case-folded, one space, no punctuation around.

    A fact's identity is its `id` when the author gives one, else its hidden `[[…]]` parts:
    `fact_key("[[ReLU]]!")`, `fact_key("relu")` and `fact_key(" ＲｅＬＵ ")` are all "relu".
    """
    parts = CLOZE_MARK.findall(text) or [text]
    keys = []
    for part in parts:
        s = " ".join(unicodedata.normalize("NFKC", part).casefold().split())
        stripped = s.strip("".join(c for c in set(s) if unicodedata.category(c) in _AROUND))
        keys.append(stripped or s)
    return " | ".join(keys)


@dataclass(frozen=True)
class Reference:
    """One paper or book a term comes from."""

    authors: str
    year: int
    title: str
    venue: str = ""

    def cite(self) -> str:
        """Return the reference as one line: "Authors (Year). Title. Venue."."""
        venue = f" {self.venue}." if self.venue else ""
        return f"{self.authors} ({self.year}). {self.title}.{venue}"


@dataclass(frozen=True)
class Formula:
    """A formula in LaTeX math (no surrounding `$`), with a short Korean label."""

    latex: str
    label: str = ""
    line: int = field(default=1, compare=False)  # where it stands in its term's source file


@dataclass(frozen=True)
class Figure:
    """A diagram drawn by code: its kind, its parameters, and what a reader is told about it."""

    id: str
    kind: str
    params: Mapping[str, object]
    caption: str
    alt: str
    term_id: str
    base_dir: Path = field(default=Path("."), compare=False)  # sources/ root, for the `image` kind
    line: int = field(default=1, compare=False)  # where it stands in its term's source file
    occlude: tuple[str, ...] = ()  # the askable labels its image-occlusion card asks, in the kind's order
    hide_one: bool = False  # occlusion mode "hide one, guess one" (default: "hide all, guess one")
    hide: tuple[str, ...] = ()  # askable labels the figure -> term card hides besides those naming the term
    quiz: bool = True  # False: the figure is not asked on the figure -> term card (see cards.quiz_figures)


@dataclass(frozen=True)
class Term:
    """One glossary entry, as written in one source file."""

    id: str
    section: str
    ko: str
    en: str
    abbr: str
    summary: str
    definition: str
    key_points: tuple[str, ...]
    formulas: tuple[Formula, ...]
    figures: tuple[Figure, ...]
    related: tuple[str, ...]
    references: tuple[Reference, ...]
    cloze: tuple[str, ...]  # facts with the hidden part in [[double brackets]]
    source: Path = field(compare=False)
    cloze_ids: tuple[str, ...] = ()  # the author's `id:` of each fact ("" if none); may be shorter

    def fact_ids(self) -> tuple[str, ...]:
        """Return each cloze fact's identity: its `id` if given, else its hidden parts (see `fact_key`)."""
        given = self.cloze_ids + ("",) * (len(self.cloze) - len(self.cloze_ids))
        return tuple(fact_key(i or text) for text, i in zip(self.cloze, given, strict=False))

    @property
    def title(self) -> str:
        """Return "한국어 용어 (English Term)", the heading used by every output."""
        return f"{self.ko} ({self.en})"


@dataclass(frozen=True)
class Section:
    """A chapter of the glossary, e.g. 이론 (Theory)."""

    id: str
    ko: str
    en: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Credit:
    """The work this glossary grew from, named in every output."""

    title: str
    author: str
    url: str
    note: str = ""  # e.g. why the text is rewritten rather than copied

    def line(self) -> str:
        """Return the credit as one line of plain text."""
        note = f" {self.note}" if self.note else ""
        return f"원본: {self.title} — {self.author}, {self.url}.{note}"


@dataclass(frozen=True)
class Glossary:
    """The whole validated content, in presentation order."""

    id: str
    title: str
    subtitle: str
    author: str
    version: str
    language: str
    tag_prefix: str
    name: str  # output file stem, e.g. build/<name>.apkg
    sections: tuple[Section, ...]
    warnings: tuple[Problem, ...] = field(default=(), compare=False)  # words sources/vocabulary.yaml avoids
    credit: Credit | None = None

    @property
    def terms(self) -> tuple[Term, ...]:
        """Return every term in section order."""
        return tuple(t for s in self.sections for t in s.terms)

    def term(self, term_id: str) -> Term:
        """Return the term with this id."""
        for t in self.terms:
            if t.id == term_id:
                return t
        raise KeyError(term_id)

    def figures(self) -> Iterator[Figure]:
        """Yield every figure in presentation order."""
        for t in self.terms:
            yield from t.figures


@dataclass(frozen=True)
class Placed:
    """One text the drawing code placed in a figure, as the saved image shows it.

    `box` is (left, top, right, bottom) in the saved PNG's pixels, y downwards, taken from matplotlib's own
    text extent after layout. `label` is the name of an askable label (see `style.ask`), else "".
    """

    text: str
    points: float  # font size in points, at the image's DPI
    box: tuple[int, int, int, int]
    label: str = ""


@dataclass(frozen=True)
class Asset:
    """A rendered image file, ready for a target to embed, with the texts its drawing placed (none for files)."""

    path: Path
    width: int  # pixels
    height: int
    alt: str
    caption: str
    texts: tuple[Placed, ...] = ()
    quiz: Asset | None = None  # the figure -> term card's variant, its revealing labels hidden (if it has any)
    slide: Asset | None = None  # drawn for its slide (the kind's slide layout), if its kind draws one
    phone: Asset | None = None  # the figure -> term card's front on a phone (the kind's phone layout, quiz labels
    #                             hidden), if the figure is asked and its kind draws one

    def variants(self) -> tuple[Asset, ...]:
        """Return the figure and each variant drawn of it (every file a build publishes for it)."""
        return (self, *(a for a in (self.quiz, self.slide, self.phone) if a is not None))

    def labels(self) -> dict[str, tuple[int, int, int, int]]:
        """Return each askable label's box (the union of its texts' boxes), in drawing order."""
        boxes: dict[str, tuple[int, int, int, int]] = {}
        for t in self.texts:
            if t.label:
                old = boxes.get(t.label, t.box)
                boxes[t.label] = (min(old[0], t.box[0]), min(old[1], t.box[1]),
                                  max(old[2], t.box[2]), max(old[3], t.box[3]))
        return boxes


@dataclass(frozen=True)
class Assets:
    """Every rendered image, by figure id and by formula LaTeX."""

    figures: Mapping[str, Asset]
    formulas: Mapping[str, Asset]


@dataclass(frozen=True)
class Settings:
    """What a target needs besides content: the build time and the options its command line declared."""

    epoch: int  # seconds since 1970; same sources -> same value, grows with each release
    options: Mapping[str, object] = field(default_factory=dict)  # e.g. {"template": Path} for slides
    sources: Path | None = None  # the sources folder, whose git history names the earlier releases
    verbose: bool = False  # --verbose: targets may say what they chose (e.g. the slide layouts)
    cache: Path | None = None  # where targets keep their memos (`memo.Memo`) between builds; None: none kept
    published: Path | None = None  # the folder holding the last build's outputs (zips reuse their members)

    def previous(self, name: str) -> Path | None:
        """Return the last build's output `name` (e.g. "deck.pptx"), if there is one to reuse members of."""
        path = self.published / name if self.published else None
        return path if path is not None and path.is_file() else None

    def memo(self, name: str, salt: str = "") -> Memo:
        """Return the memo of the target `name` (empty, and never saved, without a cache folder)."""
        from dlexport.memo import Memo
        return Memo(self.cache / f"memo-{name}.pickle" if self.cache else None, salt)

    def file(self, name: str) -> Path | None:
        """Return the file option `name` (e.g. "template"), or None when it was not given."""
        value = self.options.get(name)
        return value if isinstance(value, Path) else None

    def text(self, name: str) -> str | None:
        """Return the text option `name` (e.g. "since"), or None when it was not given."""
        value = self.options.get(name)
        return value if isinstance(value, str) else None
