"""Write the lecture deck (.pptx) from the slide plan: layouts, fitted text, pictures, notes, Hangul fonts.

Layouts are chosen by their placeholders, then by name (`slide_template.choose_layouts`), so `--template their.pptx`
restyles the deck whatever order its layouts are in (LibreOffice's templates differ from Office's):

- cover: a title and a subtitle — the title slide (fallback: content).
- content: a title and one content placeholder — agenda, review, references, text-only term slides.
  Its footer and slide-number placeholders are copied onto every content slide.
- two: a title and two bodies side by side — key points left, figure or formulas right (fallback:
  content, its body halved).
- title_only: a title — slides that show only a figure or formulas (fallback: content).
- section: a layout named "…section…" with a title and one body — section dividers (fallback: cover).

Text sizes and fonts are set on every run (the plan measures text at those sizes); placeholder
positions are written out from the layouts (the plan checked them), colours and backgrounds come
from the template, and so does the slide size. Without `--template`, python-pptx's default
template is widened to 16:9 and given the default look (`slide_template.design`): one accent colour, a bar beside
every title, an accent band on the title slide, accent-filled section dividers; figures are framed,
and the footer names the section the slide belongs to.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from lxml import etree

from dlexport.errors import UsageError
from dlexport.files import write_zip, zip_memory
from dlexport.memo import Memo, digest, key
from dlexport.model import Asset, Assets, Glossary, Settings, Term
from dlexport.targets import BuildResult, handouts
from dlexport.targets._pptx_fast import (
    IMAGE_TYPES,
    Package,
    SlideXml,
    deck_members,
    drop_slides,
    layout_partname,
    notes_prototype,
    package_of,
    qn,
    scratch_slide,
    serialize,
    sp_tree,
    sub_element,
    tx_body,
)
from dlexport.targets.slide_plan import (
    EMU_PER_PT,
    INDENT,
    LINE,
    NUMBER_INDENT,
    SMALL_SIZE,
    SPACE_BEFORE,
    TEXT,
    Geometry,
    Para,
    Picture,
    Rect,
    SlidePlan,
    TextBox,
    frames,
    paginate,
    slide_asset,
    slide_plan,
    term_slides,
    text_width,
)
from dlexport.targets.slide_skeleton import Skeleton, attribute, descr_sentinel, escaped, sentinel
from dlexport.targets.slide_template import (
    choose_layouts,
    describe_layouts,
    geometry_of,
    open_template,
)

LATIN, EAST_ASIAN, LANG = "Arial", "Malgun Gothic", "ko-KR"
FOOTER_SIZE, NOTES_SIZE = 12, 12
ON_ACCENT, FRAME, CAPTION = "FFFFFF", "A6A6A6", "404040"  # texts on the accent colour, picture frames, captions


def recolor(sp: Any, color: str) -> None:
    """Give every run of shape `sp` an explicit colour (solidFill goes first in a:rPr)."""
    for tag in ("a:rPr", "a:endParaRPr"):
        for rPr in sp.iter(qn(tag)):
            for old in rPr.findall(qn("a:solidFill")):
                rPr.remove(old)
            fill_ = etree.Element(qn("a:solidFill"))
            sub_element(fill_, "a:srgbClr", val=color)
            rPr.insert(0, fill_)




def lectures(glossary: Glossary, settings: Settings) -> list[Glossary]:
    """Return the decks to write: the whole glossary, or with `--split sections` one lecture per section.

    A lecture is the glossary cut to one section, its subtitle "N강 · section" and its file name
    `<name>-N-<section id>`; it gets its own title slide, agenda, review and references.
    """
    if settings.options.get("split") != "sections":
        return [glossary]
    return [dataclasses.replace(glossary, sections=(s,), name=f"{glossary.name}-{n}-{s.id}",
                                subtitle=TEXT["lecture"].format(n=n, section=f"{s.ko} ({s.en})" if s.en else s.ko))
            for n, s in enumerate((s for s in glossary.sections if s.terms), 1)]






@cache
def _run_properties(tag: str, size: int) -> Any:
    """Return a prototype `a:rPr`/`a:endParaRPr` with size, Korean language and the three typefaces."""
    rPr = etree.Element(qn(tag))
    hangul(rPr, size)
    return rPr


def hangul(rPr: Any, size: int | None = None) -> None:
    """Set Latin and East Asian typefaces and the Korean language on one run's properties."""
    rPr.set("lang", LANG)
    if size:
        rPr.set("sz", str(size * 100))
    for tag in ("a:latin", "a:ea", "a:cs"):
        for old in rPr.findall(qn(tag)):
            rPr.remove(old)
    sub_element(rPr, "a:latin", typeface=LATIN)
    sub_element(rPr, "a:ea", typeface=EAST_ASIAN)
    sub_element(rPr, "a:cs", typeface=LATIN)
    tail = [c for c in rPr if c.tag in _AFTER_FONTS]
    for c in tail:  # keep schema order: latin, ea, cs before these
        rPr.remove(c)
        rPr.append(c)


