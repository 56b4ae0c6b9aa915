"""Shared sizes and helpers of the computed figures: legible fonts at card width, tidy axes, small numerics."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.ticker import FuncFormatter, NullFormatter
from numpy.typing import NDArray

from dlexport.diagrams.style import ask
from dlexport.legibility import CARD, LAYOUTS, PHONE, SLIDE, Layout

__all__ = ["CARD", "LAYOUTS", "PHONE", "SLIDE", "Layout"]  # a drawer takes `layout: Layout = CARD`

Array = NDArray[np.float64]

# The computed figures are WIDTH inches wide; a card shows them 760 px wide. A label of SMALL points is then
# SMALL / 72 * 760 / WIDTH ≈ 19.7 px from ascender to descender, its letters ≥ 14 px tall.
# A kind that also draws for a slide or a phone takes `layout` and uses its sizes instead (`Kind.layouts`).
WIDTH = CARD.width
SMALL = CARD.small  # ticks, legends, cell numbers: the smallest text any computed figure draws
TEXT = CARD.text  # axis labels, panel titles
BIG = CARD.big
MAX_HEIGHT = CARD.height  # no figure taller than this: it fits a desktop card and a phone without scrolling
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def tidy(ax: Axes, title: str = "", xlabel: str = "", ylabel: str = "", grid: bool = True) -> None:
    """Give a plot the shared look: legible ticks and labels, no top/right frame, a light grid."""
    ax.tick_params(labelsize=SMALL)
    if title:
        ax.set_title(title, fontsize=TEXT)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=TEXT)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=TEXT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if grid:
        ax.grid(True, color="#e5e5e5", lw=0.6)
        ax.set_axisbelow(True)


def ask_legend(legend: Legend, names: Sequence[str]) -> Legend:
    """Mark a legend's entries, in order, as the askable labels `names` (each entry names a curve)."""
    for name, entry in zip(names, legend.get_texts(), strict=True):
        ask(entry, name)
    return legend


def log_axis(ax: Axes, which: str = "y") -> None:
    """Put an axis on a log scale with plain tick labels (mathtext's 10^-1 needs a minus sign NanumGothic lacks)."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    (ax.set_yscale if which == "y" else ax.set_xscale)("log")
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def bare(ax: Axes, title: str = "", size: float = TEXT) -> None:
    """Turn an axes into a picture frame: no ticks, no spines, an optional title."""
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=size)


def axes_at(fig: Figure, left: float, bottom: float, width: float, height: float) -> Axes:
    """Add an axes to `fig` at a place given in inches from its lower left corner (a layout's own arrangement)."""
    w, h = fig.get_size_inches()
    return fig.add_axes((left / w, bottom / h, width / w, height / h))


def softmax(z: Array, axis: int = -1) -> Array:
    """Return the softmax of `z` along `axis`, computed stably."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    out: Array = e / e.sum(axis=axis, keepdims=True)
    return out


def positive(name: str, value: float, largest: float | None = None) -> None:
    """Raise ValueError unless 0 < value (≤ largest)."""
    if not value > 0 or (largest is not None and value > largest):
        bound = f" and at most {largest:g}" if largest is not None else ""
        raise ValueError(f"{name} must be positive{bound}, got {value}")


def choice(name: str, value: str, options: tuple[str, ...]) -> None:
    """Raise ValueError unless `value` is one of `options`."""
    if value not in options:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(options)}")


def tidy_for(layout: Layout, ax: Axes, title: str = "", xlabel: str = "", ylabel: str = "", grid: bool = True) -> None:
    """`tidy` with a layout's font sizes (CARD's are SMALL and TEXT: then it is `tidy`)."""
    tidy(ax, title, xlabel, ylabel, grid)
    ax.tick_params(labelsize=layout.small)
    for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
        text.set_fontsize(layout.text)
