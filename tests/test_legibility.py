"""Legibility bounds: a card shows every figure's text ≥ 14 px tall and the whole figure without scrolling, and
the build names the figure that breaks this; the numbers match the card CSS and the drawing DPI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlexport import legibility
from dlexport.diagrams import KINDS, kind, num
from dlexport.diagrams.style import DPI
from dlexport.errors import SourceError
from dlexport.load import load
from dlexport.model import Asset, Placed
from dlexport.render import render_assets
from dlexport.targets import anki

from .test_anki import edit

WORDS = kind("tests.tiny_text_kind:words", "A line of text.", size=num(11.0, 40.0))


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


def test_slide_points_scale_with_the_placed_width() -> None:
    text = Placed("글자", 11.0, (0, 0, 1, 1))
    assert legibility.slide_points(text, 1200, 6.0) == pytest.approx(11.0)  # shown at its drawn size
    assert legibility.min_slide_width(_asset(1200, 800, 11.0)) == pytest.approx(18 / 11 * 6.0)


def _with_words(root: Path, size: float) -> None:
    figure = f"  - {{id: words, kind: words, params: {{size: {size}}}, caption: 글씨, alt: 작은 글씨라고 적힌 그림}}\n"
    edit(root / "terms" / "30-rbm.yaml", "figures:\n", "figures:\n" + figure)


def test_a_figure_too_small_to_read_on_a_card_is_an_error_at_its_line(
        basic_copy: Path, tmp_path: Path, figure_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(KINDS, "words", WORDS)
    _with_words(basic_copy, 9.0)
    with pytest.raises(SourceError) as info:
        render_assets(load(basic_copy), tmp_path, cache_dir=figure_cache, jobs=1)
    (problem,) = info.value.problems
    assert (problem.path.name, problem.line) == ("30-rbm.yaml", 17)
    assert problem.message.startswith("figure `words` is too small to read: \"작은 글씨\" (9 pt) is 12.0 px tall")
    assert "kit.py" in problem.fix
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
