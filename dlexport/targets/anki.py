"""Build the Anki package: term, cloze and image-occlusion notes with stable GUIDs, one subdeck per section."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sqlite3
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from dlexport import cards
from dlexport.diagrams import KINDS
from dlexport.files import write_zip, zip_memory
from dlexport.memo import Memo, key
from dlexport.model import Asset, Assets, Figure, Glossary, Section, Settings, Term
from dlexport.targets import BuildResult, _genanki_db, occlusion

# Identity. Never change these: Anki matches note types by id and notes by GUID, and a learner's
# review history hangs on both. Field and card-template NAMES and ORDER are frozen too (a change
# makes Anki add a "Name+" copy and refuse every update); template HTML and CSS may change freely.
# The first field of each note type is what Anki's duplicate check and Browse look at: it is
# unique per note and readable ("한국어 (English)" for a term, the sentence for a cloze fact).
TERM_MODEL_ID = 2084501352
CLOZE_MODEL_ID = 1365653711
OCCLUSION_MODEL_ID = 1893472615
DECK_ID_SALT = 2108919072  # deck ids are derived from this, the glossary id and the section id

TERM_FIELDS = ("Term", "Korean", "English", "Abbr", "Summary", "Clue", "Definition", "KeyPoints",
               "Formula", "Figure", "Caption", "Related", "References", "Id", "Sort")
CLOZE_FIELDS = ("Text", "Source", "Extra", "Fact", "Sort")  # Source: the term's title; Fact: "<term id> · <fact id>"
# Anki's stock Image Occlusion note type: its fields in its order, each tagged with its role (the `tag`
# Anki looks fields up by), and `originalStockKind` 6 (IMAGE_OCCLUSION): what makes Anki's editor open the
# mask editor and its reviewer paint the masks. `preventDeletion` as Anki sets it, so "Check Database"
# finds nothing to fix (it would otherwise rewrite the note type and bump its mtime).
OCCLUSION_FIELDS = ("Occlusion", "Image", "Header", "Back Extra", "Comments")
IMAGE_OCCLUSION = 6  # anki.notetypes_pb2.StockNotetype.OriginalStockKind.ORIGINAL_STOCK_KIND_IMAGE_OCCLUSION
FIELDS = {"term": TERM_FIELDS, "cloze": CLOZE_FIELDS, "occlusion": OCCLUSION_FIELDS}  # by NotePlan.kind
MODEL_IDS = {"term": TERM_MODEL_ID, "cloze": CLOZE_MODEL_ID, "occlusion": OCCLUSION_MODEL_ID}
SORT_FIELD = {"term": "Sort", "cloze": "Sort", "occlusion": "Header"}
UNSHOWN_SHOWN = 3  # figures asking labels they don't draw: how many a build names without --verbose
RETIRED_SECTION = "retired"  # the tag (`<tag_prefix>::retired`) of notes a release dropped
RETIRED_DECK = "폐기됨"  # and their subdeck, where a new learner's copies go
TERM_CARDS = tuple((c.name, c.stem) for c in cards.TERM_CARDS)  # (template name, file stem): see dlexport.cards
CLOZE_CARDS = tuple((c.name, c.stem) for c in cards.CLOZE_CARDS)
OCCLUSION_CARDS = tuple((c.name, c.stem) for c in cards.OCCLUSION_CARDS)
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "anki"

# Fields are written in the form Anki's editor stores (the browser's innerHTML): NFC text, only
# & < > and no-break spaces as entities (and " in attributes). Entities such as &#123; would be
# decoded the first time a learner opens the note, bumping its mtime and turning hostile text into
# live syntax. Instead, an empty <span></span> (invisible, kept by the editor, gone from copied text,
# searches and the duplicate check) goes between the characters that would form Anki or MathJax
# syntax: {{ }} (fields, clozes), [sound: [anki: [latex] [$] (media, LaTeX), \( \[ (MathJax). In
# attributes, where no element fits, a WORD JOINER (an invisible character the editor keeps) does.
# Measured in Anki 26.9.3's editor and reviewer (the gui helper's EDITOR-FINDINGS.md).
SPLIT = "<span></span>"
WJ = "\u2060"
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"})
_ATTR = str.maketrans({"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"})
_SYNTAX = re.compile(r"\{(?=\{)|\}(?=\})|\[(?=[A-Za-z/$])|\\(?=[()\[\]])")
_ATTR_SYNTAX = re.compile(r"\{(?=\{)|\}(?=\})|\[(?=[A-Za-z/$])")
_LATEX_SYNTAX = re.compile(r"\{(?=\{)|\}(?=\})|\[(?=[A-Za-z/$])")  # in math mode a space changes nothing


@dataclass(frozen=True)
class NotePlan:
    """One note to write: its kind ("term", "cloze" or "occlusion"), GUID, deck name, fields, tags and order."""

    kind: str
    guid: str
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    due: int
    label: str = ""  # plain text naming the note in release notes, e.g. "렐루 (ReLU) — … [1] …"
    term: str = ""  # the id of the term it belongs to


def text(value: object) -> Markup:
    """Return `value` as HTML text, in the editor's normal form, in which nothing is markup or Anki syntax."""
    if isinstance(value, Markup):
        return value
    html = unicodedata.normalize("NFC", str(value)).translate(_HTML)
    return Markup(_SYNTAX.sub(lambda m: m[0] + SPLIT, html))


