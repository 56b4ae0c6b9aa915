"""Write the lecture deck (.pptx) from the slide plan: layouts, fitted text, pictures, notes, Hangul fonts.

Layouts used, by index, so `--template their.pptx` restyles the deck (an Office or python-pptx
default template has them in this order):

- 0 "Title Slide": a title and a subtitle placeholder — the title slide.
- 1 "Title and Content": a title and one content placeholder — agenda, review, references, text-only
  term slides. Its footer and slide-number placeholders are copied onto every content slide.
- 2 "Section Header": a title and one text placeholder — the divider of each section.
- 3 "Two Content": a title and two content placeholders side by side — key points on the left, the
  figure or formulas in the area of the right one.
- 5 "Title Only": a title — term slides that show only a figure or formulas (in layout 1's content area).

Text sizes and fonts are set on every run (the plan measures text at those sizes); positions,
colours and backgrounds come from the template. Without `--template`, python-pptx's default
template is widened to 16:9.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml.ns import qn
from pptx.oxml.slide import CT_NotesSlide
from pptx.oxml.xmlchemy import OxmlElement
from pptx.parts.image import Image, ImagePart
from pptx.parts.slide import NotesSlidePart
from pptx.util import Emu, Pt

from dlexport.errors import UsageError
from dlexport.files import rezip
from dlexport.model import Assets, Glossary, Settings
from dlexport.targets.slide_plan import (
    EMU_PER_PT,
    INDENT,
    LINE,
    NUMBER_INDENT,
    SPACE_BEFORE,
    Geometry,
    Para,
    Rect,
    SlidePlan,
    slide_plan,
    text_width,
)

LATIN, EAST_ASIAN, LANG = "Arial", "Malgun Gothic", "ko-KR"
LAYOUTS = {"cover": 0, "content": 1, "section": 2, "two": 3, "title_only": 5}
WIDE = (12192000, 6858000)  # 13.333 × 7.5 in
FOOTER_SIZE, NOTES_SIZE = 12, 12
TITLE_COLOR = "1F4E79"  # dark blue titles in the default look
_SKIP = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
_TITLES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}


def open_template(template: Path | None) -> Any:
    """Return the user's template, or python-pptx's default template widened to 16:9."""
    if template is not None:
        try:
            return Presentation(str(template))
        except Exception as e:
            raise UsageError(f"--template {template}: not a PowerPoint file ({e})") from e
    prs = Presentation()
    k = WIDE[0] / prs.slide_width
    for part in [prs.slide_master, *prs.slide_layouts]:
        for xfrm in part.element.iter(qn("a:xfrm")):
            off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
            if off is not None:
                off.set("x", str(round(int(off.get("x")) * k)))
            if ext is not None:
                ext.set("cx", str(round(int(ext.get("cx")) * k)))
    prs.slide_width, prs.slide_height = Emu(WIDE[0]), Emu(WIDE[1])
    for color in prs.slide_master.element.iterfind(f"{qn('p:txStyles')}/{qn('p:titleStyle')}//{qn('a:schemeClr')}"):
        color.tag = qn("a:srgbClr")
        color.set("val", TITLE_COLOR)
    return prs


def _rects(prs: Any, name: str) -> tuple[Rect, list[Rect], Rect]:
    """Return the title, content (left to right) and footer rectangles of one layout."""
    layout = prs.slide_layouts[LAYOUTS[name]]
    title, bodies, footer = None, [], (0, 0, 0, 0)
    for ph in layout.placeholders:
        kind = ph.placeholder_format.type
        rect = (int(ph.left), int(ph.top), int(ph.width), int(ph.height))
        if kind in _TITLES:
            title = rect
        elif kind == PP_PLACEHOLDER.FOOTER:
            footer = rect
        elif kind not in _SKIP:
            bodies.append(rect)
    if title is None:
        raise UsageError(f"template layout {LAYOUTS[name]} ({layout.name}) has no title placeholder")
    return title, sorted(bodies), footer


def geometry_of(prs: Any) -> Geometry:
    """Return where the template's layouts put titles and content, for the plan to fit text into."""
    cover, cover_bodies, _ = _rects(prs, "cover")
    title, bodies, footer = _rects(prs, "content")
    _, two, _ = _rects(prs, "two")
    section, section_bodies, _ = _rects(prs, "section")
    if not (cover_bodies and bodies and section_bodies and len(two) >= 2):
        raise UsageError("template layouts 0-3 need: subtitle; content; text; two contents (see docs)")
    return Geometry(cover, cover_bodies[0], title, bodies[0], two[0], two[1], section, section_bodies[0],
                    footer)


