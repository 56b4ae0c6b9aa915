"""Tests for the PDF text-layer reader the render tests share: ligatures and compatibility forms count as letters."""

from __future__ import annotations

from tests.pdftext import chars, letters


class _Page:
    def __init__(self, glyphs: list[str]) -> None:
        self.chars = [{"text": g, "x0": i, "x1": i + 1, "top": 0, "bottom": 1, "fontname": "DejaVuSans"}
                      for i, g in enumerate(glyphs)]


def test_a_ligature_glyph_counts_as_its_letters() -> None:
    page = _Page(["D", "e", "\ufb01", "n", "e", " ", "R", "e", "c", "t", "i", "\ufb01", "e", "d"])
    assert letters(c.text for c in chars(page)) == letters("Define Rectified")


def test_all_caps_and_fullwidth_forms_compare_equal() -> None:
    assert letters("Ｄｅﬁｎｉｔｉｏｎ", upper=True) == letters("DEFINITION")
    assert letters("정의 (계속)") == letters("정의(계속)")  # spaces a renderer adds or drops don't count


def test_a_really_missing_letter_still_shows() -> None:
    assert letters("Definition") - letters(c.text for c in chars(_Page(list("Defnition")))) == letters("i")