def attr(value: object) -> Markup:
    """Return `value` escaped for a double-quoted HTML attribute, in the editor's normal form.

    Anki finds [sound:…] in attributes too, and no element fits there: a WORD JOINER (invisible,
    kept by the editor as a plain character) splits the syntax instead.
    """
    html = unicodedata.normalize("NFC", str(value)).translate(_ATTR)
    return Markup(_ATTR_SYNTAX.sub(lambda m: m[0] + WJ, html))


def math(latex: str) -> Markup:
    """Return LaTeX for a `\\(…\\)` span: HTML-escaped, with a space inside {{ }} and after [ (no syntax)."""
    html = unicodedata.normalize("NFC", latex.strip()).translate(_HTML)
    return Markup(_LATEX_SYNTAX.sub(lambda m: m[0] + " ", html))


@cache
def _field_environment() -> jinja2.Environment:
    """Return the environment of fields.html.j2 (autoescaped, strict, every output through `text`)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True, finalize=text,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
    )


@cache
def _field_macros() -> Any:
    """Return the macros of fields.html.j2."""
    return _field_environment().get_template("fields.html.j2").module


def compile_once(cache: Path | None) -> None:
    """Keep the compiled field macros and card templates in the cache folder `cache` (None: compiled in every
    process): the study page fills in the edited term's cards with the card templates, which compiling cost
    ≈ 0.1–0.2 s a build. Each file is loaded by one environment only (see `bytecode_cache`)."""
    if cache is not None:
        for env in (_field_environment(), _card_environment()):
            env.bytecode_cache = bytecode_cache(cache)


def bytecode_cache(cache: Path) -> jinja2.FileSystemBytecodeCache:
    """Return a cache of compiled templates in `cache`/jinja, in a folder of this code's and jinja2's own.

    jinja2 knows a compiled template by its name, file and source only; the code it compiled to also holds the
    environment's options (trim_blocks, finalize, delimiters…) and jinja2's code generator, which are dlexport's
    code and jinja2's version: a change to either gets a new folder, and the other folders are removed."""
    import shutil

    from dlexport import memo

    root = cache / "jinja"
    folder = root / hashlib.sha256(f"{memo.code()} jinja2 {jinja2.__version__}".encode()).hexdigest()[:16]
    if not folder.is_dir():
        for old in root.iterdir() if root.is_dir() else ():
            shutil.rmtree(old) if old.is_dir() else old.unlink()
        folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