def count(glossary: Glossary, assets: Assets, settings: Settings | None = None) -> int:
    """Return how many slides the deck has."""
    settings = settings or Settings(epoch=0)
    return len(slide_plan(glossary, assets, settings.epoch, geometry_of(open_template(settings.template))))


def _sub(parent: Any, tag: str) -> Any:
    """Append a new `tag` element to `parent` and return it."""
    child = OxmlElement(tag)
    parent.append(child)
    return child


def hangul(rPr: Any, size: int | None = None) -> None:
    """Set Latin and East Asian typefaces and the Korean language on one run's properties."""
    rPr.set("lang", LANG)
    if size:
        rPr.set("sz", str(size * 100))
    for tag in ("a:latin", "a:ea", "a:cs"):
        for old in rPr.findall(qn(tag)):
            rPr.remove(old)
    fonts = [_sub(rPr, t) for t in ("a:latin", "a:ea", "a:cs")]
    fonts[0].set("typeface", LATIN)
    fonts[1].set("typeface", EAST_ASIAN)
    fonts[2].set("typeface", LATIN)
    tail = [c for c in rPr if c.tag in (qn("a:sym"), qn("a:hlinkClick"), qn("a:hlinkMouseOver"),
                                        qn("a:rtl"), qn("a:extLst"))]
    for c in tail:  # keep schema order: latin, ea, cs before these
        rPr.remove(c)
        rPr.append(c)


def _paragraph(p: Any, para: Para) -> None:
    """Fill one paragraph: its run, exact line spacing, spacing before, bullet and indent."""
    p.level = para.level
    p.line_spacing = Pt(LINE * para.size)
    p.space_before = Pt(SPACE_BEFORE * para.size if p._p.getprevious() is not None else 0)
    run = p.add_run()
    run.text = para.text
    hangul(run._r.get_or_add_rPr(), para.size)
    hangul(p._p.get_or_add_endParaRPr(), para.size)
    pPr = p._p.get_or_add_pPr()
    if para.number:
        pPr.set("marL", str(NUMBER_INDENT))
        pPr.set("indent", str(-NUMBER_INDENT))
        num = _sub(pPr, "a:buAutoNum")
        num.set("type", "arabicPeriod")
        num.set("startAt", str(para.number))
    elif para.bullet:
        pPr.set("marL", str(INDENT[para.level]))
        pPr.set("indent", str(-INDENT[0] if para.level == 0 else -285750))
    else:
        pPr.set("marL", "0")
        pPr.set("indent", "0")
        _sub(pPr, "a:buNone")


def fill(frame: Any, paras: tuple[Para, ...], align: Any = None) -> None:
    """Replace a text frame's text with `paras`; auto-fit off, word wrap on."""
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for i, para in enumerate(paras):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _paragraph(p, para)
        if align is not None:
            p.alignment = align


class Images:
    """Image parts by content hash: add_picture's package scan made 1,000 pictures quadratic."""

    def __init__(self, prs: Any) -> None:
        self.package = prs.part.package
        parts = [p for p in self.package.iter_parts() if isinstance(p, ImagePart)]
        self.by_sha = {p.sha1: p for p in parts}
        self.by_path: dict[Path, ImagePart] = {}
        self.next = 1 + max((p.partname.idx or 0 for p in parts), default=0)

    def part(self, path: Path) -> ImagePart:
        """Return the image part holding the file at `path`, adding it once."""
        if path not in self.by_path:
            blob = path.read_bytes()
            sha = hashlib.sha1(blob).hexdigest()
            if sha not in self.by_sha:
                image = Image.from_blob(blob, path.name)
                name = PackURI(f"/ppt/media/image{self.next}.{image.ext}")
                self.next += 1
                self.by_sha[sha] = ImagePart(name, image.content_type, self.package, blob, path.name)
            self.by_path[path] = self.by_sha[sha]
        return self.by_path[path]


