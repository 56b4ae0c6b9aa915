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
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from dlexport.files import Member
from dlexport.targets.slide_skeleton import Skeleton, descr_sentinel, escaped

# python-pptx's constants, spelled out so that writing a deck imports no python-pptx (tests/test_pptx_fast.py)
PNG, JPEG, GIF = "image/png", "image/jpeg", "image/gif"
IMAGE_TYPES = {"png": PNG, "jpg": JPEG, "jpeg": JPEG, "gif": GIF}
_PML = "application/vnd.openxmlformats-officedocument.presentationml"
SLIDE_TYPE, NOTES_TYPE = f"{_PML}.slide+xml", f"{_PML}.notesSlide+xml"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_SLIDE, RT_LAYOUT, RT_IMAGE = f"{_RT}/slide", f"{_RT}/slideLayout", f"{_RT}/image"
RT_NOTES, RT_NOTES_MASTER = f"{_RT}/notesSlide", f"{_RT}/notesMaster"
RELS_TYPE, XML_TYPE = "application/vnd.openxmlformats-package.relationships+xml", "application/xml"
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_SENTINEL = "987650000000"  # a slide id no template holds (checked)
_DATE = datetime(1987, 6, 5, 4, 3, 2)  # a date no template holds (checked)
CORE = ("title", "subject", "author", "last_modified_by", "keywords", "comments", "language", "version")


@cache
def qn(tag: str) -> str:
    """Return "a:p" as "{namespace}p" (python-pptx's `qn`, without importing python-pptx)."""
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


def sub_element(parent: Any, tag: str, **attrs: object) -> Any:
    """Append a new `tag` element (with attributes) to `parent` and return it."""
    from lxml import etree

    return etree.SubElement(parent, qn(tag), {k: str(v) for k, v in attrs.items()})


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
    from pptx.opc.packuri import PackURI
    from pptx.parts.slide import SlidePart

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
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.opc.packuri import PackURI
    from pptx.oxml.slide import CT_NotesSlide
    from pptx.parts.slide import NotesSlidePart

    master = package.presentation_part.notes_master_part
    page = CT_NotesSlide.new()
    NotesSlidePart(PackURI("/ppt/notesSlides/prototype.xml"), CT.PML_NOTES_SLIDE, package,
                   page).notes_slide.clone_master_placeholders(master.notes_master)
    return page


def serialize(element: Any) -> bytes:
    """Return a part's XML as python-pptx writes it (UTF-8, with a standalone declaration)."""
    from pptx.opc.oxml import serialize_part_xml

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
    if _PLAIN.issuperset(value):
        return f'"{value}"'
    from xml.sax.saxutils import quoteattr  # not at the top: it imports urllib.request (≈ 40 ms a build)

    return quoteattr(value)


def rels_xml(targets: Iterable[tuple[str, str]]) -> bytes:
    """Return a .rels member relating (type, relative target) pairs as rId1, rId2, … in order."""
    body = "".join(f'<Relationship Id="rId{i}" Type={_attr(kind)} Target={_attr(target)}/>'
                   for i, (kind, target) in enumerate(targets, 1))
    return f'{_DECLARATION}<Relationships xmlns="{_RELS_NS}">{body}</Relationships>'.encode()


def content_types_xml(parts: Iterable[tuple[str, str]], default_types: frozenset[tuple[str, str]]) -> bytes:
    """Return the `[Content_Types].xml` member of `parts` ((part name, content type) pairs), byte for byte what
    python-pptx's `_ContentTypesItem` writes (tests/test_pptx_fast.py), without its element objects: they cost
    ≈ 0.2 s for a 1,000-term deck's 3,600 slide and notes parts.

    A part whose extension and type are a default pair (`default_types`, python-pptx's) is covered by a
    `Default`, any other gets an `Override`; both sorted, extensions compared in lower case."""
    defaults = {"rels": RELS_TYPE, "xml": XML_TYPE}
    overrides: dict[str, str] = {}
    for name, kind in parts:
        lower = posixpath.splitext(name)[1][1:].lower()  # as PackURI.ext
        if (lower, kind) in default_types:
            defaults[lower] = kind
        else:
            overrides[name] = kind
    body = "".join(f"<Default Extension={_attr(ext)} ContentType={_attr(kind)}/>"
                   for ext, kind in sorted(defaults.items()))
    body += "".join(f"<Override PartName={_attr(name)} ContentType={_attr(kind)}/>"
                    for name, kind in sorted(overrides.items()))
    return f'{_DECLARATION}<Types xmlns="{_TYPES_NS}">{body}</Types>'.encode()