@cache
def _card_environment() -> jinja2.Environment:
    """Return the environment of the card templates: `[= field("X") =]`, `{% call section("X") %}…{% endcall %}`
    (shown when field X is not empty) and `[= cloze("X") =]`, rendered to Anki syntax or to a filled-in card."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=False,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=False,
        variable_start_string="[=", variable_end_string="=]",
        comment_start_string="<!--#", comment_end_string="#-->", auto_reload=False,
    )


@cache
def card_template(name: str) -> str:
    """Return one card template in Anki's `{{Field}}` syntax, as the note type stores it."""
    def section(field: str, caller: Callable[[], str]) -> str:
        return "{{#" + field + "}}" + caller() + "{{/" + field + "}}"

    return _card_environment().get_template(name).render(
        field=lambda f: "{{" + f + "}}", cloze=lambda f: "{{cloze:" + f + "}}", section=section).strip()


def filled(value: str) -> bool:
    """Return whether Anki counts a field as filled (not only white space, `<br>` and `&nbsp;`)."""
    return bool(re.sub(r"<br\s*/?>|&nbsp;", "", value).strip())


def card_html(name: str, fields: Mapping[str, str], cloze: str = "") -> str:
    """Return one card template filled in with `fields` (HTML, inserted as they are): the card as Anki shows it.

    `cloze` is what `{{cloze:…}}` shows on this side (see `cloze_html`'s `hide`). The same template source
    makes `card_template`, so the preview cannot drift from the note type.
    """
    def section(field: str, caller: Callable[[], str]) -> str:
        return caller() if filled(fields[field]) else ""

    return _card_environment().get_template(name).render(
        field=lambda f: fields[f], cloze=lambda f: cloze, section=section).strip()


def default_css() -> str:
    """Return the card stylesheet shipped with the package."""
    return (TEMPLATE_DIR / "style.css").read_text(encoding="utf-8")


def cloze_html(fact: str, hide: Callable[[str], str] = lambda hidden: "{{c1::" + hidden + "}}") -> str:
    """Return a cloze fact as escaped HTML, each `[[hidden]]` part (escaped, then) wrapped by `hide`.

    The default makes Anki's `{{c1::hidden}}`: all hidden parts of one fact belong to one card (c1).
    Content is escaped first, so braces, colons and brackets from the source can never open or end a cloze.
    """
    out: list[str] = []
    for part, hidden in cards.cloze_parts(fact):
        if hidden:  # "::" would start a hint, and a last "}" would close the cloze early
            out.append(hide(re.sub(r":(?=:)|\}$", lambda m: m[0] + SPLIT, str(text(part)))))
        else:
            out.append(str(text(part)))
    return "".join(out)


def term_fields(term: Term, titles: Mapping[str, str], assets: Assets) -> tuple[str, ...]:
    """Return the HTML of a term note's fields, in TERM_FIELDS order (`titles`: every term's title by id)."""
    m = _field_macros()
    figures = [assets.figures[f.id] for f in term.figures]
    pictures = m.figures(figure_images(term, assets)) if figures else ""
    values = {
        "Term": text(term.title),
        "Id": text(term.id),
        "Sort": text(sort_key(term)),
        "Korean": text(term.ko),
        "English": text(term.en),
        "Abbr": text(term.abbr),
        "Summary": text(term.summary),
        "Clue": text(cards.clue(term)),
        "Definition": m.paragraphs(cards.paragraphs(term.definition)),
        "KeyPoints": m.key_points(term.key_points) if term.key_points else "",
        "Formula": m.formulas([{"label": f.label, "latex": math(f.latex)} for f in term.formulas])
        if term.formulas else "",
        # The figure -> term card exists when Figure is filled (Anki's rule), so a term with no figure to ask
        # about (cards.quiz_figures) keeps its pictures at the head of Caption, which every back side shows.
        "Figure": pictures if cards.quiz_figures(term) else "",
        "Caption": (pictures if not cards.quiz_figures(term) else "") + m.captions([a.caption for a in figures])
        if figures else "",
        "Related": m.related([titles.get(r, r) for r in term.related]) if term.related else "",
        "References": m.references(term.references) if term.references else "",
    }
    return tuple(str(values[name]) for name in TERM_FIELDS)


