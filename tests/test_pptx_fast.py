"""One test per assumption dlexport/targets/_pptx_fast.py makes about python-pptx's private API."""

from __future__ import annotations

import copy
import importlib.metadata
import zipfile
from datetime import datetime
from pathlib import Path

from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

from dlexport.files import write_zip
from dlexport.targets import _pptx_fast as fast

_CORE = fast.package_of(Presentation()).core_xml(["제목", "", "저자", "저자", "k", "c", "ko-KR", "1"],
                                                  datetime(2023, 11, 14, 22, 13, 20))


def _png(path: Path, colour: str) -> Path:
    Image.new("RGB", (40, 30), colour).save(path)
    return path


def test_python_pptx_is_the_pinned_version() -> None:
    assert importlib.metadata.version("python-pptx") == "1.0.2"


def test_sp_tree_and_tx_body_are_the_slide_and_shape_elements() -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    assert fast.sp_tree(slide).tag == qn("p:spTree")
    assert fast.tx_body(slide.shapes.title).tag == qn("p:txBody")


def test_a_scratch_slide_has_the_layouts_placeholders_and_is_never_written(tmp_path: Path) -> None:
    prs = Presentation()
    slide = fast.scratch_slide(prs, prs.slide_layouts[1])
    slide.shapes.clone_layout_placeholders(prs.slide_layouts[1])
    assert slide.element.tag == qn("p:sld") and len(fast.sp_tree(slide).findall(qn("p:sp"))) == 2
    prs.save(str(tmp_path / "s.pptx"))
    with zipfile.ZipFile(tmp_path / "s.pptx") as z:
        assert not [n for n in z.namelist() if n.startswith("ppt/slides/")]


def test_drop_slides_removes_a_templates_slides(tmp_path: Path) -> None:
    prs = Presentation()
    for _ in range(2):
        prs.slides.add_slide(prs.slide_layouts[0])
    prs.save(str(tmp_path / "t.pptx"))
    template = Presentation(str(tmp_path / "t.pptx"))
    fast.drop_slides(template)
    assert len(template.slides) == 0
    write_zip(tmp_path / "u.pptx", fast.deck_members(fast.package_of(template), _CORE, [], {}), 1700000000)
    assert len(Presentation(str(tmp_path / "u.pptx")).slides) == 0
    with zipfile.ZipFile(tmp_path / "u.pptx") as z:  # the dropped slides' parts are not written either
        assert not [n for n in z.namelist() if n.startswith("ppt/slides/")]


def _deck(tmp_path: Path) -> tuple[Path, list[bytes]]:
    """Write a two-slide deck with deck_members: titles, a picture shared by both, a notes page on the first."""
    prs = Presentation()
    layout = prs.slide_layouts[5]
    notes = fast.notes_prototype(prs.part.package)
    made = []
    for n in (1, 2):
        slide = fast.scratch_slide(prs, layout)
        slide.shapes.clone_layout_placeholders(layout)
        slide.shapes.title.text = f"제목 {n}"
        fast.sp_tree(slide).add_pic(9, "Picture 8", "", "rId2", Emu(0), Emu(0), Emu(400000), Emu(300000))
        page = copy.deepcopy(notes)
        body = next(sp for sp in page.iter(qn("p:sp")) if sp.find(f".//{qn('p:ph')}[@type='body']") is not None)
        run = etree.Element(qn("a:r"))
        etree.SubElement(run, qn("a:t")).text = f"제목 {n}"
        body.find(f".//{qn('a:p')}").insert(0, run)
        made.append(fast.SlideXml(fast.serialize(slide.element), fast.layout_partname(layout),
                                  ("/ppt/media/image-abc.png",), fast.serialize(page) if n == 1 else None))
    picture = _png(tmp_path / "p.png", "red")
    out = tmp_path / "deck.pptx"
    package = fast.package_of(prs)
    write_zip(out, fast.deck_members(package, _CORE, made, {"/ppt/media/image-abc.png": picture}), 1700000000)
    return out, [picture.read_bytes()]


