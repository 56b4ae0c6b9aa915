"""The drawing kit of the hand-laid architecture diagrams (sequences, transformer, generative): rounded boxes,
arrows, operator circles and labels on a white ground, at sizes legible at card width, and the canvases that
show a drawing at a card's width or, in inches, at a slide's or a phone's own size."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.text import Text

from dlexport.diagrams.style import INK, ask, bold

Point = tuple[float, float]

# A card shows a figure 760 px wide. These figures are WIDTH inches (WIDTH * DPI px) wide, so a label of SMALL
# points is SMALL / 72 * DPI * 760 / (WIDTH * DPI) ≈ 19.4 px from ascender to descender: its letters ≥ 14 px.
WIDTH = 6.0
SMALL = 11.0  # the smallest text any of these figures draws
TEXT = 12.0
BIG = 13.0
MAX_RATIO = 0.85  # height / width at most, so that a figure fits a 1280×800 card window (and the test's 0.9)
RED = "#c0392b"
GREEN = "#c7e9c0"
LILAC = "#e5d8f0"


def canvas(fig: Figure) -> Axes:
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def fit(ax: Axes, fig: Figure, x: tuple[float, float], y: tuple[float, float]) -> None:
    """Show the data box `x` × `y` (widened if needed to be no taller than MAX_RATIO of its width) and give
    the figure the same aspect ratio, WIDTH inches wide."""
    spare = max(0.0, (y[1] - y[0]) / MAX_RATIO - (x[1] - x[0])) / 2
    ax.set_xlim(x[0] - spare, x[1] + spare)
    ax.set_ylim(*y)
    fig.set_size_inches(WIDTH, WIDTH * (y[1] - y[0]) / (x[1] - x[0] + 2 * spare))


def box(ax: Axes, at: Point, w: float, h: float, text: str = "", face: str = "white", size: float = TEXT,
         edge: str = INK, lw: float = 1.3, strong: bool = False, color: str = INK, name: str = "") -> None:
    """Draw a rounded box centred on `at` with an optional centred label (askable as `name`, if given)."""
    ax.add_patch(FancyBboxPatch((at[0] - w / 2, at[1] - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.12",
                                facecolor=face, edgecolor=edge, lw=lw, zorder=3))
    if text:
        font = {"fontproperties": bold(size)} if strong else {"fontsize": size}
        named(ax.text(*at, text, ha="center", va="center", zorder=4, color=color, **font), name)


def arrow(ax: Axes, a: Point, b: Point, color: str = INK, lw: float = 1.4, rad: float = 0.0, ls: str = "-",
           shrink: float = 0.0, head: bool = True, scale: float = 13) -> None:
    ax.add_patch(FancyArrowPatch(a, b, connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>" if head else "-",
                                 mutation_scale=scale, lw=lw, color=color, linestyle=ls, shrinkA=shrink,
                                 shrinkB=shrink, zorder=2))


def path(ax: Axes, points: Sequence[Point], color: str = INK, lw: float = 1.4, ls: str = "-") -> None:
    """Draw a polyline whose last segment ends in an arrow head."""
    if len(points) > 2:
        ax.add_collection(LineCollection([list(points[:-1])], colors=color, linewidths=lw, linestyles=ls,
                                         zorder=2))
    arrow(ax, points[-2], points[-1], color=color, lw=lw, ls=ls)


def named(text: Text, name: str) -> Text:
    """Mark `text` as the askable label `name`, unless `name` is empty."""
    return ask(text, name) if name else text


def label(ax: Axes, at: Point, text: str, size: float = SMALL, color: str = INK, ha: str = "center",
           va: str = "center", name: str = "") -> None:
    """Write a label on a white ground, so that lines passing behind it don't cross its letters."""
    named(ax.text(*at, text, ha=ha, va=va, fontsize=size, color=color, zorder=5,
                   bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}), name)


def op(ax: Axes, at: Point, sign: str, r: float = 0.24, face: str = "white", size: float = BIG) -> None:
    """Draw a small circle with an operator sign (×, +) in it."""
    ax.add_patch(Circle(at, r, facecolor=face, edgecolor=INK, lw=1.3, zorder=3))
    ax.text(*at, sign, ha="center", va="center", fontsize=size, zorder=4)


def node(ax: Axes, at: Point, r: float = 0.3, face: str = "white", text: str = "", size: float = SMALL,
          edge: str = INK) -> None:
    ax.add_patch(Circle(at, r, facecolor=face, edgecolor=edge, lw=1.3, zorder=3))
    if text:
        ax.text(*at, text, ha="center", va="center", fontsize=size, zorder=4)


def inches(ax: Axes, fig: Figure, x: tuple[float, float], y: tuple[float, float]) -> None:
    """Show the data box `x` × `y`, whose units are inches, at its own size (a slide or a phone layout)."""
    ax.set_xlim(*x)
    ax.set_ylim(*y)
    fig.set_size_inches(x[1] - x[0], y[1] - y[0])


def scaled(ax: Axes, fig: Figure, x: tuple[float, float], y: tuple[float, float], scale: float) -> None:
    """Show the data box `x` × `y` at `scale` inches per unit (a card's drawing, laid out for another place)."""
    ax.set_xlim(*x)
    ax.set_ylim(*y)
    fig.set_size_inches((x[1] - x[0]) * scale, (y[1] - y[0]) * scale)