@dataclass(frozen=True)
class Package:
    """A template's package as bytes: all `deck_members` writes around the slides, kept between builds so that
    a build whose slides come from the memo needs no python-pptx (`package_of` makes it).

    `members`: the package's relationships, then each part and its relationships, in python-pptx's order;
    the presentation part and its relationships are written from `presentation`, `slide_id`, `presentation_rels`,
    the core properties from `core` (texts, then the dates)."""

    members: tuple[Member, ...]
    types: tuple[tuple[str, str], ...]  # (part name, content type) of each template part
    default_types: frozenset[tuple[str, str]]
    presentation: tuple[str, bytes, bytes, bytes]  # member name; the XML before, after its slide ids; with none
    slide_id: tuple[bytes, bytes, bytes]  # one `p:sldId` around its id and its relationship's number
    presentation_rels: tuple[str, bytes, int]  # member name, XML, the first slide's relationship number
    core: tuple[str, Skeleton]  # member name and XML with slots
    notes_master: str  # the notes master's part name

    def core_xml(self, texts: Sequence[str], when: datetime) -> bytes:
        """Return the core properties part holding `texts` (in `CORE` order) and the date `when`."""
        if any(len(t) > 255 for t in texts):
            raise ValueError(f"a core property longer than 255 characters: {max(texts, key=len)[:80]}…")
        date = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        return self.core[1].fill([*(escaped(t) for t in texts), date, date, date])


def package_of(prs: Any) -> Package:
    """Return the package of `prs` (a template without slides, its notes master in place) as `Package`.

    Sets the core properties to sentinels (`core_xml` fills them in) and adds one slide id to find the
    presentation part's bytes around the slide ids; both are taken out again."""
    from lxml import etree
    from pptx.opc.packuri import PACKAGE_URI
    from pptx.opc.spec import default_content_types
    from pptx.parts.image import ImagePart

    package, pres = prs.part.package, prs.part
    props = prs.core_properties
    for k, name in enumerate(CORE):
        setattr(props, name, descr_sentinel(k))
    props.category, props.revision = "", 1
    props.created = props.modified = props.last_printed = _DATE
    core_part = props  # python-pptx's core properties are their part
    lst = prs.slides._sldIdLst
    empty = pres.blob
    sld_id = etree.SubElement(lst, qn("p:sldId"), {"id": _SENTINEL})  # as python-pptx would add it
    sld_id.set(qn("r:id"), f"rId{_SENTINEL}")
    xml = pres.blob
    lst.remove(sld_id)
    one = re.search(rb"<[^<>]*" + _SENTINEL.encode() + rb"[^<>]*/>", xml)
    date = _DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    core = Skeleton.of(core_part.blob.replace(date, b"\xee\x80\x82" + str(len(CORE)).encode() + b"\xee\x80\x82", 1)
                       .replace(date, b"\xee\x80\x82" + str(len(CORE) + 1).encode() + b"\xee\x80\x82", 1)
                       .replace(date, b"\xee\x80\x82" + str(len(CORE) + 2).encode() + b"\xee\x80\x82", 1),
                       0, len(CORE) + 3, 0)
    pieces = one[0].split(_SENTINEL.encode()) if one else []
    if core is None or one is None or len(pieces) != 3 or xml.count(_SENTINEL.encode()) != 2:
        raise RuntimeError("python-pptx wrote the core properties or the slide ids in an unexpected way")
    rels = pres.partname.rels_uri.membername
    members: list[Member] = [(PACKAGE_URI.rels_uri.membername, package._rels.xml, True)]
    for part in package.iter_parts():
        members.append((part.partname.membername, b"" if part in (pres, core_part) else part.blob,
                        not isinstance(part, ImagePart)))
        if part._rels:
            members.append((part.partname.rels_uri.membername, b"" if part is pres else part.rels.xml, True))
    first = 1 + max((int(r[3:]) for r in pres.rels if r[3:].isdigit()), default=0)
    return Package(tuple(members), tuple((str(p.partname), p.content_type) for p in package.iter_parts()),
                   frozenset(default_content_types), (pres.partname.membername, xml[:one.start()], xml[one.end():],
                                                      empty),
                   (pieces[0], pieces[1], pieces[2]), (rels, pres.rels.xml, first),
                   (core_part.partname.membername, core), str(package.presentation_part.notes_master_part.partname))