def figure_images(term: Term, assets: Assets) -> list[dict[str, str]]:
    """Return the images of a term's Figure field: each figure in full, and before an asked figure's picture
    its quiz variant and its phone variant; the card CSS shows quiz variants only on the figure -> term card's
    front (`.quiz-side`), there hides the full pictures of figures that have a quiz variant or are not asked,
    and on a phone (`legibility.PHONE_MEDIA`) shows the phone variants instead of what they replace (`desk`)."""
    out = []
    for fig in term.figures:
        asset = assets.figures[fig.id]
        asked = fig in cards.quiz_figures(term)
        desk = " desk" if asked and asset.phone is not None else ""
        if asked and asset.quiz is not None:
            out.append({"src": attr(asset.quiz.path.name), "alt": attr(asset.alt), "role": "quiz" + desk})
        if asked and asset.phone is not None:
            out.append({"src": attr(asset.phone.path.name), "alt": attr(asset.alt), "role": "phone"})
        full = "answer" if not asked or asset.quiz is not None else desk.strip()
        out.append({"src": attr(asset.path.name), "alt": attr(asset.alt), "role": full})
    return out


def cloze_fields(card: cards.Card, hide: Callable[[str], str] | None = None) -> tuple[str, ...]:
    """Return the HTML of a cloze card's note fields, in CLOZE_FIELDS order (`hide`: see `cloze_html`)."""
    term = card.term
    fact = cloze_html(card.fact) if hide is None else cloze_html(card.fact, hide)
    return (fact, str(text(term.title)), str(text(term.summary)), str(text(f"{term.id} · {card.key}")),
            str(text(sort_key(term, card.key))))


def occlusion_cards(term: Term, figure: Figure, asset: Asset) -> tuple[cards.Card, ...]:
    """Return the cards of a figure's occlusion note: the labels it asks that its drawing shows.

    A stand-in asset (width 0: not drawn, see `anki_history.stand_in_assets`) shows every label it asks.
    """
    return cards.occlusion_cards(figure, term, asset.labels() if asset.width else None)


def occlusion_masks(term: Term, figure: Figure, asset: Asset) -> tuple[occlusion.Mask, ...]:
    """Return the masks of a figure's occlusion note, one per card (empty ones for a stand-in asset)."""
    asked = occlusion_cards(term, figure, asset)
    if not asset.width:
        return tuple(occlusion.Mask(c.key, c.ordinal, *(occlusion.PLACES * 0,) * 4) for c in asked)
    return occlusion.masks(asked, asset.labels(), asset.width, asset.height)


def occlusion_fields(term: Term, figure: Figure, asset: Asset) -> tuple[str, ...]:
    """Return the HTML of a figure's image-occlusion note, in OCCLUSION_FIELDS order.

    One mask per asked label, each its label's text box with a margin; the other masks stay on the question
    ("hide all, guess one") unless the figure says `occlude_mode: hide-one`. A stand-in asset gets empty
    masks: its file name already names everything the masks are made from.
    """
    values = {
        "Occlusion": occlusion.occlusion_field(occlusion_masks(term, figure, asset), not figure.hide_one),
        "Image": f'<img src="{attr(asset.path.name)}" alt="{attr(asset.alt)}">',
        "Header": str(text(term.title)),
        "Back Extra": str(text(figure.caption)),
        "Comments": "",
    }
    return tuple(values[name] for name in OCCLUSION_FIELDS)


def describe_occlusions(glossary: Glossary, assets: Assets) -> list[str]:
    """Return one line per figure whose kind has askable labels: the cards its occlusion note asks (for --verbose)."""
    lines = []
    for term in glossary.terms:
        for fig in term.figures:
            offered = KINDS[fig.kind].labels if fig.kind in KINDS else ()
            if not offered:
                continue
            asked = occlusion_cards(term, fig, assets.figures[fig.id])
            mode = "hide one" if fig.hide_one else "hide all"
            said = ", ".join(f"c{c.ordinal} {c.key}" for c in asked) or "no card"
            left = [x for x in offered if x not in {c.key for c in asked}]
            lines.append(f"anki: figure {fig.id} ({fig.kind}, {mode}): {said}"
                         + (f"; not asked: {', '.join(left)}" if left else ""))
    return lines


