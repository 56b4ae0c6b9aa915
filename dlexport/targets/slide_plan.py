"""Plan a lecture deck as plain data — slides, fitted text, placed pictures — without touching a file.

Text is measured with the widest advance of the fonts a viewer may substitute (a committed width
table, `dlexport.fonts.widest_advance`, so the plan is the same on every machine) and wrapped into
its box; whatever does not fit at a readable size continues on a "(계속)" slide. Every fixed phrase
of the deck is in `TEXT` and the speaker-notes templates below it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType

import jinja2

from dlexport import cards, legibility
from dlexport.errors import Problem, SourceError, UsageError
from dlexport.fonts import widest_advance
from dlexport.model import Asset, Assets, Glossary, Section, Term
from dlexport.targets.math_speech import speak

TEXT: Mapping[str, str] = MappingProxyType({
    "agenda": "목차",
    "continued": "(계속)",
    "section_body": "{en} · 용어 {n}개",
    "version_date": "버전 {version} · {date}",
    "date": "{y}년 {m}월 {d}일",
    "formulas": "수식",
    "figure": "그림",
    "review": "복습 질문 — {section}",
    "blank": "________",  # ASCII: a renderer may break a line inside fullwidth ＿＿ (CJK rules), never inside this
    "which_term": "다음 설명에 해당하는 용어는? {summary}",
    "answers": "정답",
    "references": "참고 문헌",
    "lecture": "{n}강 · {section}",
})

_JINJA = jinja2.Environment(autoescape=False, trim_blocks=True, lstrip_blocks=True,
                            undefined=jinja2.StrictUndefined)
TERM_NOTES = _JINJA.from_string("""\
{{ definition }}

요약: {{ term.summary }}
{% if related %}

관련 용어: {{ related | join(", ") }}
{% endif %}
{% if term.formulas %}

수식 (LaTeX):
{% for f in term.formulas %}
- {{ f.label ~ ": " if f.label }}{{ f.latex }}
{% endfor %}
{% endif %}
{% if term.references %}

참고 문헌:
{% for r in term.references %}
- {{ r.cite() }}
{% endfor %}
{% endif %}""")
REVIEW_NOTES = _JINJA.from_string("""\
{{ heading }}
{% for n, answer, term in answers %}
{{ n }}. {{ answer }} — {{ term.title }}
{% endfor %}""")
REVIEW_PER_TERM = 2  # questions per term on the review slides

EMU_PER_PT = 12700
Rect = tuple[int, int, int, int]  # x, y, cx, cy in EMU
INSET_X, INSET_Y = 91440, 45720  # python-pptx/PowerPoint default text-box insets
WIDTH_SAFETY = 0.95  # the table is the widest measured font; 5% for Malgun Gothic (not measured) and rounding
LINE = 1.2  # line height / font size; the renderer sets exactly this spacing
SPACE_BEFORE = 0.4  # space before each paragraph after the first, / font size
INDENT = {0: 342900, 1: 742950}  # marL per bullet level
NUMBER_INDENT = 548640  # 0.6 in: room for "14." at 24 pt before the text
BODY_SIZE, SUB_SIZE, SMALL_SIZE = 24, 20, 18  # bullets, agenda terms, references and captions
TITLE_SIZES = (32, 30, 28)  # one title size on most slides; long titles step down
COVER_SIZES = (44, 40, 36, 32)
EMU_PER_INCH = 914400
FORMULA_DPI, FORMULA_PT = 200, 48.0  # formula PNGs: mathtext at 48 pt, 200 dpi (diagrams.plots.formula):
# placed at about half that size (≈ 24 pt), so a formula carries twice the resolution it is shown at
MATH_SIZE, MATH_FLOOR = BODY_SIZE, 18  # formulas are set like body text, never below 18 pt


def formula_scale(math_size: float = MATH_SIZE) -> float:
    """Return the EMU per formula-image pixel that sets formulas at `math_size` points."""
    return EMU_PER_INCH / FORMULA_DPI * math_size / FORMULA_PT
GAP = 91440


@dataclass(frozen=True)
class Para:
    """One paragraph of a text box: text, size in points, bullet level, optional list number."""

    text: str
    size: int
    level: int = 0
    number: int = 0  # > 0: auto-numbered item with this number
    bullet: bool = True
    bold: bool = False  # measured in the bold widths (titles: a template may set them bold)


@dataclass(frozen=True)
class TextBox:
    """A free text box (caption, formula label) at a fixed place."""

    rect: Rect
    paras: tuple[Para, ...]


@dataclass(frozen=True)
class Picture:
    """An image placed inside its area with its aspect ratio kept."""

    asset: Asset
    rect: Rect
    descr: str
    framed: bool = False  # a figure (framed and captioned), not a formula


@dataclass(frozen=True)
class SlidePlan:
    """Everything one slide shows; `layout` names a slide layout of the template."""

    kind: str  # title | agenda | section | term | review | references
    layout: str  # cover | content | section | two | title_only
    title: str
    title_size: int
    body: tuple[Para, ...] = ()
    pictures: tuple[Picture, ...] = ()
    boxes: tuple[TextBox, ...] = ()
    notes: str = ""
    footer: bool = True
    term_id: str = ""
    section: str = ""  # the section's name, for the footer's progress hint


@dataclass(frozen=True)
class Geometry:
    """Where the template's placeholders are (EMU rectangles), which decides how much text fits."""

    cover_title: Rect
    cover_body: Rect
    title: Rect
    body: Rect
    left: Rect
    right: Rect
    section_title: Rect
    section_body: Rect
    footer: Rect = field(default=(0, 0, 0, 0))
    number: Rect = field(default=(0, 0, 0, 0))  # the slide-number placeholder
    size: tuple[int, int] = (12192000, 6858000)  # slide width and height


