"""Shared look of every diagram: Hangul font, colours, figure size, and the PNG encoder."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, wraps
from typing import ParamSpec

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

from dlexport.fonts import hangul_font

DPI = 200  # 8 in wide -> 1600 px: sharp on a projector and on a phone
WIDTH = 8.0  # inches
INK = "#222222"
ACCENT = "#1f77b4"
PALE = "#dbe9f6"
WARM = "#f2a541"
MUTED = "#9a9a9a"

P = ParamSpec("P")


@cache
def font_family() -> str:
    """Register NanumGothic (regular and bold) with matplotlib and return its family name."""
    for bold in (False, True):
        font_manager.fontManager.addfont(str(hangul_font(bold)))
    return str(font_manager.FontProperties(fname=str(hangul_font())).get_name())


def bold(size: float) -> font_manager.FontProperties:
    """Return NanumGothic Bold at `size` points, by file (NanumGothic has no weight named "bold")."""
    font_family()
    return font_manager.FontProperties(fname=str(hangul_font(bold=True)), size=size)


def rc() -> dict[str, object]:
    """Return the rcParams every diagram is drawn and saved with."""
    return {
        # NanumGothic first; DejaVu Sans only for glyphs Nanum lacks (Greek, math arrows).
        "font.family": [font_family(), "DejaVu Sans"],
        "font.size": 11,
        "axes.unicode_minus": False,  # NanumGothic has no U+2212
        "mathtext.fontset": "dejavusans",
        "svg.hashsalt": "dlexport",
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "text.color": INK,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
    }


@contextmanager
def styled() -> Iterator[None]:
    """Apply the diagram rcParams for the duration of the block."""
    with matplotlib.rc_context(rc()):  # type: ignore[arg-type]
        yield


def drawer(fn: Callable[P, Figure]) -> Callable[P, Figure]:
    """Wrap a drawing function so that every text it creates uses the Hangul font."""

    @wraps(fn)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with styled():
            return fn(*args, **kwargs)

    return wrapped


def new_figure(height: float, width: float = WIDTH) -> Figure:
    """Return an empty white figure of the given size in inches."""
    return Figure(figsize=(width, height), dpi=DPI, facecolor="white")


def to_png(fig: Figure) -> bytes:
    """Encode a figure as PNG bytes, identical for identical figures (no timestamps, no version)."""
    buf = io.BytesIO()
    with styled():
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white",
                    bbox_inches="tight", pad_inches=0.08)
    return buf.getvalue()