def _footer(slide: Any, text: str, number: int) -> None:
    """Copy the layout's footer and slide-number placeholders onto the slide and fill them."""
    for ph in slide.slide_layout.placeholders:
        kind = ph.placeholder_format.type
        if kind not in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER):
            continue
        slide.shapes.clone_placeholder(ph)
        shape = slide.placeholders[ph.placeholder_format.idx]
        if kind == PP_PLACEHOLDER.FOOTER:
            width = (int(ph.width) - 2 * 91440) / EMU_PER_PT * 0.9
            while text_width(text, FOOTER_SIZE) > width and len(text) > 1:
                text = text[:-2] + "…"
            fill(shape.text_frame, (Para(text, FOOTER_SIZE, bullet=False),))
            continue
        fill(shape.text_frame, (Para("", FOOTER_SIZE, bullet=False),))
        p = shape.text_frame.paragraphs[0]._p
        for r in p.findall(qn("a:r")):
            p.remove(r)
        fld = OxmlElement("a:fld")
        fld.set("id", "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
        fld.set("type", "slidenum")
        hangul(_sub(fld, "a:rPr"), FOOTER_SIZE)
        _sub(fld, "a:t").text = str(number)
        p.insert(list(p).index(p.find(qn("a:endParaRPr"))), fld)


def _notes(slide: Any, number: int) -> Any:
    """Return a new notes page for `slide`, named after its number.

    `slide.notes_slide` finds a free part name by walking the whole package: quadratic in slides.
    """
    package = slide.part.package
    master = package.presentation_part.notes_master_part
    part = NotesSlidePart(PackURI(f"/ppt/notesSlides/notesSlide{number}.xml"), CT.PML_NOTES_SLIDE, package,
                          CT_NotesSlide.new())
    part.relate_to(master, RT.NOTES_MASTER)
    part.relate_to(slide.part, RT.SLIDE)
    part.notes_slide.clone_master_placeholders(master.notes_master)
    slide.part.relate_to(part, RT.NOTES_SLIDE)
    return part.notes_slide


def _slide(prs: Any, plan: SlidePlan, number: int, footer: str, images: Images) -> None:
    """Add one planned slide."""
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUTS[plan.layout]])
    title = slide.shapes.title
    fill(title.text_frame, (Para(plan.title, plan.title_size, bullet=False),))
    bodies = sorted((s for s in slide.placeholders if s.placeholder_format.idx != 0),
                    key=lambda s: (int(s.left), int(s.top)))
    for i, shape in enumerate(bodies):
        if i == 0 and plan.body:
            fill(shape.text_frame, plan.body)
        else:
            shape.element.getparent().remove(shape.element)
    for pic in plan.pictures:
        part = images.part(pic.asset.path)
        rid = slide.part.relate_to(part, RT.IMAGE)
        x, y, cx, cy = pic.rect
        el = slide.shapes._add_pic_from_image_part(part, rid, Emu(x), Emu(y), Emu(cx), Emu(cy))
        el.nvPicPr.cNvPr.set("descr", pic.descr)
    for box in plan.boxes:
        shape = slide.shapes.add_textbox(*(Emu(v) for v in box.rect))
        fill(shape.text_frame, box.paras, PP_ALIGN.CENTER)
    if plan.footer:
        _footer(slide, footer, number)
    if plan.notes:
        paras = tuple(Para(line, NOTES_SIZE, bullet=False) for line in plan.notes.split("\n"))
        fill(_notes(slide, number).notes_text_frame, paras)


def _properties(prs: Any, glossary: Glossary, epoch: int) -> None:
    """Set the core properties from the glossary and the build time, so two builds are identical."""
    when = datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)
    props = prs.core_properties
    props.title, props.subject = glossary.title, glossary.subtitle
    props.author = props.last_modified_by = glossary.author
    props.keywords, props.comments, props.category = glossary.tag_prefix, f"dlexport {glossary.version}", ""
    props.language, props.version = LANG, glossary.version
    props.created = props.modified = props.last_printed = when
    props.revision = 1


def counts(glossary: Glossary, assets: Assets | None = None) -> dict[str, int]:
    """Return {"slides": n} for the manifest (slide count depends on the pictures, so needs `assets`)."""
    return {} if assets is None else {"slides": count(glossary, assets)}


def render(glossary: Glossary, assets: Assets, settings: Settings) -> Any:
    """Return the deck as a python-pptx Presentation (not yet saved)."""
    prs = open_template(settings.template)
    for _ in range(len(prs.slides)):  # a template's own example slides are dropped
        prs.part.drop_rel(prs.slides._sldIdLst[0].rId)
        prs.slides._sldIdLst.remove(prs.slides._sldIdLst[0])
    images = Images(prs)
    plans = slide_plan(glossary, assets, settings.epoch, geometry_of(prs))
    for number, plan in enumerate(plans, 1):
        _slide(prs, plan, number, glossary.title, images)
    _properties(prs, glossary, settings.epoch)
    return prs


def build(glossary: Glossary, assets: Assets, out_dir: Path, settings: Settings) -> Path:
    """Write `out_dir/<name>.pptx` atomically; the same input gives the same bytes."""
    prs = render(glossary, assets, settings)
    dest = out_dir / f"{glossary.name}.pptx"
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, raw = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".raw", dir=out_dir)
    os.close(fd)
    try:
        prs.save(raw)
        rezip(Path(raw), dest, settings.epoch)
    finally:
        Path(raw).unlink(missing_ok=True)
    return dest