def unshown_labels(glossary: Glossary, assets: Assets) -> list[str]:
    """Return one line per figure asking labels its drawing does not show (with these params): those get no
    card, and `check`, which counts without drawing, counted them."""
    lines = []
    for term in glossary.terms:
        for fig in cards.occluded_figures(term):
            shown = assets.figures[fig.id].labels()
            if assets.figures[fig.id].width and (lacking := [x for x in fig.occlude if x not in shown]):
                lines.append(f"{term.source}:{fig.line}: anki: figure {fig.id} does not show {', '.join(lacking)}: "
                             "no card asks them — list the labels to ask in `occlude:`")
    return lines


def shortened(lines: Sequence[str], keep: int = UNSHOWN_SHOWN) -> list[str]:
    """Return the first `keep` of `unshown_labels`' lines and one line counting the rest (--verbose: all)."""
    if len(lines) <= keep + 1:
        return list(lines)
    return [*lines[:keep], f"anki: … and {len(lines) - keep} more figures that do not show labels they ask; "
                           "--verbose lists them"]


def sort_key(term: Term, fact: str | None = None) -> str:
    """Return the sort field: the title, then a cloze fact's identity ("퍼셉트론 (Perceptron) · 선형").

    Never a position: inserting a term or a fact would change every later note and update it.
    """
    return term.title if fact is None else f"{term.title} · {fact}"


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


def notes(glossary: Glossary, assets: Assets, memo: Memo | None = None) -> list[NotePlan]:
    """Return every note to write, in source order (pure: reads and writes no files).

    GUIDs come from identity only: `guid_for(glossary.id, term.id, "term")` for a term note and
    `guid_for(glossary.id, term.id, "cloze", fact id)` for a cloze fact, whose id is its `id:` or
    else its normalised answer (`Term.fact_ids`). So a fact keeps its note, card and review history
    when facts are inserted, reordered or deleted around it, or its sentence is reworded; a new
    answer without a pinned `id:` is a new note. A figure's image-occlusion note is
    `guid_for(glossary.id, "occlusion", figure id)`: moved labels update its masks in place, and each
    label's card is its cloze number, fixed per label name (`cards.ordinal`).

    With a `memo`, a term's notes are made only when what they are made from changed (`term_notes`).
    """
    plans: list[NotePlan] = []
    titles = {t.id: t.title for t in glossary.terms}
    index = 0
    for section in glossary.sections:
        deck = deck_name(glossary, section)
        for term in section.terms:
            note_tags = tags(glossary, section, term)
            plans += (NotePlan(p.kind, p.guid, deck, p.fields, note_tags, index, p.label, p.term)
                      for p in term_notes(glossary.id, term, titles, assets, memo))
            index += 1
    return plans


def term_notes(glossary_id: str, term: Term, titles: Mapping[str, str], assets: Assets,
               memo: Memo | None = None) -> tuple[NotePlan, ...]:
    """Return a term's notes (term, cloze facts, figure occlusions) with no deck, tags or order yet.

    They depend on the glossary id (GUIDs), the term, its related terms' titles and its figures' assets
    (by file name): the key under which `memo` keeps them. The code is the memo's salt (`code_salt`).
    """
    related = {r: titles.get(r, r) for r in term.related}
    figures = {f.id: assets.figures[f.id] for f in term.figures}
    if memo is None:
        return _term_notes(glossary_id, term, related, figures)
    k = key("anki notes", glossary_id, _unplaced(term), tuple(related.values()),
            tuple((fid, _named(a)) for fid, a in figures.items()))
    return memo.get(k, lambda: _term_notes(glossary_id, term, related, figures))


def _unplaced(term: Term) -> Term:
    """Return `term` without where it was read from (its file, its figures' folder and lines), which its notes
    don't show: an earlier release, read from a temporary folder, then finds the notes of its unchanged terms."""
    return replace(term, source=Path("."), figures=tuple(replace(f, base_dir=Path("."), line=1) for f in term.figures))


