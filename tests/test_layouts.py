"""A kind's slide and phone layouts (diagrams.Kind.layouts): legible where they are shown, nothing drawn over."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlexport import diagrams, legibility
from dlexport.model import Asset, Placed
from dlexport.render import render_image
from dlexport.targets import slide_plan

LAID_OUT = [(name, layout) for name, kind in sorted(diagrams.KINDS.items()) for layout in kind.layouts]


def test_slide_area_is_where_the_default_deck_shows_a_figure() -> None:
    for width, height in ((2400, 600), (1000, 1000)):
        asset = Asset(Path("x.png"), width, height, "", "그림 설명 한 줄")
        picture, _ = slide_plan.place_figure(asset, slide_plan.DEFAULT_GEOMETRY.body)
        assert picture.rect[2] / slide_plan.EMU_PER_INCH == pytest.approx(legibility.slide_width(asset), abs=0.01)


def test_every_layout_is_a_known_place() -> None:
    assert {layout for _, layout in LAID_OUT} <= set(legibility.LAYOUTS) - {"card"}


def test_overlaps_finds_texts_drawn_over_each_other() -> None:
    a, b, c = Placed("a", 12, (0, 0, 50, 20)), Placed("b", 12, (40, 10, 90, 30)), Placed("c", 12, (50, 0, 60, 20))
    assert legibility.overlaps((a, b)) == [("a", "b")]
    assert legibility.overlaps((a, c)) == []  # touching is not overlapping


@pytest.mark.parametrize(("name", "layout"), LAID_OUT)
def test_a_layout_is_legible_where_it_is_shown(name: str, layout: str) -> None:
    kind = diagrams.KINDS[name]
    image = render_image(name, diagrams.arguments(kind, dict(kind.defaults), Path("sources")), layout=layout)
    asset = Asset(Path("x.png"), image.width, image.height, "", "", image.texts)
    assert legibility.problem(asset, layout) == ""
    assert legibility.overlaps(image.texts) == []
    assert {t.label for t in image.texts if t.label} <= set(kind.labels)  # the card's names: a quiz hides them