_AFTER_FONTS = {qn(t) for t in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")}


def _paragraph(para: Para, first: bool, align: str | None) -> Any:
    """Return one `a:p`: exact line spacing, spacing before, bullet or number, indent, one Hangul run.

    Built with lxml from a prototype per paragraph style: python-pptx's property setters cost
    ~1.5 ms a paragraph, and there are ~25 paragraphs a term.
    """
    p = copy.deepcopy(_paragraph_style(para.size, para.level, bool(para.number), para.bullet, first, align,
                                       bool(para.text)))
    if para.number:
        p[0].find(qn("a:buAutoNum")).set("startAt", str(para.number))
    if para.text:
        p[1][1].text = para.text
    return p


@cache
def _paragraph_style(size: int, level: int, numbered: bool, bullet: bool, first: bool, align: str | None,
                     has_text: bool) -> Any:
    """Return the prototype `a:p` (pPr, run, end mark) for one paragraph style."""
    p = etree.Element(qn("a:p"))
    attrs: dict[str, object] = {"lvl": level} if level else {}
    if numbered:
        attrs.update(marL=NUMBER_INDENT, indent=-NUMBER_INDENT)
    elif bullet:
        attrs.update(marL=INDENT[level], indent=-INDENT[0] if level == 0 else -285750)
    else:
        attrs.update(marL=0, indent=0)
    if align:
        attrs["algn"] = align
    pPr = sub_element(p, "a:pPr", **attrs)
    sub_element(sub_element(pPr, "a:lnSpc"), "a:spcPts", val=round(LINE * size * 100))
    sub_element(sub_element(pPr, "a:spcBef"), "a:spcPts", val=0 if first else round(SPACE_BEFORE * size * 100))
    if numbered:
        sub_element(pPr, "a:buAutoNum", type="arabicPeriod", startAt=1)
    elif not bullet:
        sub_element(pPr, "a:buNone")
    if has_text:
        r = sub_element(p, "a:r")
        r.append(copy.deepcopy(_run_properties("a:rPr", size)))
        sub_element(r, "a:t")
    p.append(copy.deepcopy(_run_properties("a:endParaRPr", size)))
    return p


_AUTOFIT = {qn(t) for t in ("a:noAutofit", "a:normAutofit", "a:spAutoFit")}


_MARK = re.compile(rb"<!--dlexport paragraph (\d+)-->")


@cache
def _paragraph_xml(size: int, level: int, number: int, bullet: bool, first: bool, align: str | None,
                   has_text: bool, color: str) -> tuple[bytes, bytes]:
    """Return one paragraph style's XML before and after its text, as lxml writes it inside a slide."""
    p = _paragraph(Para("\ue001" if has_text else "", size, level, number, bullet), first, align)
    if color:
        recolor(p, color)
    ns = p.nsmap if None not in p.nsmap else {}
    xml = etree.tostring(p, encoding="unicode")
    for prefix, uri in ns.items():  # a slide declares `a` once at its root
        xml = xml.replace(f' xmlns:{prefix}="{uri}"', "").replace(f"{prefix}:", "a:")
    head, _, tail = xml.partition("\ue001")
    return head.encode(), tail.encode()


def paragraph_xml(para: Para, first: bool, align: str | None, color: str) -> bytes:
    """Return one `a:p` as bytes, the same that `_paragraph` (then `recolor`) gives once serialised.

    Writing the text into a serialised prototype is several times cheaper than building elements.
    """
    head, tail = _paragraph_xml(para.size, para.level, para.number, para.bullet, first, align, bool(para.text),
                                color)
    return head + escaped(para.text) + tail if para.text else head + tail


def fill(sp: Any, paras: tuple[Para, ...], align: str | None = None, color: str = "",
         later: list[bytes] | None = None) -> None:
    """Replace the text of shape `sp` (a `p:sp` element) with `paras`; auto-fit off, word wrap on.

    With `later`, each paragraph is a marker in the tree and its XML goes into `later`, for `fill_in` to put
    in place once the part is serialised; `color` then colours its runs (as `recolor` does).
    """
    body = sp.find(qn("p:txBody"))
    if body is None:
        body = sp.get_or_add_txBody()
    body_pr = body.find(qn("a:bodyPr"))
    body_pr.set("wrap", "square")
    for old in [c for c in body_pr if c.tag in _AUTOFIT]:
        body_pr.remove(old)
    at = 1 if len(body_pr) and body_pr[0].tag == qn("a:prstTxWarp") else 0
    body_pr.insert(at, etree.Element(qn("a:noAutofit")))  # schema order: prstTxWarp, then autofit
    for old in body.findall(qn("a:p")):
        body.remove(old)
    for i, para in enumerate(paras or (Para("", NOTES_SIZE, bullet=False),)):
        if later is None:
            body.append(_paragraph(para, i == 0, align))
        else:
            body.append(etree.Comment(f"dlexport paragraph {len(later)}"))
            later.append(paragraph_xml(para, i == 0, align, color))


def fill_in(xml: bytes, later: list[bytes]) -> bytes:
    """Return a serialised part with the paragraphs `fill` left for later in place of their markers."""
    return _MARK.sub(lambda m: later[int(m[1])], xml)


def _shape_id(tree: Any) -> int:
    """Return an id no shape in the shape tree `tree` has yet."""
    return 1 + max((int(e.get("id", 0)) for e in tree.iter(qn("p:cNvPr"))), default=1)


_TITLE_TYPES = ("title", "ctrTitle")


def _placeholders(sp_tree: Any) -> tuple[Any, list[Any]]:
    """Return a slide's title `p:sp` and its other placeholder shapes (by position, left to right).

    Placeholders are told apart by type and position, not idx: templates saved by LibreOffice give
    the title, the subtitle and every body idx 0.
    """
    title, bodies = None, []
    for sp in sp_tree.iterchildren(qn("p:sp")):
        ph = sp.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}")
        if ph is None:
            continue
        if ph.get("type") in _TITLE_TYPES and title is None:
            title = sp
        else:
            bodies.append(sp)
    bodies.sort(key=lambda sp: tuple(int(v) for v in sp.find(f"{qn('p:spPr')}/{qn('a:xfrm')}/{qn('a:off')}")
                                     .attrib.values()))
    return title, bodies


