"""Read a slide template: python-pptx's default one widened to 16:9 and given the default look (`design`), or
the user's (`--template`); which of its layouts serves each slide role (`choose_layouts`: by placeholders, then
by name) and where those layouts put titles, bodies, footer and slide number (`geometry_of`)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from dlexport.errors import UsageError
from dlexport.targets._pptx_fast import qn, sub_element
from dlexport.targets.slide_plan import GAP, Geometry, Rect

WIDE = (12192000, 6858000)  # 13.333 × 7.5 in
ACCENT = "1F4E79"  # the default look's one accent colour (dark blue): titles, bars, section dividers
RULE = "BFBFBF"  # the rule under a content slide's title


def widen(prs: Any, width: int) -> Any:
    """Return `prs` (4:3, Office's default) made `width` EMU wide, its master and layouts stretched sideways."""
    from pptx.util import Emu

    k = width / prs.slide_width
    for part in [prs.slide_master, *prs.slide_layouts]:
        for xfrm in part.element.iter(qn("a:xfrm")):
            off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
            if off is not None:
                off.set("x", str(round(int(off.get("x")) * k)))
            if ext is not None:
                ext.set("cx", str(round(int(ext.get("cx")) * k)))
    prs.slide_width = Emu(width)
    return prs


def open_template(template: Path | None) -> Any:
    """Return the user's template, or python-pptx's default template widened to 16:9."""
    from pptx import Presentation

    if template is not None:
        try:
            return Presentation(str(template))
        except Exception as e:
            raise UsageError(f"--template {template}: not a PowerPoint file ({e})") from e
    return design(widen(Presentation(), WIDE[0]))


def _rect_xml(shape_id: int, rect: Rect, color: str) -> Any:
    """Return a filled, unoutlined rectangle `p:sp` (a decoration: no text, drawn behind the slide's shapes)."""
    sp = etree.Element(qn("p:sp"))
    nv = sub_element(sp, "p:nvSpPr")
    sub_element(nv, "p:cNvPr", id=shape_id, name=f"Accent {shape_id}")
    sub_element(nv, "p:cNvSpPr")
    sub_element(nv, "p:nvPr", userDrawn=1)
    pr = sub_element(sp, "p:spPr")
    xfrm = sub_element(pr, "a:xfrm")
    sub_element(xfrm, "a:off", x=rect[0], y=rect[1])
    sub_element(xfrm, "a:ext", cx=rect[2], cy=rect[3])
    sub_element(sub_element(pr, "a:prstGeom", prst="rect"), "a:avLst")
    sub_element(sub_element(pr, "a:solidFill"), "a:srgbClr", val=color)
    sub_element(sub_element(pr, "a:ln"), "a:noFill")
    return sp


def _decorate(part: Any, rects: list[tuple[Rect, str]]) -> None:
    """Add decoration rectangles to a master's or layout's shape tree."""
    tree = part.element.find(f"{qn('p:cSld')}/{qn('p:spTree')}")
    next_id = 1 + max(int(e.get("id", 0)) for e in tree.iter(qn("p:cNvPr")))
    for i, (rect, color) in enumerate(rects):
        tree.append(_rect_xml(next_id + i, rect, color))


def design(prs: Any) -> Any:
    """Return the default template with the default look: accent titles, bars and bands, accent section dividers.

    Decorations sit in the margins the placeholders leave free, so they never meet the plan's boxes.
    """
    master = prs.slide_master.element
    for color in master.iterfind(f"{qn('p:txStyles')}/{qn('p:titleStyle')}//{qn('a:schemeClr')}"):
        color.tag = qn("a:srgbClr")
        color.set("val", ACCENT)
    for ppr in master.iterfind(f"{qn('p:txStyles')}/{qn('p:titleStyle')}/{qn('a:lvl1pPr')}"):
        ppr.set("algn", "l")  # content titles start at the accent bar; cover and dividers align their own
    w, h = int(prs.slide_width), int(prs.slide_height)
    _decorate(prs.slide_master, [((0, h - 54864, w, 54864), ACCENT)])  # a thin band along the bottom
    for layout in prs.slide_layouts:
        shape = shape_of(layout)
        if shape.title is None:
            continue
        x, y, cx, cy = shape.title
        if "title slide" in layout.name.lower():
            _decorate(layout, [((0, 0, 365760, h), ACCENT),
                               ((w // 2 - 914400, y + cy + 91440, 1828800, 38100), ACCENT)])
        elif "section" in layout.name.lower():
            bg = etree.Element(qn("p:bg"))
            sub_element(sub_element(sub_element(bg, "p:bgPr"), "a:solidFill"), "a:srgbClr", val=ACCENT)
            sub_element(bg.find(qn("p:bgPr")), "a:effectLst")
            layout.element.find(qn("p:cSld")).insert(0, bg)
        elif x >= 365760 and cy < h // 3:  # a title across the top: an accent bar beside it, a rule under it
            _decorate(layout, [((x - 228600, y + cy // 4, 91440, cy // 2), ACCENT),
                               ((x, y + cy + 45720, cx, 12700), RULE)])
    return prs


@dataclass(frozen=True)
class Shape:
    """What a layout offers: title, bodies (left to right), subtitle?, footer and slide-number boxes."""

    title: Rect | None
    bodies: tuple[Rect, ...]
    subtitle: bool
    footer: Rect
    number: Rect


_SHAPES: weakref.WeakKeyDictionary[Any, Shape] = weakref.WeakKeyDictionary()


def shape_of(layout: Any) -> Shape:
    """Return a layout's placeholder boxes by role (a subtitle counts as a body), worked out once per layout.

    python-pptx finds each placeholder's inherited position by walking the master: slow, and asked often.
    """
    if layout.part not in _SHAPES:
        _SHAPES[layout.part] = _shape_of(layout)
    return _SHAPES[layout.part]


def _shape_of(layout: Any) -> Shape:
    from pptx.enum.shapes import PP_PLACEHOLDER

    skip = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
    title, bodies, footer, number, subtitle = None, [], (0, 0, 0, 0), (0, 0, 0, 0), False
    for ph in layout.placeholders:
        kind = ph.placeholder_format.type
        rect = (int(ph.left), int(ph.top), int(ph.width), int(ph.height))
        if kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            title = rect
        elif kind == PP_PLACEHOLDER.FOOTER:
            footer = rect
        elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
            number = rect
        elif kind not in skip:
            bodies.append(rect)
            subtitle = subtitle or kind == PP_PLACEHOLDER.SUBTITLE
    return Shape(title, tuple(sorted(bodies)), subtitle, footer, number)


def _side_by_side(shape: Shape) -> bool:
    (x0, y0, w0, _), (x1, y1, _, _) = shape.bodies
    return x0 + w0 <= x1 and abs(y0 - y1) < 914400 // 2


ROLES: dict[str, tuple[Callable[[Shape], bool], tuple[str, ...]]] = {
    "content": (lambda s: len(s.bodies) == 1 and not s.subtitle, ("title and content", "title, content")),
    "cover": (lambda s: len(s.bodies) == 1 and s.subtitle, ("title slide",)),
    "two": (lambda s: len(s.bodies) == 2 and _side_by_side(s), ("two content", "2 content", "comparison")),
    "title_only": (lambda s: not s.bodies, ("title only",)),
    "section": (lambda s: len(s.bodies) == 1, ("section",)),
}
FALLBACK = {"cover": "content", "two": "content", "title_only": "content", "section": "cover"}


def choose_layouts(prs: Any) -> dict[str, Any]:
    """Return the slide layout for each role, chosen by placeholders and then by name (first master).

    The section divider needs "section" in its layout's name; missing roles fall back (see FALLBACK).
    Raises UsageError when no layout has a title and one content placeholder.
    """
    layouts = [(layout, shape_of(layout)) for layout in prs.slide_layouts]
    chosen: dict[str, Any] = {}
    for role, (fits, names) in ROLES.items():
        usable = [lay for lay, shape in layouts if shape.title is not None and fits(shape)]
        named = [lay for lay in usable if any(n in lay.name.lower() for n in names)]
        if named or (usable and role != "section"):
            chosen[role] = (named or usable)[0]
    if "content" not in chosen:
        have = ", ".join(f"{lay.name!r}" for lay, _ in layouts) or "none"
        raise UsageError(f"template has no slide layout with a title and one content placeholder (layouts: {have})")
    for role, other in FALLBACK.items():
        chosen.setdefault(role, chosen[other])
    return chosen


def geometry_of(prs: Any, chosen: dict[str, Any] | None = None) -> Geometry:
    """Return where the chosen layouts put titles, content, footer and slide number, and the slide size."""
    shapes = {role: shape_of(layout) for role, layout in (chosen or choose_layouts(prs)).items()}
    content, two = shapes["content"], shapes["two"]
    if len(two.bodies) == 2:
        left, right = two.bodies
    else:  # no two-column layout: halve the content area
        x, y, w, h = content.bodies[0]
        half = (w - GAP) // 2
        left, right = (x, y, half, h), (x + w - half, y, half, h)

    def title(s: Shape) -> Rect:
        assert s.title is not None  # choose_layouts took only layouts with a title
        return s.title

    return Geometry(title(shapes["cover"]), shapes["cover"].bodies[0], title(content), content.bodies[0], left, right,
                    title(shapes["section"]), shapes["section"].bodies[0], content.footer, content.number,
                    (int(prs.slide_width), int(prs.slide_height)))


def describe_layouts(chosen: dict[str, Any]) -> list[str]:
    """Return one line per role naming the layout chosen for it (for --verbose)."""
    what = {"cover": "title slide", "content": "text slides", "two": "key points beside a picture",
            "title_only": "picture-only slides", "section": "section dividers"}
    return [f"slides: layout {layout.name!r} for {what[role]}" for role, layout in chosen.items()]
