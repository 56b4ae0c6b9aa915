"""Every use of python-pptx's private API, behind one fence, so that a python-pptx upgrade breaks one module.

python-pptx's public conveniences (add_slide, add_picture, notes_slide, save) walk the whole package on
every call, which made a 1,000-term deck quadratic (≈ 20 s), stamp zip members with the current time and
keep every picture in memory. The slides target therefore builds parts itself. Each assumption made here
about python-pptx 1.0.2 (pinned exactly in pyproject.toml) has a test in tests/test_pptx_fast.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.oxml import serialize_part_xml
from pptx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
from pptx.opc.serialized import _ContentTypesItem
from pptx.oxml.ns import qn
from pptx.oxml.slide import CT_NotesSlide
from pptx.parts.image import Image, ImagePart
from pptx.parts.slide import NotesSlidePart, SlidePart


def sp_tree(slide: Any) -> Any:
    """Return the `p:spTree` element of a slide (its shapes)."""
    return slide.shapes._spTree


def tx_body(shape: Any) -> Any:
    """Return the `p:txBody` element of a shape with a text frame."""
    return shape.text_frame._txBody


def new_slide(prs: Any, layout: Any, number: int) -> Any:
    """Return a new, empty slide on `layout` named `slide<number>.xml` and appended to the deck.

    add_slide finds a free part name and relationship id by scanning the package: quadratic.
    """
    part = SlidePart.new(PackURI(f"/ppt/slides/slide{number}.xml"), prs.part.package,  # type: ignore[no-untyped-call]
                         layout.part)
    rid = prs.part.rels._add_relationship(RT.SLIDE, part)
    sld_id = etree.SubElement(prs.slides._sldIdLst, qn("p:sldId"), {"id": str(255 + number)})
    sld_id.set(qn("r:id"), rid)
    return part.slide


def drop_slides(prs: Any) -> None:
    """Remove every slide a template carries (python-pptx has no public way to delete a slide)."""
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)


def notes_prototype(package: Any) -> Any:
    """Return an empty `p:notes` element with the notes master's placeholders, to copy for every slide."""
    master = package.presentation_part.notes_master_part
    page = CT_NotesSlide.new()
    NotesSlidePart(PackURI("/ppt/notesSlides/prototype.xml"), CT.PML_NOTES_SLIDE, package,
                   page).notes_slide.clone_master_placeholders(master.notes_master)
    return page


def add_notes_part(slide: Any, number: int, element: Any) -> None:
    """Attach `element` (a `p:notes` copy) to `slide` as its notes page `notesSlide<number>.xml`.

    slide.notes_slide names the part by walking the package: quadratic.
    """
    package = slide.part.package
    master = package.presentation_part.notes_master_part
    part = NotesSlidePart(PackURI(f"/ppt/notesSlides/notesSlide{number}.xml"), CT.PML_NOTES_SLIDE, package,
                          element)
    part.relate_to(master, RT.NOTES_MASTER)
    part.relate_to(slide.part, RT.SLIDE)
    slide.part.relate_to(part, RT.NOTES_SLIDE)


class FileImagePart(ImagePart):
    """An image part that reads its bytes from the figure file only when the package is written.

    python-pptx keeps every picture's bytes in memory until it saves; with 1,000 figures that is
    the largest part of the process's memory.
    """

    def __init__(self, partname: PackURI, content_type: str, package: Any, path: Path, sha1: str) -> None:
        super().__init__(partname, content_type, package, b"", path.name)
        self._path, self._sha1 = path, sha1

    @property  # type: ignore[misc]  # read-only on purpose: the bytes live in the file
    def blob(self) -> bytes:
        """Return the picture file's bytes."""
        return self._path.read_bytes()

    @property
    def sha1(self) -> str:
        """Return the SHA1 of the picture (python-pptx uses it to find duplicates)."""
        return self._sha1


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
                self.by_sha[sha] = FileImagePart(name, image.content_type, self.package, path, sha)
            self.by_path[path] = self.by_sha[sha]
        return self.by_path[path]


def members(prs: Any) -> Iterator[tuple[str, bytes, bool]]:
    """Yield the package's zip members as python-pptx's writer would: (name, bytes, deflate?).

    python-pptx's own `save` stamps every member with the current time and deflates pictures;
    pictures are stored, XML is deflated.
    """
    package = prs.part.package
    parts = list(package.iter_parts())
    yield CONTENT_TYPES_URI.membername, serialize_part_xml(_ContentTypesItem.xml_for(parts)), True
    yield PACKAGE_URI.rels_uri.membername, package._rels.xml, True
    for part in parts:
        yield part.partname.membername, part.blob, not isinstance(part, ImagePart)
        if part._rels:
            yield part.partname.rels_uri.membername, part.rels.xml, True