def test_deck_members_write_a_package_python_pptx_reads_back(tmp_path: Path) -> None:
    out, (png,) = _deck(tmp_path)
    again = Presentation(str(out))
    assert [s.shapes.title.text for s in again.slides] == ["제목 1", "제목 2"]
    assert [s.part.partname for s in again.slides] == ["/ppt/slides/slide1.xml", "/ppt/slides/slide2.xml"]
    assert [s.has_notes_slide for s in again.slides] == [True, False]
    notes = again.slides[0].notes_slide
    assert notes.part.partname == "/ppt/notesSlides/notesSlide1.xml" and notes.notes_text_frame.text == "제목 1"
    pictures = [sh for s in again.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) == 2 and all(p.image.blob == png for p in pictures)
    assert pictures[0].image.content_type == "image/png"
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert names.count("ppt/media/image-abc.png") == 1 and len(names) == len(set(names))
        assert z.getinfo("ppt/media/image-abc.png").compress_type == zipfile.ZIP_STORED
        assert z.getinfo("ppt/slides/slide1.xml").compress_type == zipfile.ZIP_DEFLATED
    saved = tmp_path / "saved.pptx"
    again.save(str(saved))  # python-pptx can also write what it read
    assert len(Presentation(str(saved)).slides) == 2
    with zipfile.ZipFile(out) as ours, zipfile.ZipFile(saved) as theirs:  # the content types, as python-pptx's
        assert ours.read("[Content_Types].xml") == theirs.read("[Content_Types].xml")
        assert b'<Default Extension="png"' in ours.read("[Content_Types].xml")


def test_rels_xml_is_what_python_pptx_parses() -> None:
    from pptx.oxml import parse_xml

    xml = fast.rels_xml([("http://t/a", "../x/a&b.xml"), ("http://t/b", "b.xml")])
    rels = parse_xml(xml.split(b"\n", 1)[1])
    assert [(r.rId, r.reltype, r.target_ref) for r in rels.relationship_lst] == \
        [("rId1", "http://t/a", "../x/a&b.xml"), ("rId2", "http://t/b", "b.xml")]


def test_constants_are_python_pptx_constants() -> None:
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    assert fast.IMAGE_TYPES == {"png": CT.PNG, "jpg": CT.JPEG, "jpeg": CT.JPEG, "gif": CT.GIF}
    assert (fast.SLIDE_TYPE, fast.NOTES_TYPE) == (CT.PML_SLIDE, CT.PML_NOTES_SLIDE)
    assert (fast.RELS_TYPE, fast.XML_TYPE) == (CT.OPC_RELATIONSHIPS, CT.XML)
    assert (fast.RT_SLIDE, fast.RT_LAYOUT, fast.RT_IMAGE, fast.RT_NOTES, fast.RT_NOTES_MASTER) == \
        (RT.SLIDE, RT.SLIDE_LAYOUT, RT.IMAGE, RT.NOTES_SLIDE, RT.NOTES_MASTER)


def test_the_package_writes_the_slide_ids_and_core_properties_python_pptx_writes() -> None:
    prs = Presentation()
    package = fast.package_of(prs)
    when = datetime(2023, 11, 14, 22, 13, 20)
    texts = ["제목 & <b>", "부제", "저자", "저자", "k", "c", "ko-KR", "1.0"]
    for name, text in zip(fast.CORE, texts, strict=True):
        setattr(prs.core_properties, name, text)
    prs.core_properties.created = prs.core_properties.modified = prs.core_properties.last_printed = when
    assert package.core_xml(texts, when) == prs.core_properties.blob
    pres = etree.fromstring(prs.part.blob)  # the slide ids as the old deck_members added them, with lxml
    for n in (1, 2):
        sld_id = etree.SubElement(pres.find(qn("p:sldIdLst")), qn("p:sldId"), {"id": str(255 + n)})
        sld_id.set(qn("r:id"), f"rId{package.presentation_rels[2] + n - 1}")
    slides = [fast.SlideXml(b"", "/ppt/slideLayouts/slideLayout1.xml", ())] * 2
    members = {name: data for name, data, _ in fast.deck_members(package, b"", slides, {})}
    assert members["ppt/presentation.xml"] == etree.tostring(pres, encoding="UTF-8", standalone=True)
    assert fast._relative("/ppt/slideLayouts/slideLayout1.xml", "/ppt/slides") == "../slideLayouts/slideLayout1.xml"


def test_the_namespaces_spelled_out_are_python_pptx_s() -> None:
    from pptx.oxml.ns import qn as pptx_qn

    from dlexport.targets._pptx_fast import NS, qn

    for prefix in NS:
        assert qn(f"{prefix}:sp") == pptx_qn(f"{prefix}:sp")
