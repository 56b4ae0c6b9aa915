"""Locate the Hangul font that `pip install` brings (NanumGothic, from koreanize-matplotlib's data).

The package is found without importing it: importing koreanize_matplotlib costs ~95 ms and
fails on Python 3.12 (it needs distutils). We only want its font files.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

FAMILY = "NanumGothic"


@cache
def _font_dir() -> Path:
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("koreanize-matplotlib is not installed: pip install koreanize-matplotlib")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


def hangul_font(bold: bool = False) -> Path:
    """Return the path of NanumGothic (regular or bold) as a TrueType file."""
    return _font_dir() / ("NanumGothicBold.ttf" if bold else "NanumGothic.ttf")
