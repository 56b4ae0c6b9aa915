"""A diagram kind that exists only in the tests: one line of text in a given size, to test the legibility bounds."""

from __future__ import annotations

from matplotlib.figure import Figure

from dlexport.diagrams.style import drawer, new_figure
from dlexport.legibility import CARD, Layout


@drawer
def words(*, size: float, layout: Layout = CARD) -> Figure:
    """Draw "작은 글씨" in `size` points on a figure as wide as `layout` draws (6 in on a card)."""
    fig = new_figure(1.0, layout.width)
    fig.text(0.02, 0.5, "작은 글씨", fontsize=size)
    fig.text(0.98, 0.5, "끝", fontsize=max(size, 12), ha="right")
    return fig
