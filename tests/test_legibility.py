"""Legibility bounds: a card shows every figure's text ≥ 14 px tall and the whole figure without scrolling, and
the build names the figure that breaks this; the numbers match the card CSS and the drawing DPI."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from dlexport import cards, legibility
from dlexport.diagrams import KINDS, kind, num
from dlexport.diagrams.style import DPI
from dlexport.errors import SourceError
from dlexport.load import load
from dlexport.model import Asset, Assets, Glossary, Placed, Settings
from dlexport.render import render_assets
from dlexport.targets import anki, slide_plan

from .test_anki import edit

WORDS = kind("tests.tiny_text_kind:words", "A line of text.", size=num(11.0, 40.0))
LAID_OUT = replace(WORDS, layouts=("slide", "phone"))  # the same line, drawn as wide as a slide or a phone draws


def _asset(width: int, height: int, points: float) -> Asset:
    return Asset(Path("x.png"), width, height, "", "", (Placed("글자", points, (0, 0, 10, 10)),))


def test_letters_are_measured_at_the_size_the_card_shows_the_image() -> None:
    assert legibility.IMAGE_DPI == DPI
    # 11 pt at 200 dpi in a 1232 px image shown 760 px wide: 11/72*200*760/1232*0.75 ≈ 14.1 px
    assert legibility.card_problem(_asset(1232, 800, 11.0)) == ""
    assert "13.4 px" in legibility.card_problem(_asset(1300, 800, 11.0))  # wider: shrunk more
    tall = legibility.card_problem(_asset(1232, 1100, 11.0))  # too tall: shrunk to 560 px high
    assert "at 627×560 px" in tall and "≥ 14 px" in tall
    assert legibility.card_problem(_asset(700, 400, 5.0)) != ""  # never enlarged past its own size
    assert legibility.card_problem(Asset(Path("x.png"), 5000, 5000, "", "")) == ""  # a photo: no text


def test_the_card_css_shows_figures_at_the_bounds_the_build_checks() -> None:
    css = anki.default_css()
    rule = re.search(r"\.card img \{([^}]*)\}", css)
    assert rule and f"max-height: {legibility.CARD_HEIGHT}px" in rule[1] and "max-width: 100%" in rule[1]
    column = re.search(r"\.sheet \{ max-width: ([0-9.]+)em", css)
    size = re.search(r"\.card \{[^}]*font-size: ([0-9]+)px", css)
    assert column and size and float(column[1]) * int(size[1]) == legibility.CARD_WIDTH
    phone = css[css.index(f"@media (max-width: {legibility.PHONE_MEDIA}px)"):]
    rule = re.search(r"\.quiz-side img\.phone \{([^}]*)\}", phone)
    assert rule and f"max-width: min(100%, {legibility.PHONE_WIDTH}px)" in rule[1]
    assert f"max-height: {legibility.PHONE_HEIGHT}px" in rule[1]


def test_slide_points_scale_with_the_placed_width() -> None:
    text = Placed("글자", 11.0, (0, 0, 1, 1))
    assert legibility.slide_points(text, 1200, 6.0) == pytest.approx(11.0)  # shown at its drawn size
    assert legibility.slide_problem(_asset(1200, 800, 11.0), 18 / 11 * 6.0 + 0.01) == ""  # 18 pt needs 9.8 in
    assert "is 17.8 pt" in legibility.slide_problem(_asset(1200, 800, 11.0), 18 / 11 * 6.0 - 0.1)


def _with_words(root: Path, size: float, quiz: bool = True) -> None:
    figure = (f"  - {{id: words, kind: words, params: {{size: {size}}}, caption: 글씨, alt: 작은 글씨라고 적힌 그림"
              f"{'' if quiz else ', quiz: false'}}}\n")
    edit(root / "terms" / "30-rbm.yaml", "figures:\n", "figures:\n" + figure)


def test_a_figure_too_small_to_read_on_a_card_is_an_error_at_its_line(
        basic_copy: Path, tmp_path: Path, figure_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(KINDS, "words", WORDS)
    _with_words(basic_copy, 9.0, quiz=False)  # not on the figure → term card: no phone to show it
    with pytest.raises(SourceError) as info:
        render_assets(load(basic_copy), tmp_path, cache_dir=figure_cache, jobs=1)
    (problem,) = info.value.problems
    assert (problem.path.name, problem.line) == ("30-rbm.yaml", 17)
    assert problem.message.startswith("figure `words` is too small to read: \"작은 글씨\" (9 pt) is 12.0 px tall")
    assert "legibility.py" in problem.fix
    edit(basic_copy / "terms" / "30-rbm.yaml", "size: 9.0", "size: 12.0")
    assets, _ = render_assets(load(basic_copy), tmp_path, cache_dir=figure_cache, jobs=1)
    assert legibility.card_problem(assets.figures["words"]) == ""


def test_night_mode_dims_figures_instead_of_inverting_them() -> None:
    """Both night classes (Anki desktop's .nightMode, AnkiDroid's .night_mode) dim every card image."""
    css = anki.default_css()
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", css)
    dimmed = [sel for sel, body in rules if (m := re.search(r"filter:\s*brightness\(([0-9.]+)\)", body))
              and 0.6 <= float(m[1]) <= 0.85]
    assert len(dimmed) == 1 and ".nightMode .card img" in dimmed[0] and ".night_mode .card img" in dimmed[0]
    assert "invert(" not in css


def _problems(root: Path, cache: Path, out: Path) -> dict[tuple[str, int], str]:
    with pytest.raises(SourceError) as info:
        render_assets(load(root), out, cache_dir=cache, jobs=1)
    return {(p.path.name, p.line): p.message for p in info.value.problems}


def test_an_asked_figure_a_phone_cant_show_is_an_error_at_its_line_until_its_kind_draws_for_a_phone(
        basic_copy: Path, tmp_path: Path, figure_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """14 pt on a 6 in card drawing (cropped to its ink) is 8.9 px on a phone's 360 px; drawn 3.6 in wide for it,
    14.6 px."""
    monkeypatch.setitem(KINDS, "words", WORDS)
    _with_words(basic_copy, 14.0)
    message = _problems(basic_copy, figure_cache, tmp_path)[("30-rbm.yaml", 17)]
    assert message.startswith("figure `words` is too small to read on a phone's figure → term card: \"작은 글씨\" "
                              "(14 pt) is 8.9 px tall on a phone that shows the"), message
    monkeypatch.setitem(KINDS, "words", LAID_OUT)
    words = render_assets(load(basic_copy), tmp_path, cache_dir=figure_cache, jobs=1)[0].figures["words"]
    assert words.phone is not None and words.phone.width < words.width * 0.7  # drawn 3.6 in wide, not 6
    assert legibility.phone_problem(words.phone) == "" and legibility.phone_problem(words) != ""
    assert words.slide is not None and words.slide.width > words.width  # drawn 11.8 in wide
    edit(basic_copy / "terms" / "30-rbm.yaml", "그림}", "그림, quiz: false}")  # not asked: no phone variant
    assert render_assets(load(basic_copy), tmp_path, cache_dir=figure_cache, jobs=1)[0].figures["words"].phone is None


def test_a_figure_too_small_for_its_slide_is_an_error_at_its_line(
        basic_copy: Path, tmp_path: Path, figure_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(KINDS, "words", WORDS)
    _with_words(basic_copy, 12.0, quiz=False)
    glossary = load(basic_copy)
    assets, _ = render_assets(glossary, tmp_path, cache_dir=figure_cache, jobs=1)
    words = assets.figures["words"]
    assert words.slide is None  # 6 × 1 in: a figure slide shows it twice as large, its 12 pt texts at 24 pt
    assert legibility.slide_problem(words, slide_plan.figure_width(words)) == ""
    assert slide_plan.slide_plan(glossary, assets)
    small = replace(words, texts=tuple(replace(t, points=t.points / 2) for t in words.texts))
    with pytest.raises(SourceError) as info:
        slide_plan.slide_plan(glossary, replace(assets, figures={**assets.figures, "words": small}))
    (problem,) = info.value.problems
    assert (problem.path.name, problem.line) == ("30-rbm.yaml", 17)
    assert problem.message.startswith("figure `words` is too small to read on its slide: \"작은 글씨\" (6 pt) is 12")
    assert "--template" in problem.fix


def _placed_points(deck: Path, assets: Assets) -> dict[bytes, list[float]]:
    """Return, by image bytes, the smallest text's size in points of each picture of `deck` showing one of
    `assets` (found by its bytes), measured from the picture's extent in EMU and the image's pixel width."""
    from pptx import Presentation
    from pptx.util import Emu

    by_bytes = {a.path.read_bytes(): a for f in (*assets.figures.values(), *assets.formulas.values())
                for a in f.variants()}
    out: dict[bytes, list[float]] = {}
    for slide in Presentation(str(deck)).slides:
        for shape in slide.shapes:
            if shape.shape_type == 13 and (asset := by_bytes.get(shape.image.blob)) and (
                    text := legibility.smallest(asset)):
                assert shape.image.size[0] == asset.width
                out.setdefault(shape.image.blob, []).append(
                    legibility.slide_points(text, asset.width, Emu(shape.width).inches))
    return out


def test_every_figure_of_the_seed_deck_shows_its_texts_at_18_pt_or_more(
        seed_glossary: Glossary, tmp_path: Path, figure_cache: Path) -> None:
    """Measured on the built .pptx: every figure is on a slide, at a size that sets its smallest text ≥ 18 pt
    (its slide variant where its kind draws one); formulas are measured the same way."""
    from dlexport.targets import slides

    assets, _ = render_assets(seed_glossary, tmp_path / "out", cache_dir=figure_cache)
    deck = slides.build(seed_glossary, assets, tmp_path / "deck", Settings(epoch=1700000000)).paths[0]
    points = _placed_points(deck, assets)
    assert {(a.slide or a).path.read_bytes() for a in assets.figures.values()} <= set(points)
    low = [min(sizes) for sizes in points.values() if min(sizes) < legibility.MIN_SLIDE_POINTS]
    assert not low, low
    formulas = [min(points[data]) for a in assets.formulas.values() if (data := a.path.read_bytes()) in points]
    assert len(formulas) > 30 and min(formulas) >= legibility.MIN_SLIDE_POINTS


def test_every_seed_variant_meets_its_bound_with_no_text_over_another(
        seed_glossary: Glossary, tmp_path: Path, figure_cache: Path) -> None:
    assets, _ = render_assets(seed_glossary, tmp_path / "out", cache_dir=figure_cache)
    for term in seed_glossary.terms:
        for fig in cards.quiz_figures(term):
            asset = assets.figures[fig.id]
            assert legibility.phone_problem(asset.phone or asset.quiz or asset) == "", fig.id
    for fid, asset in assets.figures.items():
        for variant in (asset.slide, asset.phone):
            assert variant is None or legibility.overlaps(variant.texts) == [], (fid, variant.path.name)


@pytest.mark.slow
def test_a_phone_shows_the_phone_variant_at_most_360_px_wide_and_a_desktop_the_others(
        browser: Any, glossary: Glossary, tmp_path: Path, figure_cache: Path) -> None:
    """The figure → term card's front in Chromium, with the card CSS: a 390 px phone shows exactly the phone
    variants, within 360 × 540 px (the size the build checks them at); a 1280 px window never shows them."""
    front = (anki.TEMPLATE_DIR / "figure_front.html").read_text(encoding="utf-8")
    assert '<div class="figure quiz-side">' in front and '<div class="sheet kind-figure">' in front
    assets, _ = render_assets(glossary, tmp_path, cache_dir=figure_cache, jobs=1)
    pages = []
    for term in glossary.terms:
        field = dict(zip(anki.TERM_FIELDS, anki.term_fields(term, {}, assets), strict=True))["Figure"]
        if field:
            pages.append((term, f"<style>{anki.default_css()}</style><div class='card'><div class='sheet kind-figure'>"
                                f"<div class='figure quiz-side'>{field}</div></div></div>"))
    assert len(pages) >= 2
    for width, height in ((390, 844), (1280, 800)):
        page = browser.new_page(viewport={"width": width, "height": height})
        for term, html in pages:
            (tmp_path / "figures" / "card.html").write_text(html, encoding="utf-8")
            page.goto((tmp_path / "figures" / "card.html").as_uri())
            shown = page.evaluate("[...document.images].filter(i => i.offsetWidth > 0).map(i => "
                                  "[i.getAttribute('src'), i.getBoundingClientRect().width, "
                                  "i.getBoundingClientRect().height])")
            phones = [a.phone for f in cards.quiz_figures(term) if (a := assets.figures[f.id]).phone is not None]
            assert phones, term.id
            if width < legibility.PHONE_MEDIA:
                assert sorted(src for src, _, _ in shown) == sorted(p.path.name for p in phones)
                assert all(0 < w <= legibility.PHONE_WIDTH and h <= legibility.PHONE_HEIGHT for _, w, h in shown)
            else:
                assert shown and not {src for src, _, _ in shown} & {p.path.name for p in phones}
        page.close()
