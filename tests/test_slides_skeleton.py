"""A slide made from its shape's skeleton holds exactly the bytes of its element tree built the slow way."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pptx.util import Emu

from dlexport.memo import Memo
from dlexport.model import Asset, Assets, Glossary, Settings
from dlexport.targets import slide_plan, slide_template, slides
from dlexport.targets.slide_skeleton import Skeleton, attribute, sentinel

TRICKY = 'a "quoted" <tag> & \'apostrophe\'\tTab\nnew line\r 한글 — ✓ 𝑥'


def hashed_assets(glossary: Glossary) -> Assets:
    """Return stand-in assets named as figure files are (a hash in the name), of several sizes."""
    figures = {f.id: Asset(Path("figures") / f"{f.id}-{i:010x}.png", 1200, 800 + 50 * (i % 3), f.alt, f.caption)
               for i, f in enumerate(glossary.figures())}
    latex = sorted({f.latex for t in glossary.terms for f in t.formulas})
    formulas = {x: Asset(Path("figures") / f"formula-{i + 4096:010x}.png", 400, 80, x, "") for i, x in enumerate(latex)}
    return Assets(figures, formulas)


@pytest.fixture(scope="module")
def writer() -> slides.Writer:
    design, prs = slides.design_of(None)
    return slides.Writer(design, "용어집 & <제목>", None, prs)


def test_every_slide_of_the_fixture_deck_is_its_tree(glossary: Glossary, writer: slides.Writer) -> None:
    plans = slide_plan.slide_plan(glossary, hashed_assets(glossary), 1700000000, writer.geo)
    assert {p.layout for p in plans} >= {"cover", "content", "two", "title_only", "section"}
    for plan in plans:
        assert writer.make(plan) == writer.make_tree(plan), plan.title


def test_tricky_texts_and_repeated_pictures_are_escaped_as_lxml_does(glossary: Glossary,
                                                                      writer: slides.Writer) -> None:
    plans = slide_plan.slide_plan(glossary, hashed_assets(glossary), 1700000000, writer.geo)
    pictured = next(p for p in plans if len(p.pictures) >= 1 and p.boxes)
    pic = dataclasses.replace(pictured.pictures[0], descr=TRICKY)
    for plan in (dataclasses.replace(pictured, title=TRICKY, pictures=(pic, pic), notes=TRICKY),
                 dataclasses.replace(pictured, boxes=(dataclasses.replace(pictured.boxes[0], paras=()),)),
                 dataclasses.replace(plans[0], title=TRICKY, body=(slide_plan.Para(TRICKY, 20),))):
        assert writer.make(plan) == writer.make_tree(plan)


def test_attribute_escapes_as_libxml2() -> None:
    el = etree.Element("e", v=TRICKY)
    assert etree.tostring(el, encoding="UTF-8") == b'<e v="' + attribute(TRICKY) + b'"/>'
    with pytest.raises(ValueError):
        attribute("bell \x07")


def test_a_skeleton_is_refused_when_a_sentinel_is_missing_or_repeated() -> None:
    n = str(sentinel(0)).encode()
    assert Skeleton.of(b'<a x="' + n + b'"/>', 1, 0, 0) == Skeleton((b'<a x="', b'"/>'), (0,))
    assert Skeleton.of(b'<a x="' + n + b'" y="' + n + b'"/>', 1, 0, 0) is None
    assert Skeleton.of(b"<a/>", 1, 0, 0) is None


def test_kept_terms_skip_the_overlap_check_only_under_the_geometry_they_were_checked_in(
        glossary: Glossary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[set[str]] = []
    check = slide_plan.check

    def spy(plans: Any, geo: Any, checked: Any = ()) -> None:
        seen.append(set(checked))
        check(plans, geo, checked)

    monkeypatch.setattr(slide_plan, "check", spy)
    assets, path = hashed_assets(glossary), tmp_path / "memo.pickle"
    wide = tmp_path / "wide.pptx"
    prs = slide_template.open_template(None)
    body = prs.slide_layouts[1].placeholders[1]
    x, y, w, h = body.left, body.top, body.width, body.height  # inherited from the master: set all four
    body.left, body.top, body.width, body.height = x, y, Emu(w - 91440), h
    prs.save(str(wide))
    for template, kept in ((None, set()), (None, {t.id for t in glossary.terms}), (wide, set()), (wide, None)):
        memo = Memo(path, "test")
        settings = Settings(1700000000, {"template": template} if template else {})
        _, _, made, _ = slides.render(glossary, assets, settings, memo)
        memo.save()
        assert seen.pop() == (kept if kept is not None else {t.id for t in glossary.terms})
        assert made
    with pytest.raises(slide_plan.OverlapError):  # a kept term is still checked when asked to
        slide_plan.check(slide_plan.slide_plan(glossary, assets, 0, dataclasses.replace(
            slide_plan.DEFAULT_GEOMETRY, footer=(0, 0, 12192000, 6858000))), slide_plan.DEFAULT_GEOMETRY)
