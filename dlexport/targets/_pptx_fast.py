"""Every use of python-pptx's private API, behind one fence, so that a python-pptx upgrade breaks one module.

python-pptx's public conveniences (add_slide, add_picture, notes_slide, save) walk the whole package on
every call, which made a 1,000-term deck quadratic (≈ 20 s), stamp zip members with the current time and
keep every picture in memory. The slides target therefore uses python-pptx for the template (masters,
layouts, theme, properties) and for shapes on a scratch slide, and writes the slides, their notes pages,
their relationships and the pictures as package members itself (`deck_members`). Each assumption made here
about python-pptx 1.0.2 (pinned exactly in pyproject.toml) has a test in tests/test_pptx_fast.py.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.oxml import serialize_part_xml
from pptx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
from pptx.opc.spec import default_content_types
from pptx.oxml.ns import qn
from pptx.oxml.slide import CT_NotesSlide
from pptx.parts.image import ImagePart
from pptx.parts.slide import NotesSlidePart, SlidePart

from dlexport.files import Member

IMAGE_TYPES = {"png": CT.PNG, "jpg": CT.JPEG, "jpeg": CT.JPEG, "gif": CT.GIF}
_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def sp_tree(slide: Any) -> Any:
    """Return the `p:spTree` element of a slide (its shapes)."""
    return slide.shapes._spTree


def tx_body(shape: Any) -> Any:
    """Return the `p:txBody` element of a shape with a text frame."""
    return shape.text_frame._txBody


def scratch_slide(prs: Any, layout: Any) -> Any:
    """Return a slide on `layout` that is not in the deck: a bench to make shapes on and copy them from.

    Nothing relates to its part, so the package never writes it.
    """
    return SlidePart.new(PackURI("/ppt/slides/scratch.xml"), prs.part.package,  # type: ignore[no-untyped-call]
                         layout.part).slide


def drop_slides(prs: Any) -> None:
    """Remove every slide a template carries (python-pptx has no public way to delete a slide)."""
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)


def notes_prototype(package: Any) -> Any:
    """Return an empty `p:notes` element with the notes master's placeholders, to copy for every slide.

    Asking for the notes master adds python-pptx's default one when the template has none.
    """
    master = package.presentation_part.notes_master_part
    page = CT_NotesSlide.new()
    NotesSlidePart(PackURI("/ppt/notesSlides/prototype.xml"), CT.PML_NOTES_SLIDE, package,
                   page).notes_slide.clone_master_placeholders(master.notes_master)
    return page


def serialize(element: Any) -> bytes:
    """Return a part's XML as python-pptx writes it (UTF-8, with a standalone declaration)."""
    return serialize_part_xml(element)


@dataclass(frozen=True)
class SlideXml:
    """One slide as package members: its XML, its layout's part name, its pictures, its notes page."""

    xml: bytes
    layout: str  # e.g. /ppt/slideLayouts/slideLayout2.xml
    images: tuple[str, ...]  # media part names, related as rId2, rId3, … in this order (rId1: the layout)
    notes: bytes | None = None  # the notes page's XML


def layout_partname(layout: Any) -> str:
    """Return the part name of a slide layout."""
    return str(layout.part.partname)


_PLAIN = frozenset(chr(c) for c in range(32, 127)) - set('&<>"\'')


def _attr(value: str) -> str:
    """Return `value` quoted for an XML attribute (as `quoteattr`, several times faster for plain ASCII names)."""
    return f'"{value}"' if _PLAIN.issuperset(value) else quoteattr(value)


def rels_xml(targets: Iterable[tuple[str, str]]) -> bytes:
    """Return a .rels member relating (type, relative target) pairs as rId1, rId2, … in order."""
    body = "".join(f'<Relationship Id="rId{i}" Type={_attr(kind)} Target={_attr(target)}/>'
                   for i, (kind, target) in enumerate(targets, 1))
    return f'{_DECLARATION}<Relationships xmlns="{_RELS_NS}">{body}</Relationships>'.encode()


class _Typed:
    """A part name and content type, all `content_types_xml` reads of a part."""

    def __init__(self, partname: str, content_type: str) -> None:
        self.partname, self.content_type = partname, content_type