def _named(asset: Asset) -> tuple[object, ...]:
    """Return what notes read of an asset, by its file's name (they never name the folder it is built in)."""
    texts = tuple((t.text, t.points, t.box, t.label) for t in asset.texts)  # plain tuples: repr is fast
    return (asset.path.name, asset.width, asset.height, asset.alt, asset.caption, texts,
            _named(asset.quiz) if asset.quiz else None, _named(asset.phone) if asset.phone else None)


def _term_notes(glossary_id: str, term: Term, titles: Mapping[str, str],
                figures: Mapping[str, Asset]) -> tuple[NotePlan, ...]:
    assets = Assets(figures, {})
    plans = [NotePlan("term", guid(glossary_id, term.id, "term"), "", term_fields(term, titles, assets), (), 0,
                      term.title, term.id)]
    for card in cards.cloze_cards(term):
        plans.append(NotePlan("cloze", guid(glossary_id, term.id, "cloze", card.key), "", cloze_fields(card), (), 0,
                              f"{term.title} — {cards.cloze_label(card.fact)}", term.id))
    for fig in cards.occluded_figures(term):
        if occlusion_cards(term, fig, figures[fig.id]):
            plans.append(NotePlan("occlusion", guid(glossary_id, "occlusion", fig.id), "",
                                  occlusion_fields(term, fig, figures[fig.id]), (), 0,
                                  f"{term.title} — {fig.caption}", term.id))
    # Interned, the fields a term's notes share with its notes with stand-in figures (anki_history.comparable)
    # are one string each in the memo's pickle: they are most of it.
    return tuple(NotePlan(p.kind, p.guid, p.deck, tuple(map(sys.intern, p.fields)), p.tags, p.due, p.label, p.term)
                 for p in plans)


@cache
def code_salt() -> str:
    """Return the memo's salt: dlexport's code and templates (`memo.code`) and genanki's version (its
    `guid_for` makes the GUIDs)."""
    from dlexport import memo
    from dlexport.manifest import installed_version  # importlib.metadata costs 30–100 ms a build

    return f"{memo.code()} genanki {installed_version('genanki')} jinja2 {jinja2.__version__}"


def guid(*keys: str) -> str:
    """Return genanki's `guid_for(*keys)` (its copy in the fence: an edit need not import genanki)."""
    return _genanki_db.guid_for(*keys)


def counts(glossary: Glossary, assets: Assets | None = None) -> dict[str, int]:
    """Return how many notes and cards the package will hold: without `assets`, without rendering anything
    (every label a figure asks counts); with them, only the labels the drawings show."""
    terms = glossary.terms
    occluded = [(t, f) for t in terms for f in cards.occluded_figures(t)]
    asked = [len(occlusion_cards(t, f, assets.figures[f.id]) if assets else f.occlude) for t, f in occluded]
    return {"notes": len(terms) + sum(len(t.cloze) for t in terms) + sum(1 for n in asked if n),
            "cards": sum(len(cards.term_cards(t) + cards.cloze_cards(t)) for t in terms) + sum(asked)}


def card_templates() -> dict[str, str]:
    """Return every card template of the three note types in Anki's syntax, by file name (`card_template`)."""
    return {f"{stem}_{side}.html": card_template(f"{stem}_{side}.html")
            for stem in dict((*TERM_CARDS, *CLOZE_CARDS, *OCCLUSION_CARDS)).values() for side in ("front", "back")}


