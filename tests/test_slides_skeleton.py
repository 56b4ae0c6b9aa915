"""A slide made from its shape's skeleton holds exactly the bytes of its element tree built the slow way."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lxml import etree

from dlexport.model import Asset, Assets, Glossary
from dlexport.targets import slide_plan, slides
from dlexport.targets.slide_skeleton import Skeleton, attribute, sentinel

TRICKY = 'a "quoted" <tag> & \'apostrophe\'\tTab\nnew line\r 한글 — ✓ 𝑥'


def hashed_assets(glossary: Glossary) -> Assets:
    """Return stand-in assets named as figure files are (a hash in the name), of several sizes."""
    figures = {f.id: Asset(Path("figures") / f"{f.id}-{i:010x}.png", 1200 + 100 * i, 800, f.alt, f.caption)
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