def content_types_xml(parts: Iterable[Any]) -> bytes:
    """Return the `[Content_Types].xml` member of `parts` (anything with `partname` and `content_type`), byte for
    byte what python-pptx's `_ContentTypesItem` writes (tests/test_pptx_fast.py), without its element objects:
    they cost ≈ 0.2 s for a 1,000-term deck's 3,600 slide and notes parts.

    A part whose extension and type are a default pair is covered by a `Default`, any other gets an `Override`;
    both sorted, extensions compared in lower case."""
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}
    overrides: dict[str, str] = {}
    for part in parts:
        name, kind = str(part.partname), part.content_type
        lower = posixpath.splitext(name)[1][1:].lower()  # as PackURI.ext
        if (lower, kind) in default_content_types:
            defaults[lower] = kind
        else:
            overrides[name] = kind
    body = "".join(f"<Default Extension={_attr(ext)} ContentType={_attr(kind)}/>"
                   for ext, kind in sorted(defaults.items()))
    body += "".join(f"<Override PartName={_attr(name)} ContentType={_attr(kind)}/>"
                    for name, kind in sorted(overrides.items()))
    return f'{_DECLARATION}<Types xmlns="{_TYPES_NS}">{body}</Types>'.encode()


def deck_members(prs: Any, slides: Sequence[SlideXml], media: Mapping[str, Path]) \
        -> Iterator[Member]:
    """Yield the package's zip members (name, bytes or file, deflate?): the template's parts, then `slides` as
    /ppt/slides/slide<n>.xml with notes pages notesSlide<n>.xml, then the pictures: the files of `media`
    ({part name: file}). Pictures are stored, XML is deflated. `prs` must have no slides left.
    """
    package, pres = prs.part.package, prs.part
    notes_master = str(package.presentation_part.notes_master_part.partname)
    first = 1 + max((int(r[3:]) for r in pres.rels if r[3:].isdigit()), default=0)
    for n in range(1, len(slides) + 1):
        sld_id = etree.SubElement(prs.slides._sldIdLst, qn("p:sldId"), {"id": str(255 + n)})
        sld_id.set(qn("r:id"), f"rId{first + n - 1}")
    extra = "".join(f'<Relationship Id="rId{first + n - 1}" Type="{RT.SLIDE}" Target="slides/slide{n}.xml"/>'
                    for n in range(1, len(slides) + 1)).encode()
    parts = list(package.iter_parts())
    typed: list[Any] = [*parts, *(_Typed(f"/ppt/slides/slide{n}.xml", CT.PML_SLIDE)
                                  for n in range(1, len(slides) + 1))]
    typed += [_Typed(f"/ppt/notesSlides/notesSlide{n}.xml", CT.PML_NOTES_SLIDE)
              for n, s in enumerate(slides, 1) if s.notes is not None]
    typed += [_Typed(name, IMAGE_TYPES[name.rpartition(".")[2].lower()]) for name in media]
    yield CONTENT_TYPES_URI.membername, content_types_xml(typed), True
    yield PACKAGE_URI.rels_uri.membername, package._rels.xml, True
    for part in parts:
        yield part.partname.membername, part.blob, not isinstance(part, ImagePart)
        if part is pres:
            rels = part.rels.xml
            yield part.partname.rels_uri.membername, rels.replace(b"</Relationships>", extra + b"</Relationships>"), \
                True
        elif part._rels:
            yield part.partname.rels_uri.membername, part.rels.xml, True
    yield from _slide_members(slides, notes_master)
    for name, path in media.items():
        yield name[1:], path, False


@cache
def _relative(partname: str, base: str) -> str:
    """Return the reference to part `partname` from a part in the folder `base`."""
    return PackURI(partname).relative_ref(base)


def _slide_members(slides: Sequence[SlideXml], notes_master: str) -> Iterator[Member]:
    """Yield each slide, its relationships, its notes page and the notes page's relationships."""
    for n, s in enumerate(slides, 1):
        targets = [(RT.SLIDE_LAYOUT, _relative(s.layout, "/ppt/slides")),
                   *((RT.IMAGE, f"../media/{name.rpartition('/')[2]}") for name in s.images)]
        if s.notes is not None:
            targets.append((RT.NOTES_SLIDE, f"../notesSlides/notesSlide{n}.xml"))
        yield f"ppt/slides/slide{n}.xml", s.xml, True
        yield f"ppt/slides/_rels/slide{n}.xml.rels", rels_xml(targets), True
        if s.notes is not None:
            yield f"ppt/notesSlides/notesSlide{n}.xml", s.notes, True
            yield f"ppt/notesSlides/_rels/notesSlide{n}.xml.rels", rels_xml(
                [(RT.NOTES_MASTER, _relative(notes_master, "/ppt/notesSlides")),
                 (RT.SLIDE, f"../slides/slide{n}.xml")]), True
