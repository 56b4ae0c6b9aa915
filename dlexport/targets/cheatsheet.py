"""Build the cheatsheet: the seed's Markdown document and an offline HTML study page with every Anki card."""

from __future__ import annotations

import dataclasses
import html
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from dlexport import cards, memo
from dlexport.files import FIGURES_DIR, write_bytes
from dlexport.memo import Memo
from dlexport.model import Asset, Assets, Figure, Glossary, Placed, Section, Settings, Term
from dlexport.targets import BuildResult, anki, occlusion

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "cheatsheet"
FIGURES = FIGURES_DIR  # where the pipeline writes the PNGs, relative to the outputs
FIGURE_SCALE = 0.5  # figures are drawn at 200 dpi: show them at about 100 CSS px per inch
FORMULA_SCALE = 0.165  # formulas are typeset at 48 pt and 200 dpi: shown at about 1.3 times the body text

# Markdown: ASCII punctuation that is syntax anywhere in a line (CommonMark, GFM tables and
# strikethrough, GitHub math), things that open HTML or an entity, and what is syntax at a line start.
_MD_ANYWHERE = re.compile(r"([\\`*_\[\]|~$])")
_MD_HTML = re.compile(r"<(?=[A-Za-z/!?])|&(?=#|[A-Za-z0-9]+;)")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([#>+\-=])")
_MD_HEADING_END = re.compile(r"(?<= )#+$")  # in a heading, a closing sequence that would be dropped
_MD_MATH_UNSAFE = re.compile(r"\\[!-/:-@\[-`{-~]|[`*_<>&\[\]|~$]")

_MATH = re.compile(r'<span class="math">\\\((.*?)\\\)</span>', re.DOTALL)
_SCRIPT = re.compile(r"<script>.*?</script>\s*", re.DOTALL)
_ID = re.compile(r'(<[a-z]+) id="([^"]+)"')  # one card's ids repeat on every card of the page: classes instead
_MEDIA = re.compile(r'<img src="(?![a-z]+:|/)')


class Raw(str):
    """Markdown that is already written (a link, math): the Markdown template prints it as it is."""


def md_text(value: object) -> str:
    """Return `value` as Markdown that shows exactly this text: one line, every syntax character escaped."""
    if isinstance(value, Raw):
        return value
    s = " ".join(str(value).split())
    s = _MD_ANYWHERE.sub(r"\\\1", s)
    s = _MD_HTML.sub(lambda m: "&lt;" if m.group() == "<" else "&amp;", s)
    s = _MD_HEADING_END.sub(lambda m: "\\" + m[0], s)
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", s, count=1)


def md_math(latex: str) -> Raw:
    """Return inline GitHub math: `$…$`, or `` $`…`$ `` when the LaTeX holds Markdown syntax characters."""
    latex = " ".join(latex.split())
    if not _MD_MATH_UNSAFE.search(latex):
        return Raw(f"${latex}$")
    fence = "`" * (max((len(r) for r in re.findall("`+", latex)), default=0) + 1)
    pad = " " if latex.startswith("`") or latex.endswith("`") else ""
    return Raw(f"${fence}{pad}{latex}{pad}{fence}$")


def slug(text: str) -> str:
    """Return GitHub's anchor for a heading: lowercase, letters/digits/marks, '-', '_' kept, spaces to '-'."""
    kept = (c for c in text.lower() if c in "-_ " or unicodedata.category(c)[0] in "LNM")
    return "".join(kept).replace(" ", "-")


def anchors() -> Callable[[str], str]:
    """Return a function giving each heading its GitHub anchor; repeats get -1, -2, … as on GitHub."""
    seen: set[str] = set()

    def anchor(text: str) -> str:
        base = candidate = slug(text)
        n = 0
        while candidate in seen:
            n += 1
            candidate = f"{base}-{n}"
        seen.add(candidate)
        return candidate
    return anchor


def heading(term: Term) -> str:
    """Return a term's heading: "한국어 (English)", with the abbreviation when there is one."""
    if term.abbr and term.abbr.lower() not in term.en.lower():
        return f"{term.ko} ({term.en}, {term.abbr})"
    return term.title


@dataclass(frozen=True)
class CardView:
    """One Anki card as the study page shows it: which term and template, and both sides as HTML."""

    term_id: str
    name: str  # the card template's name, e.g. "용어 → 뜻"
    front: Markup
    back: Markup


def _page_field(name: str, value: str, assets: Assets) -> str:
    """Return a field value as the study page shows it: media under figures/, formulas as PNG images."""
    if name == "Formula":
        def image(m: re.Match[str]) -> str:
            asset = assets.formulas.get(html.unescape(m.group(1)))
            if asset is None:
                return m.group()
            w, h = _size(asset, FORMULA_SCALE)
            return (f'<img class="math" src="{FIGURES}/{asset.path.name}" alt="{m.group(1)}" '
                    f'width="{w}" height="{h}">')
        return _MATH.sub(image, value)
    return _MEDIA.sub(f'<img src="{FIGURES}/', value)


def card_views(glossary: Glossary, assets: Assets) -> list[CardView]:
    """Return every card of the .apkg in deck order: the cards `dlexport.cards` says a term yields, each
    side the Anki target's own card template filled in with the same field values."""
    titles = {t.id: t.title for t in glossary.terms}
    return [view for s in glossary.sections for t in s.terms
            for view in term_card_views(t, _related_titles(t, titles), _term_assets(t, assets))]


def term_card_views(term: Term, titles: Mapping[str, str], assets: Assets) -> list[CardView]:
    """Return one term's cards (see `card_views`); `titles` and `assets` need hold only what the term names."""
    term_fields = dict(zip(anki.TERM_FIELDS, anki.term_fields(term, titles, assets), strict=True))
    occluded = {f.id: _occlusion_note(term, f, assets.figures[f.id]) for f in term.figures}
    views: list[CardView] = []
    for card in (*cards.term_cards(term), *cards.cloze_cards(term), *(c for _, cs, _ in occluded.values() for c in cs)):
        sides = ("", "")
        if card.type.note == "term":
            raw = term_fields
        elif card.type.note == "cloze":
            raw = dict(zip(anki.CLOZE_FIELDS, anki.cloze_fields(card), strict=True))
            sides = (anki.cloze_html(card.fact, lambda _hidden: '<span class="cloze">[...]</span>'),
                     anki.cloze_html(card.fact, lambda hidden: f'<span class="cloze">{hidden}</span>'))
        else:
            assert card.figure is not None
            raw, _, masks = occluded[card.figure.id]
            sides = (occlusion.rendered(masks, card.ordinal, True, not card.figure.hide_one),
                     occlusion.rendered(masks, card.ordinal, False, not card.figure.hide_one))
        fields = {n: _page_field(n, v, assets) for n, v in raw.items()}
        front = anki.card_html(f"{card.type.stem}_front.html", fields, sides[0])
        back = anki.card_html(f"{card.type.stem}_back.html", fields, sides[1])
        # Ids (Anki's `<hr id=answer>`, the image-occlusion container) would repeat on every card of one
        # page: make them classes. Anki's own scripts (its reviewer paints the masks) are left out:
        # page.js paints them from the same mask list.
        front, back = (_ID.sub(r'\1 class="\2"', _SCRIPT.sub("", side)) for side in (front, back))
        name = card.type.name if card.type.note != "occlusion" else f"{card.type.name} · {card.key}"
        views.append(CardView(term.id, name, Markup(front), Markup(back)))
    return views


def _occlusion_note(term: Term, figure: Figure, asset: Asset) -> tuple[dict[str, str], tuple[cards.Card, ...],
                                                                        tuple[occlusion.Mask, ...]]:
    """Return a figure's image-occlusion note once for all its cards: its fields, its cards and its masks."""
    raw = dict(zip(anki.OCCLUSION_FIELDS, anki.occlusion_fields(term, figure, asset), strict=True))
    return raw, anki.occlusion_cards(term, figure, asset), anki.occlusion_masks(term, figure, asset)


def _related_titles(term: Term, titles: Mapping[str, str]) -> dict[str, str]:
    """Return the titles of the terms `term` names as related (all its notes' fields show of other terms)."""
    return {r: titles[r] for r in term.related if r in titles}


def _term_assets(term: Term, assets: Assets) -> Assets:
    """Return the images of one term's figures and formulas only."""
    return Assets({f.id: assets.figures[f.id] for f in term.figures},
                  {f.latex: assets.formulas[f.latex] for f in term.formulas if f.latex in assets.formulas})


def _size(asset: Asset, scale: float) -> tuple[int, int]:
    """Return the CSS pixel size to show an image at."""
    return max(1, round(asset.width * scale)), max(1, round(asset.height * scale))


class Link(NamedTuple):
    """A related entry as another entry shows it: its anchor, heading and names."""

    anchor: str
    heading: str
    ko: str
    en: str


@dataclass(frozen=True)
class Entry:
    """A term with its heading, its anchor (GitHub's, used as the HTML id too) and its related entries."""

    term: Term
    heading: str
    anchor: str
    related: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Part:
    """A section with its anchor and its entries."""

    section: Section
    anchor: str
    terms: tuple[Entry, ...]


def _outline(glossary: Glossary) -> dict[str, Any]:
    """Return what both templates need: anchors in document order, sections, entries, related links.

    Anchors are numbered over the whole document (GitHub's rule), so an entry's anchor depends on the
    headings before it: fragments are keyed by the anchors they show, never by position.
    """
    anchor = anchors()
    title_anchor, toc_anchor = anchor(glossary.title), anchor("목차 (Contents)")
    parts = []
    for s in glossary.sections:
        part_anchor = anchor(f"{s.ko} ({s.en})")
        entries = [Entry(t, heading(t), anchor(heading(t))) for t in s.terms]
        parts.append((s, part_anchor, entries))
    linked = {e.term.id: Link(e.anchor, e.heading, e.term.ko, e.term.en) for _, _, entries in parts for e in entries}
    sections = [Part(s, a, tuple(dataclasses.replace(e, related=tuple(linked[r] for r in e.term.related
                                                                      if r in linked)) for e in entries))
                for s, a, entries in parts]
    return {"glossary": glossary, "sections": sections, "title_anchor": title_anchor, "toc_anchor": toc_anchor}


@cache
def _environment(kind: str) -> jinja2.Environment:
    """Return the jinja2 environment for "md" (every value Markdown-escaped) or "html" (autoescaped)."""
    loader = jinja2.FileSystemLoader(TEMPLATE_DIR)
    common: dict[str, Any] = {"undefined": jinja2.StrictUndefined, "trim_blocks": True, "lstrip_blocks": True,
                              "auto_reload": False}  # a build renders thousands of fragments: no stat for each
    if kind == "md":
        env = jinja2.Environment(loader=loader, autoescape=False, finalize=md_text, **common)
        env.filters.update(math=md_math, raw=Raw)
    else:
        env = jinja2.Environment(loader=loader, autoescape=True, **common)
    env.filters["paragraphs"] = cards.paragraphs
    return env


@cache
def _template(kind: str, name: str) -> jinja2.Template:
    """Return one template of the "md" or "html" environment."""
    return _environment(kind).get_template(name)


def salt() -> str:
    """Return what names the code and templates that make the fragments (`memo.code`) and the jinja2 that renders
    them: a memo made by others is ignored."""
    from dlexport import memo

    return f"{memo.code()} jinja2 {jinja2.__version__}"


def _image(asset: Asset, scale: float) -> dict[str, object]:
    """Return how the page shows an image: its file under figures/, its CSS size and alt text."""
    w, h = _size(asset, scale)
    return {"src": f"{FIGURES}/{asset.path.name}", "width": w, "height": h, "alt": asset.alt}


_ASSET = tuple(f.name for f in dataclasses.fields(Asset))
_PLACED = tuple(f.name for f in dataclasses.fields(Placed))
_ASSET_VALUES = operator.attrgetter(*_ASSET)  # every field at once: the cards' keys read 1,000s of assets a build
_PLACED_VALUES = operator.attrgetter(*_PLACED)


def _asset_key(asset: Asset | None) -> object:
    """Return what a fragment can show of an image: every field but the folder it was written to, as plain
    tuples (their repr is several times faster to make than the dataclasses')."""
    if asset is None:
        return None
    plain = dict(zip(_ASSET, _ASSET_VALUES(asset), strict=True))
    plain.update(path=asset.path.name, quiz=_asset_key(asset.quiz), slide=_asset_key(asset.slide),
                 phone=_asset_key(asset.phone), texts=tuple(map(_PLACED_VALUES, asset.texts)))
    return tuple(plain.items())


class Fragments:
    """Each term's parts of both documents, from the memo when what they are made of is unchanged.

    A fragment is rendered from exactly the values its key names (the term, its anchor and related links,
    the images it shows), so it can depend on nothing the key misses.
    """

    def __init__(self, glossary: Glossary, assets: Assets, keep: Memo | None = None) -> None:
        self.assets, self.memo = assets, keep or Memo(None)
        self.outline = _outline(glossary)
        self.titles = {t.id: t.title for t in glossary.terms}
        self.digest = {t.id: memo.digest(t) for t in glossary.terms}  # one repr per term (`memo.digest`)

    def entries(self) -> list[Entry]:
        """Return every entry in document order."""
        return [e for part in self.outline["sections"] for e in part.terms]

    def markdown(self, e: Entry) -> str:
        """Return a term's section of the Markdown cheatsheet."""
        figures = {f.id: f"{FIGURES}/{self.assets.figures[f.id].path.name}" for f in e.term.figures}
        return self.memo.get(memo.key("md", self.digest[e.term.id], e.anchor, e.related, figures), lambda: (
            _template("md", "term.md.j2").render(e=e, figures=figures)))

    def article(self, e: Entry) -> Markup:
        """Return a term's article of the study page."""
        figures = {f.id: _image(self.assets.figures[f.id], FIGURE_SCALE) for f in e.term.figures}
        formulas = {f.latex: _image(self.assets.formulas[f.latex], FORMULA_SCALE) for f in e.term.formulas}
        return Markup(self.memo.get(memo.key("html", self.digest[e.term.id], e.anchor, e.related, figures, formulas),
                                    lambda: _template("html", "page_term.html.j2").render(
                                        e=e, figures=figures, formulas=formulas)))

    def cards(self, term: Term) -> tuple[Markup, int]:
        """Return a term's cards in the card preview, and how many there are."""
        titles, assets = _related_titles(term, self.titles), _term_assets(term, self.assets)
        k = memo.key("cards", self.digest[term.id], titles, [(i, _asset_key(a)) for i, a in assets.figures.items()],
                     [(latex, _asset_key(a)) for latex, a in assets.formulas.items()])

        def make() -> tuple[str, int]:
            views = term_card_views(term, titles, assets)
            return _template("html", "page_cards.html.j2").render(term=term, cards=views), len(views)
        html_, count = self.memo.get(k, make)
        return Markup(html_), count


def markdown(glossary: Glossary, assets: Assets, fragments: Fragments | None = None) -> str:
    """Return the cheatsheet as GitHub Markdown (pure: reads and writes no files)."""
    parts = fragments or Fragments(glossary, assets)
    terms = {e.term.id: Raw(parts.markdown(e)) for e in parts.entries()}
    text = _template("md", "cheatsheet.md.j2").render(**parts.outline, terms=terms)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def page(glossary: Glossary, assets: Assets, fragments: Fragments | None = None) -> str:
    """Return the HTML study page (pure: reads no sources, writes no files)."""
    parts = fragments or Fragments(glossary, assets)
    entries = parts.entries()
    card_parts = {e.term.id: parts.cards(e.term) for e in entries}
    card_css = anki.default_css().replace("</", "<\\/")  # our own file; never let it end the <style>
    return _template("html", "page.html.j2").render(
        **parts.outline,
        articles={e.term.id: parts.article(e) for e in entries},
        card_parts={i: html_ for i, (html_, _) in card_parts.items()},
        card_count=sum(n for _, n in card_parts.values()),
        card_css=Markup(scope_css(card_css, ".deck")),
    )


def scope_css(css: str, scope: str) -> str:
    """Return `css` with every selector put under `scope` (inside @media blocks too), ids (`#answer`) as classes."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)

    def rule(m: re.Match[str]) -> str:  # ids are classes in the preview (see `card_views`)
        selectors = ", ".join(f"{scope} {re.sub(r'#(?=[A-Za-z])', '.', s.strip())}" for s in m.group(1).split(","))
        return f"\n{selectors} {{{m.group(2)}}}"
    return re.sub(r"([^{}@;]+?)\s*\{([^{}]*)\}", rule, css).replace("#answer", ".answer")


def counts(glossary: Glossary) -> Mapping[str, int]:
    """Return nothing for `check`: the cheatsheet has one entry per term, which `check` already counts."""
    return {}


def build(glossary: Glossary, assets: Assets, out_dir: Path, settings: Settings) -> BuildResult:
    """Write `out_dir/<name>.md` and `out_dir/<name>.html` atomically.

    Both link the images in `out_dir/figures/`, which the figure stage writes beside them. Each term's
    fragments are kept in the memo "cheatsheet" between builds: an edit renders only what it changes.
    """
    keep = settings.memo("cheatsheet", salt())
    if settings.cache is not None:  # compiling the templates anew in every process costs more than a warm build
        for kind in ("md", "html"):
            _environment(kind).bytecode_cache = anki.bytecode_cache(settings.cache)
    anki.compile_once(settings.cache)  # the card templates that fill in the edited term's cards
    parts = Fragments(glossary, assets, keep)
    md, page_html = markdown(glossary, assets, parts), page(glossary, assets, parts)  # everything before any write
    dest = out_dir / f"{glossary.name}.md"
    write_bytes(dest, md.encode("utf-8"))
    write_bytes(out_dir / f"{glossary.name}.html", page_html.encode("utf-8"))
    keep.save()
    return BuildResult((dest, out_dir / f"{glossary.name}.html"))