def _models(genanki: Any, css: str, rendered: Mapping[str, str]) -> dict[str, Any]:
    """Return the genanki note types by NotePlan.kind: term, cloze and image occlusion (`rendered`: the card
    templates, see `card_templates`)."""
    def templates(specs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
        return [{"name": name, "qfmt": rendered[f"{stem}_front.html"],
                 "afmt": rendered[f"{stem}_back.html"]} for name, stem in specs]

    term = genanki.Model(TERM_MODEL_ID, "dlexport 용어", fields=[{"name": f} for f in TERM_FIELDS],
                         templates=templates(TERM_CARDS), css=css, sort_field_index=TERM_FIELDS.index("Sort"))
    cloze = genanki.Model(CLOZE_MODEL_ID, "dlexport 빈칸", fields=[{"name": f} for f in CLOZE_FIELDS],
                          templates=templates(CLOZE_CARDS), css=css, sort_field_index=CLOZE_FIELDS.index("Sort"),
                          model_type=genanki.Model.CLOZE)
    io_fields = [{"name": f, "tag": i, "preventDeletion": f != "Comments"} for i, f in enumerate(OCCLUSION_FIELDS)]
    image_occlusion = genanki.Model(OCCLUSION_MODEL_ID, "dlexport 그림 가리기", fields=io_fields,
                                    templates=templates(OCCLUSION_CARDS), css=css,
                                    sort_field_index=OCCLUSION_FIELDS.index(SORT_FIELD["occlusion"]),
                                    model_type=genanki.Model.CLOZE)
    return {"term": term, "cloze": cloze, "occlusion": image_occlusion}


def build(glossary: Glossary, assets: Assets, out_dir: Path, settings: Settings, *,
          css: str | None = None) -> BuildResult:
    """Write `out_dir/<name>.apkg` atomically; the same input and git history give the same bytes.

    Notes and note types are stamped by `anki_history`: unchanged since a release, that release's
    time; changed, at least `settings.epoch` and always newer than every earlier release. Notes a
    release up to `--since` shipped and this build lacks are shipped again as retired.
    """
    from dlexport.targets import anki_history

    memo = settings.memo("anki", code_salt())
    compile_once(settings.cache)
    earlier = anki_history.past(settings.sources, settings.text("since"), memo)
    plans = notes(glossary, assets, memo)
    if settings.verbose:
        for line in describe_occlusions(glossary, assets):
            print(line, file=sys.stderr)
    gone = anki_history.retired(glossary, plans, earlier)
    now = max([settings.epoch, *(s.release.time + 1 for s in earlier.snapshots)])
    mtimes = anki_history.stamps(anki_history.comparable(glossary, memo) if earlier.snapshots else
                                 {p.guid: p for p in plans}, {p.guid: p for p in gone}, earlier, now)
    collection, rows = _collection(glossary, plans, gone, mtimes, anki_history.type_stamp(earlier, now),
                                   default_css() if css is None else css, settings.epoch, memo)
    media = _media(glossary, assets)

    dest = out_dir / f"{glossary.name}.apkg"
    media_map = json.dumps({str(i): p.name for i, p in enumerate(media)}).encode()
    pictures = ((str(i), p, False) for i, p in enumerate(media))  # files: copied unread (`write_zip`)
    # The collection is stored, as genanki stores it: deflating its 5 MB (1,000 terms) cost 0.2 s a build, for
    # 4 MB less in a package that its figures make 120 MB; an edited note changes it, so it is never copied.
    write_zip(dest, itertools.chain([("collection.anki2", collection, False), ("media", media_map, True)],
                                    pictures), settings.epoch, previous=settings.previous(dest.name),
              memory=zip_memory(settings.cache, dest.name))
    memo.save()
    unshown = unshown_labels(glossary, assets)
    notes_ = (*(unshown if settings.verbose else shortened(unshown)), *((earlier.note,) if earlier.note else ()))
    # What `counts(glossary, assets)` predicts, read from the rows written (without the retired notes).
    written = {"notes": len(plans), "cards": sum(len(row.ords) for row in rows[:len(plans)])}
    return BuildResult((dest,), written, notes_)


class _NoteTypes:
    """The three note types: what a note row needs of them at once, genanki's models (importing genanki) only
    when a build needs them (a note whose cards, or a collection whose note types and decks, are not kept)."""

    def __init__(self, css: str, templates: Mapping[str, str]) -> None:
        self.css, self.templates = css, templates
        self._models: dict[str, Any] = {}

    def ref(self, kind: str) -> _genanki_db.NoteType:
        """Return a note type's id and fields."""
        return _genanki_db.NoteType(MODEL_IDS[kind], FIELDS[kind])

    def model(self, kind: str) -> Any:
        """Return a note type as a genanki.Model."""
        if not self._models:
            import genanki

            self._models = _models(genanki, self.css, self.templates)
        return self._models[kind]


def _collection(glossary: Glossary, plans: Sequence[NotePlan], gone: Sequence[NotePlan], mtimes: Mapping[str, int],
                type_mtime: int, css: str, epoch: int, memo: Memo) -> tuple[bytes, list[_genanki_db.NoteRow]]:
    """Return `collection.anki2` holding `plans` (this build's notes) and `gone` (the retired ones), and the rows.

    The card templates' text depends only on the code (the memo's salt): compiling them with jinja2 every build
    cost ≈ 0.2 s. The empty collection (schema, decks, note types) is kept by what it is made of: the decks, the
    note types each holds notes of, the CSS; the templates are the code's."""
    types = _NoteTypes(css, memo.get(key("anki card templates"), card_templates))
    c = glossary.credit  # the deck description credits the cheatsheet the glossary grew from
    credit = f'<br>원본: {text(c.title)} — {text(c.author)}, <a href="{text(c.url)}">{text(c.url)}</a>. ' \
             f"{text(c.note)}" if c else ""
    top = _genanki_db.Deck(deck_id(glossary.id), glossary.title,
                           str(text(f"{glossary.subtitle} · v{glossary.version}")) + credit)
    decks = {deck_name(glossary, s): _genanki_db.Deck(deck_id(glossary.id, s.id), deck_name(glossary, s))
             for s in glossary.sections}
    if gone:
        name = f"{glossary.title}::{RETIRED_DECK}"
        decks[name] = _genanki_db.Deck(deck_id(glossary.id, RETIRED_SECTION), name)
    rows = [_row(plan, types, decks[plan.deck].deck_id, memo) for plan in [*plans, *gone]]
    every = [top, *decks.values()]
    held = _genanki_db.holding(every, rows)

    def empty() -> bytes:
        import genanki

        kinds = {v: k for k, v in MODEL_IDS.items()}
        return _genanki_db.empty_collection([genanki.Deck(*d) for d in every],
                                            {d: [types.model(kinds[m]) for m in ids] for d, ids in held.items()})
    skeleton = memo.get(key("anki empty collection", every, held, css, sqlite3.sqlite_version), empty)
    return _genanki_db.collection(every, rows, epoch, mtimes, type_mtime,
                                  {OCCLUSION_MODEL_ID: {"originalStockKind": IMAGE_OCCLUSION}}, skeleton), rows


def _row(plan: NotePlan, types: _NoteTypes, deck: int, memo: Memo) -> _genanki_db.NoteRow:
    """Return the collection row of a note; its cards' ords (genanki's cloze scan) are kept by what decides them."""
    sort = plan.fields[FIELDS[plan.kind].index(SORT_FIELD[plan.kind])]
    decides = _genanki_db.ords_key(plan.kind != "term", plan.fields)  # note types: the code's (the memo's salt)
    ords = memo.get(key("anki cards", plan.kind, decides),
                    lambda: _genanki_db.card_ords(types.model(plan.kind), plan.fields))
    return _genanki_db.NoteRow(types.ref(plan.kind), deck, plan.guid, plan.fields, sort, plan.tags, plan.due, ords)


def _media(glossary: Glossary, assets: Assets) -> list[Path]:
    """Return the figure files to embed, sorted by name; two different files may not share a name."""
    by_name: dict[str, Path] = {}
    for fig in glossary.figures():
        asset = assets.figures[fig.id]
        for path in (a.path for a in (asset, asset.quiz, asset.phone) if a is not None):
            if by_name.setdefault(path.name, path) != path:
                raise ValueError(f"two figures share the media name {path.name}: {by_name[path.name]}, {path}")
    return [by_name[n] for n in sorted(by_name)]
