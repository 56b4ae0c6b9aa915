"""A diagram kind that exists only in the tests: stripes, to prove a new kind is one module and one registry line."""

from __future__ import annotations

from matplotlib.figure import Figure

from dlexport.diagrams.style import drawer, new_figure
from dlexport.legibility import CARD, Layout


@drawer
def stripes(*, count: int, colour: str) -> Figure:
    """Draw `count` vertical stripes (no defaults here: the Kind supplies them)."""
    fig = new_figure(2.0)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    for i in range(count):
        ax.axvspan(i, i + 0.5, color=colour)
    ax.set_xlim(0, count)
    ax.set_axis_off()
    return fig


@drawer
def narrow_stripes(*, count: int, colour: str, layout: Layout = CARD) -> Figure:
    """Draw stripes on a card; refuse a slide's layout (a drawer whose params fit one place and not another)."""
    if layout is not CARD:
        raise ValueError(f"{count} stripes do not fit the {layout.name} layout")
    return stripes(count=count, colour=colour)