def place(sp: Any, rect: Rect) -> None:
    """Give a shape an explicit position and size (a placeholder need not inherit it from its layout)."""
    sp_pr = sp.find(qn("p:spPr"))
    for old in sp_pr.findall(qn("a:xfrm")):
        sp_pr.remove(old)
    xfrm = etree.Element(qn("a:xfrm"))
    sub_element(xfrm, "a:off", x=rect[0], y=rect[1])
    sub_element(xfrm, "a:ext", cx=rect[2], cy=rect[3])
    sp_pr.insert(0, xfrm)


@dataclass(frozen=True)
class Made:
    """One slide's XML made from its plan, kept in the memo: it does not depend on where the slide is.

    The slide number (the footer's field) goes between `head` and `tail`; `tail` is None without one.
    """

    head: bytes
    tail: bytes | None
    role: str  # the plan's layout role
    images: tuple[str, ...]  # media part names, in relationship order
    notes: bytes | None

    def slide(self, number: int, layouts: Mapping[str, str]) -> SlideXml:
        """Return the slide as package members at position `number`."""
        xml = self.head if self.tail is None else self.head + str(number).encode() + self.tail
        return SlideXml(xml, layouts[self.role], self.images, self.notes)


_NUMBER = "\ue000slide number\ue000"  # stands for the slide number in a made slide (private-use characters)
_MEDIA = re.compile(r"-([0-9a-f]{10})\.(png|jpe?g|gif)$")


