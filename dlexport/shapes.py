"""The keys of every source record and the kind of value each holds: the loader and the JSON Schema read this.

Each value is a JSON Schema fragment (draft-07); the loader uses the key names (required, then optional,
in this order, which its messages list) and checks the values with its own, more talkative code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_ID = 64  # ids name figure files: keep them far below the 255-byte file-name limit

TEXT: dict[str, Any] = {"type": "string", "pattern": r"\S"}  # not empty, not only spaces
MAYBE_TEXT: dict[str, Any] = {"type": ["string", "null"]}  # may be absent, "" or empty
ID: dict[str, Any] = {"type": "string", "pattern": SLUG, "maxLength": MAX_ID}
ID_LABEL: dict[str, Any] = {"type": "string", "pattern": r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"}  # an askable label
CLOZE_TEXT: dict[str, Any] = {"type": "string", "pattern": r"\[\[.+?\]\]"}  # a hidden part, [[like this]]
# A figure's image-occlusion card: which of its kind's askable labels it asks (a list, or false for none)
OCCLUDE: dict[str, Any] = {"anyOf": [{"const": False}, {"type": "array", "items": TEXT, "minItems": 1}]}
OCCLUDE_MODES = ("hide-all", "hide-one")  # hide all labels and ask one, or hide only the one asked


def ref(name: str) -> dict[str, Any]:
    """Return a reference to another record's schema."""
    return {"$ref": f"#/definitions/{name}"}


def texts(non_empty: bool = False) -> dict[str, Any]:
    """Return a list of texts (at least one when `non_empty`)."""
    return {"type": "array", "items": TEXT, **({"minItems": 1} if non_empty else {})}


def records(name: str) -> dict[str, Any]:
    """Return a list of records of one kind."""
    return {"type": "array", "items": ref(name)}


class Record(NamedTuple):
    """A YAML mapping in the sources: how messages name it, its required and its optional keys."""

    what: str
    required: Mapping[str, Mapping[str, Any]]
    optional: Mapping[str, Mapping[str, Any]] = {}

    @property
    def keys(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return the required and the optional key names, as the loader's `mapping` takes them."""
        return tuple(self.required), tuple(self.optional)


RECORDS: dict[str, Record] = {
    "glossary": Record("the glossary file", {
        "id": ID, "name": TEXT, "title": TEXT, "subtitle": TEXT, "author": TEXT, "version": TEXT, "language": TEXT,
        "tag_prefix": {"type": "string", "pattern": r"^[A-Za-z0-9_:-]+$"},
        "sections": {"type": "array", "minItems": 1, "items": ref("section")},
    }, {"credit": ref("credit")}),
    "section": Record("a section", {"id": ID, "ko": TEXT, "en": TEXT}),
    "credit": Record("`credit`", {"title": TEXT, "author": TEXT, "url": {"type": "string", "pattern": r"^https?://\S+$"}},
                     {"note": MAYBE_TEXT}),
    "term": Record("a term", {
        "id": ID, "section": TEXT, "ko": TEXT, "en": TEXT, "summary": TEXT, "definition": TEXT,
        "key_points": texts(non_empty=True),
    }, {
        "abbr": MAYBE_TEXT, "formulas": records("formula"), "figures": records("figure"), "related": texts(),
        "references": records("reference"),
        "cloze": {"type": "array", "items": {"anyOf": [CLOZE_TEXT, ref("cloze_fact")]}},
    }),
    "cloze_fact": Record("a cloze fact", {"text": CLOZE_TEXT}, {"id": TEXT}),
    "formula": Record("a formula", {"latex": TEXT}, {"label": TEXT}),
    "reference": Record("a reference", {"authors": TEXT, "year": {"type": "integer"}, "title": TEXT},
                        {"venue": TEXT}),
    "figure": Record("a figure", {"kind": TEXT, "caption": TEXT, "alt": TEXT},
                     {"id": ID, "params": {"type": "object"}, "hide": {"type": "array", "items": ID_LABEL},
                      "quiz": {"type": "boolean"}, "occlude": OCCLUDE, "occlude_mode": {"enum": list(OCCLUDE_MODES)}}),
    "vocabulary": Record("the vocabulary file", {"words": records("word")}),
    "word": Record("a vocabulary word", {"ko": TEXT},
                   {"en": MAYBE_TEXT, "avoid": texts(), "except": texts(), "note": MAYBE_TEXT}),
}

# What an editor shows when the cursor is on a key (yaml-language-server hovers and completion).
HELP: dict[str, dict[str, str]] = {
    "term": {
        "id": "Stable slug: the Anki note's identity and what `related:` names. Never change it.",
        "section": "A section id from glossary.yaml.",
        "ko": "The Korean name: the card's front and the slide title.",
        "en": "The English name.",
        "abbr": "Optional abbreviation, e.g. CNN (\"\" for none).",
        "summary": "One sentence: the card's front and the table of contents.",
        "definition": "The explanation, in paragraphs separated by a blank line.",
        "key_points": "Short bullets for the slides and the card's back (at most ~45 characters each).",
        "formulas": "LaTeX math as matplotlib's mathtext understands it, each with a label.",
        "figures": "Figures drawn by code: a kind from the README's Diagram kinds, its params, caption and alt.",
        "related": "Ids of other terms.",
        "references": "The original papers: authors, year, title, venue.",
        "cloze": "Facts for cloze cards; the hidden part in [[double brackets]]; `{id: …, text: …}` keeps a card.",
    },
    "figure": {
        "hide": "Askable labels (the kind's `labels`) the figure → term card shows as \"?\", besides those "
                "naming the term, which it always hides.",
        "quiz": "false: leave the figure off the figure → term card (nothing left to ask once its names are "
                "hidden); a term with no figure to ask gets no such card.",
        "occlude": "The labels its image-occlusion card asks (default: every askable label of the kind), "
                   "or false for no occlusion card.",
        "occlude_mode": "hide-all (default): every label masked, one asked per card; hide-one: only the asked one.",
    },
    "glossary": {
        "id": "Slug of the glossary; part of every Anki note's identity.",
        "name": "Output file stem (build/<name>.apkg).",
        "tag_prefix": "First part of every Anki tag (dl::theory, dl::term::relu).",
        "sections": "The sections {id, ko, en}, in presentation order.",
        "credit": "The work the glossary grew from {title, author, url, note}, named in every output.",
    },
}

