"""One test per assumption dlexport/targets/_pptx_fast.py makes about python-pptx's private API."""

from __future__ import annotations

import copy
import importlib.metadata
import zipfile
from pathlib import Path

from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

from dlexport.files import write_zip
from dlexport.targets import _pptx_fast as fast


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


def test_new_slides_are_in_order_named_by_number_and_survive_a_reopen(tmp_path: Path) -> None:
    prs = Presentation()
    for number in (1, 2, 3):
        slide = fast.new_slide(prs, prs.slide_layouts[5], number)
        slide.shapes.clone_layout_placeholders(prs.slide_layouts[5])
        slide.shapes.title.text = f"제목 {number}"
    assert [s.part.partname for s in prs.slides] == [f"/ppt/slides/slide{n}.xml" for n in (1, 2, 3)]
    prs.save(str(tmp_path / "d.pptx"))
    again = Presentation(str(tmp_path / "d.pptx"))
    assert [s.shapes.title.text for s in again.slides] == ["제목 1", "제목 2", "제목 3"]


def test_drop_slides_removes_a_templates_slides(tmp_path: Path) -> None:
    prs = Presentation()
    for _ in range(2):
        prs.slides.add_slide(prs.slide_layouts[0])
    prs.save(str(tmp_path / "t.pptx"))
    template = Presentation(str(tmp_path / "t.pptx"))
    fast.drop_slides(template)
    assert len(template.slides) == 0
    fast.new_slide(template, template.slide_layouts[6], 1)
    template.save(str(tmp_path / "u.pptx"))
    assert len(Presentation(str(tmp_path / "u.pptx")).slides) == 1


def test_a_notes_part_is_what_python_pptx_reads_as_the_slides_notes(tmp_path: Path) -> None:
    prs = Presentation()
    slide = fast.new_slide(prs, prs.slide_layouts[6], 1)
    page = copy.deepcopy(fast.notes_prototype(prs.part.package))
    assert any(sp.find(f".//{qn('p:ph')}[@type='body']") is not None for sp in page.iter(qn("p:sp")))
    fast.add_notes_part(slide, 1, page)
    slide.notes_slide.notes_text_frame.text = "발표자 노트"
    prs.save(str(tmp_path / "n.pptx"))
    again = Presentation(str(tmp_path / "n.pptx")).slides[0]
    assert again.has_notes_slide and again.notes_slide.notes_text_frame.text == "발표자 노트"
    assert again.notes_slide.part.partname == "/ppt/notesSlides/notesSlide1.xml"


def test_image_parts_are_shared_by_content_and_read_from_the_file_when_written(tmp_path: Path) -> None:
    prs = Presentation()
    images = fast.Images(prs)
    a = images.part(_png(tmp_path / "a.png", "red"))
    same = images.part(_png(tmp_path / "b.png", "red"))
    other = images.part(_png(tmp_path / "c.png", "blue"))
    assert a is same and a is not other
    _png(tmp_path / "a.png", "green")  # the bytes are read when the package is written, not before
    assert a.blob == (tmp_path / "a.png").read_bytes()


def test_members_write_the_same_package_python_pptx_would(tmp_path: Path) -> None:
    prs = Presentation()
    images = fast.Images(prs)
    slide = fast.new_slide(prs, prs.slide_layouts[6], 1)
    rid = slide.part.relate_to(images.part(_png(tmp_path / "p.png", "red")), "http://schemas.openxmlformats.org/"
                               "officeDocument/2006/relationships/image")
    fast.sp_tree(slide).add_pic(2, "Picture 1", "", rid, Emu(0), Emu(0), Emu(400000), Emu(300000))
    ours, theirs = tmp_path / "ours.pptx", tmp_path / "theirs.pptx"
    write_zip(ours, fast.members(prs), 1700000000)
    prs.save(str(theirs))
    with zipfile.ZipFile(ours) as z, zipfile.ZipFile(theirs) as t:
        assert sorted(z.namelist()) == sorted(t.namelist())
        for name in t.namelist():
            assert z.read(name) == t.read(name), name
        assert z.getinfo("ppt/media/image1.png").compress_type == zipfile.ZIP_STORED
    reopened = Presentation(str(ours))
    assert len(reopened.slides) == 1 and reopened.slides[0].shapes[0].image.blob == (tmp_path / "p.png").read_bytes()