def media_name(path: Path) -> str:
    """Return the media part name of a picture file: named by its content, so it never depends on the deck.

    Figure files already carry a hash of their bytes in their name; any other file is hashed.
    """
    m = _MEDIA.search(path.name)
    digest, ext = (m[1], m[2]) if m else (hashlib.sha256(path.read_bytes()).hexdigest()[:10], path.suffix[1:].lower())
    if ext not in IMAGE_TYPES:
        raise UsageError(f"{path.name}: slides take PNG, JPEG or GIF pictures")
    return f"/ppt/media/image-{digest}.{ext}"


class SlideShape(NamedTuple):
    """What a slide's XML is made of, less its values: slides of one shape share a skeleton."""

    layout: str  # its role's layout
    align: str | None  # the title's alignment
    on_accent: str  # the colour of its texts ("": the template's)
    body: bool  # has a body placeholder with text
    pictures: tuple[tuple[int, bool], ...]  # (the picture's index among the slide's images, framed)
    boxes: int  # text boxes
    footer: bool
    section: str


@dataclass(frozen=True)
class Design:
    """What a deck takes from its template, kept in the memo by the template's digest and the deck's title, so
    that a build whose slides are all of known shapes imports no python-pptx: the placeholders' geometry, each
    role's layout part, the template's package and the notes page (each slide shape's skeleton is kept beside it,
    under `key("skeletons", …)`: a value in the memo is never changed once kept)."""

    geo: Geometry
    parts: dict[str, str]  # role -> its layout's part name
    lines: tuple[str, ...]  # `describe_layouts`, for --verbose
    package: Package
    notes: tuple[bytes, bytes]  # a notes page's XML before and after its body's paragraphs


def design_of(template: Path | None) -> tuple[Design, Any]:
    """Return the design of a template (python-pptx reads it) and the template, without slides."""
    prs = open_template(template)
    drop_slides(prs)  # a template's own example slides are dropped
    layouts = choose_layouts(prs)
    notes_page = notes_prototype(prs.part.package)  # adds python-pptx's notes master if the template has none
    body = next(sp for sp in notes_page.iter(qn("p:sp")) if sp.find(f".//{qn('p:ph')}[@type='body']") is not None)
    fill(body, (Para("", NOTES_SIZE, bullet=False),), later=[])
    head, _, tail = serialize(notes_page).partition(b"<!--dlexport paragraph 0-->")
    design = Design(geometry_of(prs, layouts), {role: layout_partname(lay) for role, lay in layouts.items()},
                    tuple(describe_layouts(layouts)), package_of(prs), (head, tail))
    return design, prs