def deck_members(package: Package, core: bytes, slides: Sequence[SlideXml], media: Mapping[str, Path]) \
        -> Iterator[Member]:
    """Yield the deck's zip members (name, bytes or file, deflate?): the template's parts (`package`) with the
    core properties part `core`, then `slides` as /ppt/slides/slide<n>.xml with notes pages notesSlide<n>.xml,
    then the pictures: the files of `media` ({part name: file}). Pictures are stored, XML is deflated.
    """
    name, head, tail, empty = package.presentation
    before, between, after = package.slide_id
    rels_name, rels, first = package.presentation_rels
    numbers = range(1, len(slides) + 1)
    filled = {
        name: head + b"".join(before + str(255 + n).encode() + between + str(first + n - 1).encode() + after
                              for n in numbers) + tail if slides else empty,
        rels_name: rels.replace(b"</Relationships>", "".join(
            f'<Relationship Id="rId{first + n - 1}" Type="{RT_SLIDE}" Target="slides/slide{n}.xml"/>'
            for n in numbers).encode() + b"</Relationships>"),
        package.core[0]: core,
    }
    typed = [*package.types, *((f"/ppt/slides/slide{n}.xml", SLIDE_TYPE) for n in numbers)]
    typed += [(f"/ppt/notesSlides/notesSlide{n}.xml", NOTES_TYPE)
              for n, s in enumerate(slides, 1) if s.notes is not None]
    typed += [(name, IMAGE_TYPES[name.rpartition(".")[2].lower()]) for name in media]
    yield "[Content_Types].xml", content_types_xml(typed, package.default_types), True
    for member, data, deflate in package.members:
        yield member, filled.get(member, data), deflate
    yield from _slide_members(slides, package.notes_master)
    for name, path in media.items():
        yield name[1:], path, False


@cache
def _relative(partname: str, base: str) -> str:
    """Return the reference to part `partname` from a part in the folder `base`."""
    return partname[1:] if base == "/" else posixpath.relpath(partname, base)  # as PackURI.relative_ref


def _slide_members(slides: Sequence[SlideXml], notes_master: str) -> Iterator[Member]:
    """Yield each slide, its relationships, its notes page and the notes page's relationships."""
    for n, s in enumerate(slides, 1):
        targets = [(RT_LAYOUT, _relative(s.layout, "/ppt/slides")),
                   *((RT_IMAGE, f"../media/{name.rpartition('/')[2]}") for name in s.images)]
        if s.notes is not None:
            targets.append((RT_NOTES, f"../notesSlides/notesSlide{n}.xml"))
        yield f"ppt/slides/slide{n}.xml", s.xml, True
        yield f"ppt/slides/_rels/slide{n}.xml.rels", rels_xml(targets), True
        if s.notes is not None:
            yield f"ppt/notesSlides/notesSlide{n}.xml", s.notes, True
            yield f"ppt/notesSlides/_rels/notesSlide{n}.xml.rels", rels_xml(
                [(RT_NOTES_MASTER, _relative(notes_master, "/ppt/notesSlides")),
                 (RT_SLIDE, f"../slides/slide{n}.xml")]), True
