"""Build the Anki package: term and cloze notes with stable GUIDs, one subdeck per section."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sqlite3
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from dlexport.files import write_zip
from dlexport.model import Assets, Glossary, Section, Settings, Term
from dlexport.targets import BuildResult

# Identity. Never change these: Anki matches note types by id and notes by GUID, and a learner's
# review history hangs on both. Field and card-template NAMES are frozen too (a rename makes
# Anki add a "Name+" copy and refuse every update); template HTML and CSS may change freely.
TERM_MODEL_ID = 1365711457
CLOZE_MODEL_ID = 1128337226
DECK_ID_SALT = 2108919072  # deck ids are derived from this, the glossary id and the section id

TERM_FIELDS = ("Id", "Sort", "Korean", "English", "Abbr", "Summary", "Clue", "Definition",
               "KeyPoints", "Formula", "Figure", "Caption", "Related", "References")
CLOZE_FIELDS = ("Id", "Sort", "Text", "Term", "Extra")
TERM_CARDS = (("용어 → 뜻", "term"), ("뜻 → 용어", "meaning"), ("그림 → 용어", "figure"))
CLOZE_CARDS = (("빈칸", "cloze"),)

MASK = "＿＿"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "anki"

# Characters that Anki's renderer reads as syntax ({{Field}}, {{c1::…}}, [sound:…], [latex]),
# written as entities so content always shows as literal text.
_SYNTAX = str.maketrans({"{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;"})
_CLOZE_MARK = re.compile(r"\[\[(.+?)\]\]", re.DOTALL)


@dataclass(frozen=True)
class NotePlan:
    """One note to write: its kind ("term" or "cloze"), GUID, deck name, fields, tags and order."""

    kind: str
    guid: str
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    due: int


def text(value: object) -> Markup:
    """Return `value` as HTML text in which nothing is markup or Anki syntax."""
    if isinstance(value, Markup):
        return value
    return Markup(str(escape(value)).translate(_SYNTAX))


@cache
def _field_macros() -> Any:
    """Return the macros of fields.html.j2 (autoescaped, strict, every output through `text`)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True, finalize=text,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    return env.get_template("fields.html.j2").module


@cache
def card_template(name: str) -> str:
    """Return one card template (Anki `{{Field}}` syntax, jinja `{% include %}` only)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=False,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=False,
        variable_start_string="[=", variable_end_string="=]",
        comment_start_string="<!--#", comment_end_string="#-->",
    )
    return env.get_template(name).render().strip()


def default_css() -> str:
    """Return the card stylesheet shipped with the package."""
    return (TEMPLATE_DIR / "style.css").read_text(encoding="utf-8")


def paragraphs(value: str) -> list[str]:
    """Split text into paragraphs at blank lines, joining the lines inside each paragraph."""
    blocks = re.split(r"\n\s*\n", value.strip())
    return [" ".join(line.strip() for line in b.splitlines() if line.strip()) for b in blocks if b.strip()]


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # keeps every index


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


def cloze_html(fact: str) -> str:
    """Return a cloze fact as escaped HTML, each `[[hidden]]` part turned into `{{c1::hidden}}`.

    All hidden parts of one fact belong to one card (c1). Content is escaped first, so braces,
    colons and brackets from the source can never open or end a cloze.
    """
    if not _CLOZE_MARK.search(fact):
        raise ValueError(f"cloze fact has no [[hidden]] part: {fact!r}")
    out: list[str] = []
    for i, part in enumerate(_CLOZE_MARK.split(fact)):
        if i % 2:
            out.append("{{c1::" + str(text(part)).replace(":", "&#58;") + "}}")
        else:
            out.append(str(text(part)))
    return "".join(out)


def term_fields(term: Term, titles: Mapping[str, str], assets: Assets, index: int) -> tuple[str, ...]:
    """Return the HTML of a term note's fields, in TERM_FIELDS order (`titles`: every term's title by id)."""
    m = _field_macros()
    figures = [assets.figures[f.id] for f in term.figures]
    values = {
        "Id": text(term.id),
        "Sort": text(sort_key(index, term)),
        "Korean": text(term.ko),
        "English": text(term.en),
        "Abbr": text(term.abbr),
        "Summary": text(term.summary),
        "Clue": text(mask(term.summary or " ".join(paragraphs(term.definition)), term)),
        "Definition": m.paragraphs(paragraphs(term.definition)),
        "KeyPoints": m.key_points(term.key_points) if term.key_points else "",
        "Formula": m.formulas(term.formulas) if term.formulas else "",
        "Figure": m.figures([{"src": a.path.name, "alt": a.alt} for a in figures]) if figures else "",
        "Caption": m.captions([a.caption for a in figures]) if figures else "",
        "Related": m.related([titles.get(r, r) for r in term.related]) if term.related else "",
        "References": m.references(term.references) if term.references else "",
    }
    return tuple(str(values[name]) for name in TERM_FIELDS)


def sort_key(index: int, term: Term, fact: int | None = None) -> str:
    """Return the sort field: the term's source position, zero-padded, then its Korean name."""
    suffix = "" if fact is None else f".{fact + 1:02d}"
    return f"{index + 1:04d}{suffix} {term.ko}"


def tags(glossary: Glossary, section: Section, term: Term) -> tuple[str, ...]:
    """Return a note's hierarchical tags, e.g. ("dl::theory", "dl::term::relu")."""
    def clean(s: str) -> str:
        return re.sub(r"\s+", "_", s.strip())
    p = clean(glossary.tag_prefix)
    return (f"{p}::{clean(section.id)}", f"{p}::term::{clean(term.id)}")


