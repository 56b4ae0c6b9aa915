"""Typed, frozen objects that cross every stage boundary: Glossary, Section, Term, Figure."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path


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
class Asset:
    """A rendered image file, ready for a target to embed."""

    path: Path
    width: int  # pixels
    height: int
    alt: str
    caption: str


@dataclass(frozen=True)
class Assets:
    """Every rendered image, by figure id and by formula LaTeX."""

    figures: Mapping[str, Asset]
    formulas: Mapping[str, Asset]


@dataclass(frozen=True)
class Settings:
    """What a target needs besides content: the build time and user options."""

    epoch: int  # seconds since 1970; same sources -> same value, grows with each release
    template: Path | None = None  # --template for slides
    verbose: bool = False  # --verbose: targets may say what they chose (e.g. the slide layouts)
    split: str = ""  # --split sections: one lecture deck per section
    pdf: bool = False  # --pdf: also the lecture PDF and the notes handout (needs LibreOffice)