# The default python-pptx template widened to 16:9 (x and cx × 4/3), as slides.py makes it.
DEFAULT_GEOMETRY = Geometry(
    cover_title=(914400, 2130425, 10363200, 1470025), cover_body=(1828800, 3886200, 8534400, 1752600),
    title=(609600, 274638, 10972800, 1143000), body=(609600, 1600200, 10972800, 4525963),
    left=(609600, 1600200, 5384800, 4525963), right=(6197600, 1600200, 5384800, 4525963),
    section_title=(963084, 4406900, 10363200, 1362075), section_body=(963084, 2906713, 10363200, 1500187),
    footer=(4165600, 6356350, 3860800, 365125), number=(8737600, 6356350, 2844800, 365125),
)


@lru_cache(maxsize=1 << 16)
def _width_1000(text: str, bold: bool) -> float:
    return float(widest_advance(text, bold))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Return the width of `text` in points at `size` points."""
    return _width_1000(text, bold) * size / 1000


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Return `text` broken into lines no wider than `width` points; overlong words break anywhere."""
    return list(_wrap(text, width, size, bold))


@lru_cache(maxsize=1 << 14)
def _wrap(text: str, width: float, size: float, bold: bool) -> tuple[str, ...]:
    """Greedy word wrap; a line's width is the sum of its words' and spaces' widths (each cached)."""
    limit = width * 1000 / size  # compare in units of the 1000-pt font
    space = _width_1000(" ", bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            w = _width_1000(word, bold)
            if line and used + space + w <= limit:
                line, used = f"{line} {word}", used + space + w
                continue
            if line or used:
                lines.append(line)
            while w > limit:
                n = max(1, max((k for k in range(1, len(word) + 1) if _width_1000(word[:k], bold) <= limit),
                               default=1))
                lines.append(word[:n])
                word = word[n:]
                w = _width_1000(word, bold)
            line, used = word, w
        lines.append(line)
    return tuple(lines)


def _usable(rect: Rect, margin: int = 0) -> tuple[float, float]:
    """Return the (width, height) in points that text may use inside `rect`."""
    w = (rect[2] - 2 * INSET_X - margin) / EMU_PER_PT * WIDTH_SAFETY
    h = (rect[3] - 2 * INSET_Y) / EMU_PER_PT
    return w, h


def _margin(p: Para) -> int:
    return NUMBER_INDENT if p.number else INDENT.get(p.level, 0) if p.bullet else 0


def para_lines(p: Para, rect: Rect) -> list[str]:
    """Return the lines `p` takes in a box of `rect`'s width."""
    return wrap(p.text, _usable(rect, _margin(p))[0], p.size, p.bold)


def height(paras: Sequence[Para], rect: Rect) -> float:
    """Return the height in points the paragraphs take in a box of `rect`'s width."""
    total = 0.0
    for i, p in enumerate(paras):
        total += len(para_lines(p, rect)) * LINE * p.size + (SPACE_BEFORE * p.size if i else 0)
    return total


def fits(paras: Sequence[Para], rect: Rect) -> bool:
    """Return whether the paragraphs fit inside `rect` without overflow."""
    return height(paras, rect) <= _usable(rect)[1]


def paginate(paras: Sequence[Para], rect: Rect) -> list[tuple[Para, ...]]:
    """Split paragraphs into pages that each fit `rect`; a paragraph taller than a page is cut by lines."""
    pages: list[tuple[Para, ...]] = []
    page: list[Para] = []
    room, used = _usable(rect)[1], 0.0  # `used`: height(page, rect), summed in the same order as `height` sums
    for p in _split_tall(paras, rect):
        lines = len(para_lines(p, rect)) * LINE * p.size
        if page and used + (lines + SPACE_BEFORE * p.size) > room:  # not fits([*page, p], rect)
            pages.append(tuple(page))
            page, used = [], 0.0
        used += lines + (SPACE_BEFORE * p.size if page else 0)
        page.append(p)
    if page:
        pages.append(tuple(page))
    return pages


def _split_tall(paras: Iterable[Para], rect: Rect) -> Iterable[Para]:
    for p in paras:
        if fits([p], rect):
            yield p
            continue
        per_page = max(1, int(_usable(rect)[1] // (LINE * p.size)))
        pieces = _pieces(p.text, para_lines(p, rect))
        for i in range(0, len(pieces), per_page):
            yield Para(_join(pieces[i:i + per_page]), p.size, p.level, p.number if i == 0 else 0,
                       p.bullet and i == 0)


def _pieces(text: str, lines: Sequence[str]) -> list[tuple[str, bool]]:
    """Return each wrapped line with whether it continues a word broken at the line's end."""
    out, pos = [], 0
    for line in lines:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        pos += len(line) if text.startswith(line, pos) else 0
        out.append((line, pos < len(text) and not text[pos].isspace()))
    return out


def _join(pieces: Sequence[tuple[str, bool]]) -> str:
    """Join wrapped lines back into text: a space between words, none inside a broken word."""
    return "".join(line + ("" if broken else " ") for line, broken in pieces).rstrip()


def fit_title(text: str, rect: Rect, sizes: Sequence[int] = TITLE_SIZES) -> int:
    """Return the largest size in `sizes` at which `text` fits on one line, else the one where it wraps in."""
    for size in sizes:
        if len(wrap(text, _usable(rect)[0], size, bold=True)) == 1 and fits([Para(text, size, bullet=False,
                                                                                     bold=True)], rect):
            return size
    for size in range(sizes[-1], 11, -2):
        if fits([Para(text, size, bullet=False, bold=True)], rect):
            return size
    return 12


def fit_picture(asset: Asset, area: Rect, max_height: int | None = None) -> Rect:
    """Return the largest rectangle with `asset`'s aspect ratio inside `area`, centred in it."""
    x, y, w, h = area
    h = min(h, max_height) if max_height else h
    scale = min(w / asset.width, h / asset.height)
    cx, cy = int(asset.width * scale), int(asset.height * scale)
    return x + (w - cx) // 2, y + (h - cy) // 2, cx, cy


def _caption(text: str, area: Rect) -> tuple[Para, ...]:
    """Return a figure's caption at the largest size (18 → 12 pt) whose box is no taller than one line at
    18 pt: a figure slide keeps the same room for its picture whatever the caption (the room the figures'
    slide layouts are drawn for, `legibility.SLIDE_AREA`), so a long caption takes two smaller lines.

    A caption longer than that at 12 pt is cut with "…" (the full text is in the Anki card and the
    cheatsheet, and the picture's alt text says what it shows).
    """
    room = _box_height((Para("가", SMALL_SIZE, bullet=False),), area)
    for size in (SMALL_SIZE, 16, 14, 12):
        p = Para(text, size, bullet=False)
        if _box_height((p,), area) <= room:
            return (p,)
    short, cut = text, len(text)
    while _box_height((Para(short, 12, bullet=False),), area) > room:
        cut = cut * 7 // 8
        short = text[:cut].rstrip() + "…"
    return (Para(short, 12, bullet=False),)


def _box_height(paras: Sequence[Para], rect: Rect) -> int:
    return int(height(paras, rect) * EMU_PER_PT) + 2 * INSET_Y + EMU_PER_PT * 4


def place_figure(asset: Asset, area: Rect) -> tuple[Picture, TextBox]:
    """Return the picture and its caption below it, the pair centred vertically in `area`."""
    x, y, w, h = area
    paras = _caption(asset.caption, area)
    cap_h = _box_height(paras, area)
    px, _, cx, cy = fit_picture(asset, (x, y, w, h - cap_h - GAP))
    top = y + (h - cy - GAP - cap_h) // 2
    picture = Picture(asset, (px, top, cx, cy), asset.alt or asset.caption, framed=True)
    return picture, TextBox((x, top + cy + GAP, w, cap_h), paras)


Formula = tuple[str, str, Asset]  # label, LaTeX, image


def formula_size(asset: Asset, scale: float) -> tuple[int, int]:
    """Return the placed width and height of a formula image: fixed scale, never fitted to a box."""
    return round(asset.width * scale), round(asset.height * scale)


def _formula_row(formula: Formula, width: int, scale: float) -> tuple[tuple[Para, ...], int, int]:
    """Return a formula's label paragraphs, the label's height and the whole row's height."""
    paras = (Para(formula[0], SMALL_SIZE, bullet=False),) if formula[0] else ()
    lab_h = _box_height(paras, (0, 0, width, 0)) if paras else 0
    return paras, lab_h, lab_h + GAP + formula_size(formula[2], scale)[1]


def stack_height(formulas: Sequence[Formula], width: int, scale: float) -> int:
    """Return the height a stack of formulas (labels, pictures, gaps) takes in a column `width` wide."""
    return sum(_formula_row(f, width, scale)[2] for f in formulas) + GAP * (len(formulas) - 1)


def pack_formulas(formulas: Sequence[Formula], area: Rect, scale: float) -> list[list[Formula]]:
    """Return the formulas in stacks that each fit `area`'s height (one formula per stack at least)."""
    stacks: list[list[Formula]] = []
    for f in formulas:
        if stacks and stack_height([*stacks[-1], f], area[2], scale) <= area[3]:
            stacks[-1].append(f)
        else:
            stacks.append([f])
    return stacks


def place_formulas(formulas: Sequence[Formula], area: Rect, scale: float) -> tuple[list[Picture], list[TextBox]]:
    """Return formula images at the deck's one scale, stacked and centred in `area`, each under its label."""
    x, y, w, h = area
    pictures, boxes = [], []
    top = y + max(0, (h - stack_height(formulas, w, scale)) // 2)
    for label, latex, asset in formulas:
        paras, lab_h, row_h = _formula_row((label, latex, asset), w, scale)
        cx, cy = formula_size(asset, scale)
        if paras:
            boxes.append(TextBox((x, top, w, lab_h), paras))
        pictures.append(Picture(asset, (x + (w - cx) // 2, top + lab_h + GAP, cx, cy),
                                f"{label}: {speak(latex)}" if label else speak(latex)))
        top += row_h + GAP
    return pictures, boxes


def deck_scale(assets: Assets, geo: Geometry) -> float:
    """Return the one formula scale of the deck: body-text size, less only if the widest formula needs it.

    Raises UsageError when a formula is wider than the content area even at the 18 pt floor.
    """
    widest = max(assets.formulas.values(), key=lambda a: a.width, default=None)
    if widest is None:
        return formula_scale()
    scale = min(formula_scale(), geo.body[2] / widest.width)
    if scale < formula_scale(MATH_FLOOR):
        raise UsageError(f"formula `{widest.alt}` is too wide for the slide even at {MATH_FLOOR} pt: "
                         "write it as two formulas in its term's `formulas:`")
    return scale


def _continued(title: str, i: int) -> str:
    return f"{title} {TEXT['continued']}" if i else title


def _plain(text: str) -> str:
    """Return source text with single line breaks joined: blank lines stay paragraph breaks."""
    return "\n".join(cards.paragraphs(text))


def term_notes(titles: Mapping[str, str], term: Term) -> str:
    """Return a term's speaker notes: definition, summary, related terms (by title), formulas' LaTeX, references."""
    related = [titles.get(r, r) for r in term.related]
    return TERM_NOTES.render(term=term, definition=_plain(term.definition), related=related).strip()


def _place(item: list[Formula] | None, area: Rect, scale: float) -> tuple[list[Picture], list[TextBox]]:
    return ([], []) if item is None else place_formulas(item, area, scale)


def _pages(paras: Sequence[Para], beside: int, geo: Geometry) -> list[tuple[Para, ...]]:
    """Return key-point pages: the first `beside` beside a picture (left column), the rest full width.

    A page that would leave exactly one bullet for the next one gives it its own last bullet as company.
    """
    pages: list[tuple[Para, ...]] = []
    rest = list(paras)
    while rest:
        rect = geo.left if len(pages) < beside else geo.body
        rest = list(_split_tall(rest, rect))
        page = paginate(rest, rect)[0]
        if len(rest) == len(page) + 1 and len(page) >= 3:
            page = page[:-1]  # no lone bullet on a continuation slide: take one more with it
        pages.append(page)
        rest = rest[len(page):]
    return pages


def term_slides(titles: Mapping[str, str], term: Term, assets: Assets, geo: Geometry,
                scale: float | None = None) -> list[SlidePlan]:
    """Return the slides of one term: its key points with its formulas beside or after them, then each
    figure on a slide of its own (`figure_slide`).

    Formulas keep the deck's one scale: a stack too wide for the right column goes on slides of its own.
    """
    scale = formula_scale() if scale is None else scale
    formulas = [(f.label, f.latex, assets.formulas[f.latex]) for f in term.formulas]
    paras = [Para(k, BODY_SIZE) for k in term.key_points]
    notes = term_notes(titles, term)
    slides = _point_slides(notes, term, paras, formulas, geo, scale) if paras or formulas or not term.figures \
        else []
    for fig in term.figures:
        title = f"{term.title} — {TEXT['figure']}" if slides else term.title
        figure_notes = f"{TEXT['figure']}: {fig.caption}\n\n{notes}" if fig.caption else notes  # the whole
        # caption, which the slide may shorten
        slides.append(figure_slide(title, slide_asset(assets.figures[fig.id]), geo, figure_notes, term.id))
    return slides


def _point_slides(notes: str, term: Term, paras: Sequence[Para], formulas: Sequence[Formula],
                  geo: Geometry, scale: float) -> list[SlidePlan]:
    """Return a term's key-point slides, its formulas beside or after the key points."""
    narrow = all(formula_size(f[2], scale)[0] <= geo.right[2] for f in formulas)
    stacks = pack_formulas(formulas, geo.right if narrow else geo.body, scale) if formulas else []
    pages = _pages(paras, len(stacks) if narrow else 0, geo)
    items: list[list[Formula] | None] = [*([] if narrow else [None] * len(pages)), *stacks]
    slides = []
    for i in range(max(len(pages), len(items), 1)):
        body = pages[i] if i < len(pages) else ()
        item = items[i] if i < len(items) else None
        title = _continued(term.title, i)
        if isinstance(item, list) and not body and i:
            title = f"{term.title} — {TEXT['formulas']}"
        pictures, boxes = _place(item, geo.right if body else geo.body, scale)
        layout = "two" if body and pictures else "content" if body else "title_only"
        slides.append(SlidePlan("term", layout, title, fit_title(title, geo.title), body, tuple(pictures),
                                tuple(boxes), notes, term_id=term.id))
    return slides


def slide_asset(asset: Asset) -> Asset:
    """Return the image a slide shows of a figure: its slide variant (larger texts) if it has one."""
    return asset.slide or asset


def figure_slide(title: str, asset: Asset, geo: Geometry, notes: str = "", term_id: str = "") -> SlidePlan:
    """Return a slide showing one figure as large as the content area allows, its caption below it: the size
    a room reads its texts at (see `legibility`), which the key points' column could not give it."""
    picture, caption = place_figure(asset, geo.body)
    return SlidePlan("term", "title_only", title, fit_title(title, geo.title), (), (picture,), (caption,), notes,
                     term_id=term_id)


def figure_width(asset: Asset, geo: Geometry = DEFAULT_GEOMETRY) -> float:
    """Return how wide, in inches, a figure slide of `geo` shows `asset`."""
    return place_figure(asset, geo.body)[0].rect[2] / EMU_PER_INCH


def figure_problems(glossary: Glossary, assets: Assets, geo: Geometry) -> list[Problem]:
    """Return a problem at each figure whose slide shows a text smaller than `legibility.MIN_SLIDE_POINTS`."""
    problems = []
    for term in glossary.terms:
        for fig in term.figures:
            asset = slide_asset(assets.figures[fig.id])
            if why := legibility.slide_problem(asset, figure_width(asset, geo)):
                problems.append(Problem(term.source, fig.line, 1, f"figure `{fig.id}` is too small to read on its "
                                        f"slide: {why}", "give it fewer items (params), or draw it with fewer or "
                                        "shorter texts; with --template: a title-only layout with more room"))
    return problems


Pager = Callable[[Sequence[Para], Rect], list[tuple[Para, ...]]]  # `paginate`, or a caller's memo of it


def _text_slides(kind: str, title: str, paras: Sequence[Para], geo: Geometry, notes: Sequence[str] = (),
                 pager: Pager = paginate, pages: list[tuple[Para, ...]] | None = None) -> list[SlidePlan]:
    pages = (pager(paras, geo.body) if pages is None else pages) or [()]
    return [SlidePlan(kind, "content", _continued(title, i), fit_title(_continued(title, i), geo.title),
                      page, notes=notes[i] if i < len(notes) else "")
            for i, page in enumerate(pages)]




def review_items(term: Term) -> list[tuple[str, str]]:
    """Return a term's review questions with their answers: its first cloze facts with the hidden part blanked.

    A term without cloze facts is asked for by its summary (its own name blanked out).
    """
    facts = [" ".join(f.split()) for f in term.cloze[:REVIEW_PER_TERM]]
    if not facts:
        summary = " ".join(term.summary.split()).replace(term.ko, TEXT["blank"])
        return [(TEXT["which_term"].format(summary=summary), term.title)]
    return [(cards.blanked(f, TEXT["blank"]), " / ".join(cards.hidden_parts(f))) for f in facts]


def review_slides(section: Section, geo: Geometry, pager: Pager = paginate) -> list[SlidePlan]:
    """Return the review slides of a section: a few fill-in questions per term in lecture order, answers in notes."""
    items = [(question, answer, t) for t in section.terms for question, answer in review_items(t)]
    paras = [Para(q, BODY_SIZE, number=n) for n, (q, _, _) in enumerate(items, 1)]
    pages = pager(paras, geo.body)
    notes = [REVIEW_NOTES.render(heading=TEXT["answers"],
                                 answers=[(p.number, *items[p.number - 1][1:]) for p in page if p.number]).strip()
             for page in pages]
    title = TEXT["review"].format(section=f"{section.ko} ({section.en})")
    return _text_slides("review", title, paras, geo, notes, pages=pages)


def date_text(epoch: int) -> str:
    """Return the build date (UTC) as Korean text."""
    t = time.gmtime(epoch)
    return TEXT["date"].format(y=t.tm_year, m=t.tm_mon, d=t.tm_mday)


def cover(glossary: Glossary, epoch: int, geo: Geometry) -> SlidePlan:
    """Return the title slide."""
    lines = [glossary.subtitle, glossary.author,
             TEXT["version_date"].format(version=glossary.version, date=date_text(epoch))]
    body = tuple(Para(line, SUB_SIZE, bullet=False) for line in lines if line)
    while not fits(body, geo.cover_body) and body[0].size > 12:
        body = tuple(Para(p.text, p.size - 2, bullet=False) for p in body)
    return SlidePlan("title", "cover", glossary.title, fit_title(glossary.title, geo.cover_title, COVER_SIZES),
                     body, footer=False, notes=glossary.credit.line() if glossary.credit else "")


class OverlapError(UsageError):
    """Two boxes of a planned slide intersect, or one leaves the slide (a template or a planning bug)."""


def frames(plan: SlidePlan, geo: Geometry) -> tuple[Rect, Rect | None]:
    """Return the title placeholder and the body placeholder (None: no body) of the plan's layout."""
    return {
        "cover": (geo.cover_title, geo.cover_body),
        "content": (geo.title, geo.body),
        "two": (geo.title, geo.left),
        "section": (geo.section_title, geo.section_body),
    }.get(plan.layout, (geo.title, None))


def boxes(plan: SlidePlan, geo: Geometry) -> list[tuple[str, Rect]]:
    """Return every box the slide shows, named: title, body text, pictures, text boxes, footer, number.

    The body counts as tall as its text (formulas may sit under the key points in the same column).
    """
    title, frame = frames(plan, geo)
    out = [("title", title)]
    if plan.body and frame is not None:
        out.append(("body", (*frame[:3], min(frame[3], _box_height(plan.body, frame)))))
    out += [(f"picture {i} ({p.asset.path.name})", p.rect) for i, p in enumerate(plan.pictures, 1)]
    out += [(f"text box {i} ({b.paras[0].text[:20] if b.paras else ''})", b.rect)
            for i, b in enumerate(plan.boxes, 1)]
    if plan.footer:
        out += [("footer", geo.footer), ("slide number", geo.number)]
    return [(name, r) for name, r in out if r[2] > 0 and r[3] > 0]


def _intersect(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def overlaps(named: Sequence[tuple[str, Rect]], size: tuple[int, int]) -> list[str]:
    """Return what is wrong with a slide's boxes: each pair that intersects and each box off the slide."""
    problems = [f"{name} leaves the slide" for name, (x, y, w, h) in named
                if x < 0 or y < 0 or x + w > size[0] or y + h > size[1]]
    for i, (name, a) in enumerate(named):
        problems += [f"{name} overlaps {other}" for other, b in named[i + 1:] if _intersect(a, b)]
    return problems


def check(plans: Sequence[SlidePlan], geo: Geometry, checked: Collection[str] = ()) -> None:
    """Raise OverlapError naming the first slide where two boxes intersect or a box leaves the slide.

    `checked`: terms whose slides were checked already (the same plans under the same geometry)."""
    for number, plan in enumerate(plans, 1):
        if plan.term_id and plan.term_id in checked:
            continue
        problems = overlaps(boxes(plan, geo), geo.size)
        if problems:
            raise OverlapError(f"slide {number} ({plan.title}): {'; '.join(problems)} — the template's "
                               "placeholders (title, content, footer) must not overlap")


def slide_plan(glossary: Glossary, assets: Assets, epoch: int = 0, geo: Geometry = DEFAULT_GEOMETRY,
               titles: Mapping[str, str] | None = None, terms: Callable[..., list[SlidePlan]] = term_slides,
               checked: Collection[str] = (), pager: Pager = paginate) -> list[SlidePlan]:
    """Return every slide of the lecture deck, in order (`titles`: every term's title, when this is one lecture).

    `terms` plans one term's slides: `term_slides`, or a caller's memo of it, which names in `checked` the terms
    whose slides it kept from a build that checked them (`check`): their check is not repeated. `pager` breaks
    the agenda, review and references into pages: `paginate`, or a caller's memo of it."""
    slides = [cover(glossary, epoch, geo)]
    agenda: list[Para] = []
    for s in glossary.sections:
        agenda.append(Para(f"{s.ko} ({s.en})", BODY_SIZE))
        agenda.extend(Para(t.title, SUB_SIZE, level=1) for t in s.terms)
    slides += _text_slides("agenda", TEXT["agenda"], agenda, geo, pager=pager)
    titles = titles or {t.id: t.title for t in glossary.terms}
    scale = deck_scale(assets, geo)
    if problems := figure_problems(glossary, assets, geo):
        raise SourceError(problems)
    for s in glossary.sections:
        title = f"{s.ko} ({s.en})" if s.en else s.ko
        body = (Para(TEXT["section_body"].format(en=s.en, n=len(s.terms)), SUB_SIZE, bullet=False),)
        part = [SlidePlan("section", "section", title, fit_title(title, geo.section_title), body)]
        for t in s.terms:
            part += terms(titles, t, assets, geo, scale)
        if s.terms:
            part += review_slides(s, geo, pager)
        slides += [replace(p, section=s.ko) for p in part]
    cites = list(dict.fromkeys(r.cite() for t in glossary.terms for r in t.references))
    if cites:
        refs = [Para(c, SMALL_SIZE, number=n) for n, c in enumerate(cites, 1)]
        slides += _text_slides("references", TEXT["references"], refs, geo, pager=pager)
    check(slides, geo, checked)
    return slides
