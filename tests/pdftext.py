"""Read a PDF's text layer the way the render tests compare it: per character, after NFKC normalisation.

A renderer may set "fi" as one ligature glyph (U+FB01), draw a compatibility form, or compose jamo
differently from the source, depending on which fonts and shaping the machine has. NFKC on both sides
makes those forms equal, so a fit check depends on the layout and not on the fonts that happen to be
installed.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Char:
    """One normalised character of a PDF text layer, with its glyph's box in points."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    fontname: str


def normalise(text: str) -> str:
    """Return `text` in NFKC form, as both sides of every comparison are."""
    return unicodedata.normalize("NFKC", text)


def chars(page: Any) -> list[Char]:
    """Return the visible characters of a pdfplumber page, a ligature glyph split into its letters."""
    out = []
    for c in page.chars:
        for ch in normalise(c["text"]):
            if ch.strip():
                out.append(Char(ch, c["x0"], c["x1"], c["top"], c["bottom"], c["fontname"]))
    return out


def letters(text: str | Iterable[str], *, upper: bool = False) -> Counter[str]:
    """Return the multiset of visible characters of `text` after NFKC (and upper-casing, if asked)."""
    joined = normalise("".join(text))
    if upper:
        joined = normalise(joined.upper())
    return Counter(ch for ch in joined if ch.strip())