class Writer:
    """Makes each planned slide's XML (`make`), from shapes worked out once per deck and copied.

    The placeholders of each layout, the footer shapes and the notes page are made once on a scratch
    slide; a slide is then a copy of its layout's shapes, filled in, and serialised. What `make` returns
    depends only on the plan and the deck's template and title, so builds keep it in a memo.
    """

    def __init__(self, design: Design, footer: str, template: Path | None, prs: Any = None,
                 skeletons: Mapping[SlideShape, Skeleton | None] | None = None) -> None:
        self.design = design
        self.skeletons = dict(skeletons or {})  # by slide shape: those of earlier builds, then those made here
        self.geo = design.geo
        self.footer = footer
        self.template = template
        self.designed = template is None  # the default look: recolour section dividers, centre the cover title
        if prs is not None:  # else opened when a slide of a new shape needs it (`prs`)
            self.__dict__["prs"] = prs
        self.prototypes: dict[str, Any] = {}  # a `p:sld` with each role's placed, empty placeholders
        self.footer_shapes: list[Any] | None = None
        self._last_notes: tuple[str, bytes] = ("", b"")  # the notes text `_made` wrote last, and its page

    @functools.cached_property
    def prs(self) -> Any:
        """Return the template (python-pptx), without slides: a bench to build new slide shapes on."""
        prs = open_template(self.template)
        drop_slides(prs)
        return prs

    @functools.cached_property
    def layouts(self) -> dict[str, Any]:
        """Return the template's slide layout for each role."""
        return choose_layouts(self.prs)

    def new_slide(self, role: str) -> Any:
        """Return a new `p:sld` element holding the empty placeholders of the role's layout."""
        if role not in self.prototypes:
            layout = self.layouts[role]
            slide = scratch_slide(self.prs, layout)
            slide.shapes.clone_layout_placeholders(layout)
            clones = list(sp_tree(slide).iterchildren(qn("p:sp")))
            for sp, ph in zip(clones, layout.iter_cloneable_placeholders(), strict=True):
                place(sp, (int(ph.left), int(ph.top), int(ph.width), int(ph.height)))
            self.prototypes[role] = slide.element
        return copy.deepcopy(self.prototypes[role])

    def add_footer(self, tree: Any, section: str = "", color: str = "") -> None:
        """Add the footer (glossary title · section, the progress hint) and the slide number's field."""
        first = _shape_id(tree)
        for i, proto in enumerate(self.footer_for(section, color)):
            sp = copy.deepcopy(proto)
            sp.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}").set("id", str(first + i))
            tree.append(sp)

    @cache  # noqa: B019 — one Writer per deck, a handful of sections
    def footer_for(self, section: str, color: str) -> list[Any]:
        """Return the footer shapes of a section's slides, in `color`, the number's field holding `_NUMBER`."""
        if self.footer_shapes is None:
            self.footer_shapes = self._footer_shapes(scratch_slide(self.prs, self.layouts["content"]))
        shapes = []
        for proto in self.footer_shapes:
            sp = copy.deepcopy(proto)
            for t in sp.iter(qn("a:fld")):
                t.find(qn("a:t")).text = _NUMBER
            if section and next(sp.iter(qn("a:fld")), None) is None:
                sp.find(f".//{qn('a:r')}/{qn('a:t')}").text = self.footer_text(section)
            if color:
                recolor(sp, color)
            shapes.append(sp)
        return shapes

    @cache  # noqa: B019 — one Writer per deck, a handful of sections
    def footer_text(self, section: str) -> str:
        """Return "glossary title · section" if it fits the footer, else the section name, shortened to fit."""
        width = (self.geo.footer[2] - 2 * 91440) / EMU_PER_PT * 0.9
        for text in (f"{self.footer} · {section}", section):
            if text_width(text, FOOTER_SIZE) <= width:
                return text
        text = section
        while text_width(text, FOOTER_SIZE) > width and len(text) > 1:
            text = text[:-2] + "…"
        return text

    def _footer_shapes(self, slide: Any) -> list[Any]:
        """Return the filled footer and slide-number shapes to copy onto every content slide."""
        from pptx.enum.shapes import PP_PLACEHOLDER

        shapes = []
        for ph in self.layouts["content"].placeholders:
            kind = ph.placeholder_format.type
            if kind not in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER):
                continue
            slide.shapes.clone_placeholder(ph)
            shape = slide.placeholders[ph.placeholder_format.idx]
            place(shape.element, self.geo.footer if kind == PP_PLACEHOLDER.FOOTER else self.geo.number)
            if kind == PP_PLACEHOLDER.FOOTER:
                text, width = self.footer, (int(ph.width) - 2 * 91440) / EMU_PER_PT * 0.9
                while text_width(text, FOOTER_SIZE) > width and len(text) > 1:
                    text = text[:-2] + "…"
                fill(shape.element, (Para(text, FOOTER_SIZE, bullet=False),))
            else:
                fill(shape.element, (Para("", FOOTER_SIZE, bullet=False),))
                p = tx_body(shape).find(qn("a:p"))
                fld = sub_element(p, "a:fld", id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", type="slidenum")
                hangul(sub_element(fld, "a:rPr"), FOOTER_SIZE)
                sub_element(fld, "a:t")
                p.append(p.find(qn("a:endParaRPr")))  # endParaRPr stays last
            shapes.append(shape.element)
            shape.element.getparent().remove(shape.element)
        return shapes

    def notes(self, paras: tuple[Para, ...]) -> bytes:
        """Return the XML of a notes page holding `paras` (at least one)."""
        head, tail = self.design.notes
        return head + b"".join(paragraph_xml(p, i == 0, None, "") for i, p in enumerate(paras)) + tail

    def make(self, plan: SlidePlan) -> Made:
        """Return one planned slide's XML: the skeleton of its shape (`skeleton`) filled in with its values."""
        title_rect, frame = frames(plan, self.geo)
        align, on_accent = self._style(plan)
        body = bool(plan.body) and frame is not None
        images: list[str] = []
        for pic in plan.pictures:
            if (name := media_name(pic.asset.path)) not in images:
                images.append(name)
        pics = tuple((images.index(media_name(p.asset.path)), p.framed) for p in plan.pictures)
        skeleton = self.skeleton(SlideShape(plan.layout, align, on_accent, body, pics, len(plan.boxes), plan.footer,
                                            plan.section))
        if skeleton is None:  # the template holds a sentinel: build this slide's tree
            return self.make_tree(plan)
        numbers = [*title_rect, *(frame if body and frame is not None else ())]
        for pic in plan.pictures:
            numbers += pic.rect
        for box in plan.boxes:
            numbers += box.rect
        values = [str(n).encode() for n in numbers]
        values += [attribute(p.descr) for p in plan.pictures]
        values.append(_paragraphs((Para(plan.title, plan.title_size, bullet=False),), align, on_accent))
        if body:
            values.append(_paragraphs(plan.body, None, on_accent))
        values += [_paragraphs(box.paras, "ctr", CAPTION if self.designed else "") for box in plan.boxes]
        return self._made(skeleton.fill(values), plan, tuple(images))

    def _style(self, plan: SlidePlan) -> tuple[str | None, str]:
        """Return the title's alignment and the colour of a slide's texts ("": the template's)."""
        return ("ctr" if self.designed and plan.kind == "title" else None,
                ON_ACCENT if self.designed and plan.kind == "section" else "")

    def skeleton(self, shape: SlideShape) -> Skeleton | None:
        """Return the skeleton of slides of one shape: layout, title style, body?, pictures (image index,
        framed), text boxes, footer and section — its tree built by `make_tree` with sentinels for values.

        Kept in the memo (`self.skeletons`, see `render`): a build that makes a slide of a known shape needs no
        python-pptx."""
        if shape not in self.skeletons:
            self.skeletons[shape] = self._skeleton(shape)
        return self.skeletons[shape]

    def _skeleton(self, shape: SlideShape) -> Skeleton | None:
        layout, align, on_accent, body, pics, boxes, footer, section = shape
        numbers = iter(range(1 << 20))

        def rect() -> Rect:
            return sentinel(next(numbers)), sentinel(next(numbers)), sentinel(next(numbers)), sentinel(next(numbers))

        title_rect, frame = rect(), rect() if body else None
        pictures = tuple(Picture(Asset(Path(f"s-{i:010x}.png"), 1, 1, "", ""), rect(), descr_sentinel(j), framed)
                         for j, (i, framed) in enumerate(pics))
        text_boxes = tuple(TextBox(rect(), (Para("-", SMALL_SIZE, bullet=False),)) for _ in range(boxes))
        plan = SlidePlan("", layout, "-", SMALL_SIZE, (Para("-", SMALL_SIZE),) if body else (), pictures,
                         text_boxes, footer=footer, section=section)
        tree = self.tree(plan, title_rect, frame, align, on_accent, marks=True)
        return Skeleton.of(tree, 4 * (1 + body + len(pics) + boxes), len(pics), 1 + body + boxes)

    def make_tree(self, plan: SlidePlan) -> Made:
        """Return one planned slide's XML, built as an element tree (what `make` gives, the slow way)."""
        images = list(dict.fromkeys(media_name(pic.asset.path) for pic in plan.pictures))
        return self._made(self.tree(plan, *frames(plan, self.geo), *self._style(plan)), plan, tuple(images))

    def tree(self, plan: SlidePlan, title_rect: Rect, frame: Rect | None, align: str | None, on_accent: str,
             marks: bool = False) -> bytes:
        """Return the slide's XML built as an element tree; `marks`: each text shape's paragraphs left as one
        marker (numbered in order: title, body, text boxes) — each shape then has one paragraph."""
        sld = self.new_slide(plan.layout)
        tree = sld.find(f"{qn('p:cSld')}/{qn('p:spTree')}")
        title, bodies = _placeholders(tree)
        place(title, title_rect)
        later: list[bytes] = []
        fill(title, (Para(plan.title, plan.title_size, bullet=False),), align, on_accent, later)
        for i, sp in enumerate(bodies):
            if i == 0 and plan.body and frame is not None:
                place(sp, frame)  # the plan's box: a fallback layout's body may be narrowed to a column
                fill(sp, plan.body, None, on_accent, later)
            else:
                sp.getparent().remove(sp)
        images: list[str] = []
        for pic in plan.pictures:
            name = media_name(pic.asset.path)
            if name not in images:
                images.append(name)
            shape_id = _shape_id(tree)  # the alt text is ours: add_picture would use the file name
            el = tree.add_pic(shape_id, f"Picture {shape_id - 1}", "", f"rId{2 + images.index(name)}", *pic.rect)
            el.nvPicPr.cNvPr.set("descr", pic.descr)  # set, not templated: the template doesn't escape `"`
            if pic.framed:
                ln = sub_element(el.spPr, "a:ln", w=9525)
                sub_element(sub_element(ln, "a:solidFill"), "a:srgbClr", val=FRAME)
        for box in plan.boxes:
            shape_id = _shape_id(tree)
            box_sp = tree.add_textbox(shape_id, f"TextBox {shape_id - 1}", *box.rect)
            fill(box_sp, box.paras, "ctr", CAPTION if self.designed else "", later)
        if plan.footer:
            self.add_footer(tree, plan.section, on_accent)
        return serialize(sld) if marks else fill_in(serialize(sld), later)

    def _made(self, xml: bytes, plan: SlidePlan, images: tuple[str, ...]) -> Made:
        if plan.notes != self._last_notes[0]:  # a term's slides share its notes, and come one after the other
            self._last_notes = (plan.notes, self.notes(tuple(Para(line, NOTES_SIZE, bullet=False)
                                                             for line in plan.notes.split("\n"))))
        notes = self._last_notes[1] if plan.notes else None
        head, number, tail = xml.rpartition(_NUMBER.encode())
        return Made(head, tail, plan.layout, images, notes) if number else Made(tail, None, plan.layout, images, notes)


def _paragraphs(paras: tuple[Para, ...], align: str | None, color: str) -> bytes:
    """Return a text shape's paragraphs as `fill` writes them (one empty paragraph for none)."""
    return b"".join(paragraph_xml(p, i == 0, align, color)
                    for i, p in enumerate(paras or (Para("", NOTES_SIZE, bullet=False),)))


def _core(glossary: Glossary) -> tuple[str, ...]:
    """Return the core properties' texts (`_pptx_fast.CORE` order) from the glossary: two builds are identical."""
    return (glossary.title, glossary.subtitle, glossary.author, glossary.author, glossary.tag_prefix,
            f"dlexport {glossary.version}", LANG, glossary.version)


def counts(glossary: Glossary) -> Mapping[str, int]:
    """Return nothing for `check`: the slide count depends on the pictures and the template."""
    return {}


def render(glossary: Glossary, assets: Assets, settings: Settings, memo: Memo,
           titles: dict[str, str] | None = None) -> tuple[Package, bytes, list[SlideXml], dict[str, Path]]:
    """Return the deck: its template's package, its core properties part, its slides as package members, and
    its pictures ({media part name: file}).

    The template's design and each slide's XML come from `memo` when made under the same template and title.
    `titles`: every term's title, for a lecture that links terms of other sections.
    """
    template = settings.file("template")
    context = (hashlib.sha256(template.read_bytes()).hexdigest() if template else "default", glossary.title)
    opened: list[Any] = []

    def make_design() -> Design:
        design, prs = design_of(template)
        opened.append(prs)
        return design

    design: Design = memo.get(key("design", context), make_design)
    if settings.verbose:
        for line in design.lines:
            print(line, file=sys.stderr)
    geo, parts = design.geo, design.parts
    known: dict[SlideShape, Skeleton | None] = memo.get(key("skeletons", context), dict)
    writer = Writer(design, glossary.title, template, opened[0] if opened else None, known)
    slides: list[SlideXml] = []
    media: dict[str, Path] = {}
    keys: dict[str, str] = {}  # term id -> the key its slide plans were kept under
    kept: set[str] = set()  # terms whose slide plans come from the memo: a build that checked them kept them
    plans = slide_plan(glossary, assets, settings.epoch, geo, titles,
                       terms=functools.partial(_term_slides, memo, keys, kept), checked=kept,
                       pager=functools.partial(_pages, memo))
    nth: dict[str, int] = {}
    for number, plan in enumerate(plans, 1):
        pictures = tuple((media_name(p.asset.path), p.rect, p.descr, p.framed) for p in plan.pictures)
        if plan.term_id in keys:  # a term's slide: its term's key says all its plan does, but the section
            nth[plan.term_id] = nth.get(plan.term_id, -1) + 1
            k = key(context, keys[plan.term_id], nth[plan.term_id], plan.section)
        else:
            k = key(context, dataclasses.replace(plan, pictures=()), pictures)
        made = memo.get(k, functools.partial(writer.make, plan))
        slides.append(made.slide(number, parts))
        media.update((name, p.asset.path) for (name, *_), p in zip(pictures, plan.pictures, strict=True))
    if writer.skeletons.keys() != known.keys():  # shapes made this build: kept with the others
        memo.put(key("skeletons", context), writer.skeletons)
    core = design.package.core_xml(_core(glossary), datetime.fromtimestamp(settings.epoch, UTC).replace(tzinfo=None))
    return design.package, core, slides, dict(sorted(media.items()))


Kept = tuple[SlidePlan, tuple[tuple[str, Rect, str, bool], ...]]  # a plan without its pictures, and them by file


def _term_slides(memo: Memo, keys: dict[str, str], kept: set[str], titles: Mapping[str, str], term: Term,
                 assets: Assets, geo: Geometry, scale: float) -> list[SlidePlan]:
    """Return `term_slides(…)`, kept in `memo` under the term and everything its slides are planned from
    (that key goes into `keys[term.id]`; the term into `kept` when they come from the memo: the memo is saved
    only after a build whose `check` passed, and the key holds the geometry).

    The memo keeps pictures by file name (the same content, the same name) and they are rebound to this
    build's assets: no paths of an earlier build, and far less to unpickle.
    """
    used = [slide_asset(assets.figures[f.id]) for f in term.figures] + [assets.formulas[f.latex] for f in term.formulas]
    k = keys[term.id] = key("term slides", digest(term), [titles.get(r, r) for r in term.related], geo, scale,
                            [(media_name(a.path), a.path.name, a.width, a.height, a.alt, a.caption) for a in used])
    if k in memo.old:
        kept.add(term.id)
    products: list[Kept] = memo.get(k, lambda: [_keep(p) for p in term_slides(titles, term, assets, geo, scale)])
    by_name = {a.path.name: a for a in used}
    return [dataclasses.replace(plan, pictures=tuple(Picture(by_name[name], rect, descr, framed)
                                                     for name, rect, descr, framed in pictures)) if pictures else plan
            for plan, pictures in products]


def _pages(memo: Memo, paras: Sequence[Para], rect: Rect) -> list[tuple[Para, ...]]:
    """Return `paginate(paras, rect)`, kept in `memo` (the agenda's, reviews' and references' pages: measuring
    thousands of paragraphs costs more than their key)."""
    return memo.get(key("pages", tuple(paras), rect), lambda: paginate(paras, rect))


def _keep(plan: SlidePlan) -> Kept:
    """Return what the memo keeps of a term's slide: the plan without pictures, and each picture by file name."""
    return dataclasses.replace(plan, pictures=()), tuple((p.asset.path.name, p.rect, p.descr, p.framed)
                                                          for p in plan.pictures)


def build(glossary: Glossary, assets: Assets, out_dir: Path, settings: Settings) -> BuildResult:
    """Write `out_dir/<name>.pptx` (or one deck per lecture) atomically, then the PDFs `--pdf` asks for.

    The same input gives the same .pptx bytes, whether its slides were made now or kept from an earlier
    build (the memo) and its members written now or copied from the last .pptx. Without LibreOffice,
    `--pdf` says so in one line and the decks are still written.
    """
    titles = {t.id: t.title for t in glossary.terms}
    paths, count, notes = [], 0, []
    memo = settings.memo("slides", salt=salt())
    for deck in lectures(glossary, settings):
        package, core, slides, media = render(deck, assets, settings, memo, titles)
        dest = out_dir / f"{deck.name}.pptx"
        write_zip(dest, deck_members(package, core, slides, media), settings.epoch,
                  previous=settings.previous(dest.name), memory=zip_memory(settings.cache, dest.name))
        paths.append(dest)
        count += len(slides)
    memo.save()
    if settings.options.get("pdf"):
        exe = handouts.soffice()
        if exe is None:
            notes.append(handouts.MISSING)
        else:
            paths += handouts.handouts(paths, out_dir, exe)
    return BuildResult(tuple(paths), {"slides": count}, tuple(notes))


@cache
def salt() -> str:
    """Return the memo's salt: dlexport's code and templates (`memo.code`) and python-pptx's version."""
    from dlexport import memo
    from dlexport.manifest import installed_version  # importlib.metadata costs 30–100 ms a build

    return f"{memo.code()} python-pptx {installed_version('python-pptx')}"