def deck_name(glossary: Glossary, section: Section) -> str:
    """Return the subdeck of a section: "<glossary title>::<section title>"."""
    return f"{glossary.title}::{section.ko}"


def deck_id(*keys: str) -> int:
    """Return a stable deck id (31-bit) for a glossary id and optionally a section id."""
    digest = hashlib.sha256("\x1f".join((str(DECK_ID_SALT), *keys)).encode()).digest()
    return (1 << 30) | int.from_bytes(digest[:4], "big") & ((1 << 30) - 1)


def notes(glossary: Glossary, assets: Assets) -> list[NotePlan]:
    """Return every note to write, in source order (pure: reads and writes no files).

    GUIDs come from identity only: `guid_for(glossary.id, term.id, "term")` for a term note and
    `guid_for(glossary.id, term.id, "cloze", i)` for the i-th cloze fact of a term. Editing a fact
    updates its note in place; append new facts at the end of a term's list, since inserting or
    reordering shifts the index and moves review history to another fact.
    """
    from genanki import guid_for  # lazy: `counts` and `check` stay cheap

    plans: list[NotePlan] = []
    titles = {t.id: t.title for t in glossary.terms}
    index = 0
    for section in glossary.sections:
        deck = deck_name(glossary, section)
        for term in section.terms:
            note_tags = tags(glossary, section, term)
            plans.append(NotePlan("term", guid_for(glossary.id, term.id, "term"), deck,
                                  term_fields(term, titles, assets, index), note_tags, index))
            extra = str(text(term.summary))
            for i, fact in enumerate(term.cloze):
                fields = (str(text(term.id)), str(text(sort_key(index, term, i))), cloze_html(fact),
                          str(text(term.title)), extra)
                plans.append(NotePlan("cloze", guid_for(glossary.id, term.id, "cloze", i), deck,
                                      fields, note_tags, index))
            index += 1
    return plans


def counts(glossary: Glossary) -> dict[str, int]:
    """Return how many notes and cards the package will hold, without rendering anything."""
    terms = glossary.terms
    facts = sum(len(t.cloze) for t in terms)
    with_figure = sum(1 for t in terms if t.figures)
    return {"notes": len(terms) + facts, "cards": 2 * len(terms) + with_figure + facts}


def _models(genanki: Any, css: str) -> tuple[Any, Any]:
    """Return the genanki term and cloze note types."""
    def cards(specs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
        return [{"name": name, "qfmt": card_template(f"{stem}_front.html"),
                 "afmt": card_template(f"{stem}_back.html")} for name, stem in specs]

    term = genanki.Model(TERM_MODEL_ID, "dlexport 용어", fields=[{"name": f} for f in TERM_FIELDS],
                         templates=cards(TERM_CARDS), css=css, sort_field_index=1)
    cloze = genanki.Model(CLOZE_MODEL_ID, "dlexport 빈칸", fields=[{"name": f} for f in CLOZE_FIELDS],
                          templates=cards(CLOZE_CARDS), css=css, sort_field_index=1,
                          model_type=genanki.Model.CLOZE)
    return term, cloze


def build(glossary: Glossary, assets: Assets, out_dir: Path, settings: Settings, *,
          css: str | None = None) -> BuildResult:
    """Write `out_dir/<name>.apkg` atomically; the same input gives the same bytes.

    `settings.epoch` stamps every note, card and note type: it must grow with each release,
    because Anki's default import only updates notes that are newer than the learner's copy.
    """
    import genanki

    plans = notes(glossary, assets)
    term_model, cloze_model = _models(genanki, default_css() if css is None else css)
    top = genanki.Deck(deck_id(glossary.id), glossary.title,
                       description=str(text(f"{glossary.subtitle} · v{glossary.version}")))
    decks = {deck_name(glossary, s): genanki.Deck(deck_id(glossary.id, s.id), deck_name(glossary, s))
             for s in glossary.sections}
    for plan in plans:
        model = term_model if plan.kind == "term" else cloze_model
        decks[plan.deck].add_note(genanki.Note(model, list(plan.fields), sort_field=plan.fields[1],
                                               tags=list(plan.tags), guid=plan.guid, due=plan.due))
    media = _media(glossary, assets)
    package = genanki.Package([top, *decks.values()], media_files=[str(p) for p in media])

    db = sqlite3.connect(":memory:")  # no temp file: genanki's write_to_file leaks one per call
    try:
        package.write_to_db(db.cursor(), settings.epoch, itertools.count(settings.epoch * 1000))
        db.commit()
        collection = db.serialize()
    finally:
        db.close()

    dest = out_dir / f"{glossary.name}.apkg"
    media_map = json.dumps({str(i): p.name for i, p in enumerate(media)}).encode()
    pictures = ((str(i), p.read_bytes(), False) for i, p in enumerate(media))  # one at a time, not all
    write_zip(dest, itertools.chain([("collection.anki2", collection, True), ("media", media_map, True)],
                                    pictures), settings.epoch)
    return BuildResult((dest,), counts(glossary))


def _media(glossary: Glossary, assets: Assets) -> list[Path]:
    """Return the figure files to embed, sorted by name; two different files may not share a name."""
    by_name: dict[str, Path] = {}
    for fig in glossary.figures():
        path = assets.figures[fig.id].path
        if by_name.setdefault(path.name, path) != path:
            raise ValueError(f"two figures share the media name {path.name}: {by_name[path.name]}, {path}")
    return [by_name[n] for n in sorted(by_name)]
