"""Recurrent nets: a recurrent layer folded and unrolled in time, and the gradient flowing back through it."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LogNorm, to_hex
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from dlexport.diagrams.blocks import fit
from dlexport.diagrams.kit import CARD, SMALL, TEXT, Layout
from dlexport.diagrams.networks import NET_WIDTH, Point, arrow, canvas, node
from dlexport.diagrams.plots import activation_derivative
from dlexport.diagrams.style import ACCENT, INK, PALE, WARM, ask, drawer, new_figure

__all__ = ["gradient_flow", "gradient_magnitudes", "rnn"]

SLIDE_STEPS, PHONE_STEPS = 10, 9  # gradient_flow's steps a slide and a phone show (the first ones)


def _rolled(ax: Axes, x: float, y: float = 0.0, dy: float = 2.0, layout: Layout = CARD) -> None:
    labels = [("$x$", PALE, "입력", "input_layer"), ("$h$", "white", "은닉", "hidden_layer"),
              ("$y$", WARM, "출력", "output_layer")]
    for k, (sym, face, name, label) in enumerate(labels):
        node(ax, (x, y + dy * k), r=0.4, face=face, text=sym, fontsize=layout.text if layout is CARD else layout.small)
        ask(ax.text(x - 0.65, y + dy * k, name, ha="right", va="center", fontsize=layout.text), label)
    arrow(ax, (x, y), (x, y + dy), shrink=16)
    arrow(ax, (x, y + dy), (x, y + 2 * dy), shrink=16)
    arrow(ax, (x + 0.35, y + dy + 0.25), (x + 0.35, y + dy - 0.25), rad=-2.2, shrink=2, lw=1.4, color=ACCENT)
    ask(ax.text(x + 1.1, y + dy, "$W_{hh}$", va="center", fontsize=layout.text, color=ACCENT), "recurrent_weight")


def _unrolled(ax: Axes, at: Point, steps: int, gap: float, dy: float = 2.0, font: float = TEXT) -> None:
    for t in range(steps):
        x, y = at[0] + t * gap, at[1]
        for k, (sym, face) in enumerate((("x", PALE), ("h", "white"), ("y", WARM))):
            node(ax, (x, y + dy * k), r=0.4, face=face, text=f"${sym}_{{{t + 1}}}$", fontsize=font)
        arrow(ax, (x, y), (x, y + dy), shrink=16)
        arrow(ax, (x, y + dy), (x, y + 2 * dy), shrink=16)
        if t:
            arrow(ax, (x - gap, y + dy), (x, y + dy), shrink=16, color=ACCENT, lw=1.4)


@drawer
def rnn(*, steps: int, unrolled: bool, layout: Layout = CARD) -> Figure:
    """Draw a recurrent layer with its self-connection and, optionally, the same layer unrolled in time."""
    if steps < 1:
        raise ValueError(f"steps must be positive, got {steps}")
    if layout is not CARD:
        return _rnn_phone(steps, unrolled, layout) if layout.name == "phone" else _rnn_slide(steps, unrolled, layout)
    gap = 1.6
    width = 3.0 + ((steps - 1) * gap + 2.6 if unrolled else 0.0)
    fig = new_figure(3.8, min(NET_WIDTH, 1.6 + width * 0.95))
    ax = canvas(fig)
    _rolled(ax, 0.0)
    ax.text(0.3, -0.9, "(a) 접힌 형태", ha="center", va="top", fontsize=TEXT)
    if unrolled:
        ax.text(2.15, 2.0, "=", ha="center", va="center", fontsize=18)
        x0 = 3.3
        _unrolled(ax, (x0, 0.0), steps, gap)
        ax.text(x0 + (steps - 1) * gap / 2, -0.9, "(b) 시간에 따라 펼친 형태 (같은 가중치 공유)",
                ha="center", va="top", fontsize=TEXT)
    ax.set_xlim(-1.9, width + 0.2)
    ax.set_ylim(-1.5, 4.6)
    return fig


def _rnn_slide(steps: int, unrolled: bool, layout: Layout) -> Figure:
    """The card's arrangement, the unrolled steps spread out so the panel names at slide sizes fit under them."""
    gap = 2.2
    fig = new_figure(layout.height, layout.width)
    ax = canvas(fig)
    _rolled(ax, 0.0, layout=layout)
    ax.text(0.3, -0.9, "(a) 접힌 형태", ha="center", va="top", fontsize=layout.text)
    right = 2.4
    if unrolled:
        x0 = 4.4
        ax.text(3.0, 2.0, "=", ha="center", va="center", fontsize=layout.big * 1.4)
        _unrolled(ax, (x0, 0.0), steps, gap, font=layout.small)
        middle = x0 + (steps - 1) * gap / 2
        ax.text(middle, -0.9, "(b) 시간에 따라 펼친 형태 (같은 가중치 공유)", ha="center", va="top",
                fontsize=layout.text)
        right = max(x0 + (steps - 1) * gap + 0.8, middle + 4.6)
    fit(fig, ax, (-2.4, right), (-1.8, 4.6), layout, 0.7)
    return fig


def _rnn_phone(steps: int, unrolled: bool, layout: Layout) -> Figure:
    """The folded layer above the unrolled one, each named under it, the rows closer together."""
    dy, gap = 1.6, 1.5
    fig = new_figure(layout.height, layout.width)
    ax = canvas(fig)
    low = 5.7 if unrolled else 0.0
    _rolled(ax, 0.0, low, dy, layout)
    ax.text(0.3, low - 0.75, "(a) 접힌 형태", ha="center", va="top", fontsize=layout.text)
    right = 2.6
    if unrolled:
        _unrolled(ax, (-0.9, 0.0), steps, gap, dy, layout.small)
        ax.text(-0.9 + (steps - 1) * gap / 2, -0.75, "(b) 펼친 형태\n(같은 가중치 공유)", ha="center", va="top",
                fontsize=layout.text)
        right = max(right, -0.9 + (steps - 1) * gap + 0.6)
    fit(fig, ax, (-2.2, right), (-2.2 if unrolled else low - 1.4, low + 2 * dy + 0.6), layout, 0.6)
    return fig


def gradient_magnitudes(steps: int, weight: float, activation: str, pre_activation: float) -> list[float]:
    """Return |dh_t/dx_1| for t = 1..steps in h_t = f(w h_(t-1) + x_t) at a fixed pre-activation.

    dh_1/dx_1 = f'(a); each later step multiplies by w f'(a), so the gradient is f'(a)^t |w|^(t-1).
    """
    if steps < 1:
        raise ValueError(f"steps must be positive, got {steps}")
    slope = abs(activation_derivative(activation, pre_activation))
    return [slope ** t * abs(weight) ** (t - 1) for t in range(1, steps + 1)]


@drawer
def gradient_flow(*, steps: int, weight: float, activation: str, pre_activation: float,
                  layout: Layout = CARD) -> Figure:
    """Draw an unrolled RNN whose nodes are shaded by the computed gradient from the first input."""
    grads = gradient_magnitudes(steps, weight, activation, pre_activation)
    rel = [max(g / grads[0], 1e-12) if grads[0] else 1e-12 for g in grads]
    long = max(len(_value(v)) for v in rel[:SLIDE_STEPS]) > 6  # 2.4e+02: a slide shows fewer steps, further apart
    if layout is not CARD:  # the first steps only: more would not be legible
        rel = rel[:PHONE_STEPS if layout.name == "phone" else SLIDE_STEPS - 2 * long]
    # a log scale: each step multiplies the gradient by the same factor, so each step shades one notch lighter
    # and the fading shows over the whole sequence, not only over its first few steps
    norm = LogNorm(min(min(rel), 0.1), max(1.0, max(rel)))
    cmap = ScalarMappable(norm=norm, cmap="Greys")
    if layout.name == "phone":
        return _gradient_phone(rel, cmap, layout)
    if layout is not CARD:
        caption = (f"{activation}, $f'({pre_activation:g})$ = {grads[0]:.3f}, $w$ = {weight:g}: 한 단계마다 "
                   f"$w\\,f'(a)$ = {abs(weight) * grads[0]:.3f}배")
        return _gradient_slide(rel, cmap, caption, layout, 2.1 if long else 1.9)
    gap = 1.7
    fig = new_figure(3.9, NET_WIDTH - 0.2)
    ax = canvas(fig, (0.0, 0.0, 0.86, 1.0))
    rows = [("출력", 4.0, "output_layer"), ("은닉층", 2.0, "hidden_layer"), ("입력", 0.0, "input_layer")]
    for name, y, label in rows:
        ask(ax.text(-0.8, y, name, ha="right", va="center", fontsize=TEXT), label)
    for t in range(steps):
        x = t * gap
        shade = to_hex(cmap.to_rgba(np.array([rel[t]]))[0])
        node(ax, (x, 0.0), r=0.36, face=INK if t == 0 else "white")
        node(ax, (x, 2.0), r=0.36, face=shade)
        node(ax, (x, 4.0), r=0.36, face=shade)
        arrow(ax, (x, 0.0), (x, 2.0), shrink=15)
        arrow(ax, (x, 2.0), (x, 4.0), shrink=15)
        if t:
            arrow(ax, (x - gap, 2.0), (x, 2.0), shrink=15)
        value = f"{rel[t]:.2g}" if rel[t] >= 0.01 else f"{rel[t]:.1g}"  # at most 6 characters between nodes
        ax.text(x, 4.55, value, fontsize=SMALL, color="#555555", ha="center", va="bottom")
        ax.text(x, -0.8, f"{t + 1}", ha="center", va="center", fontsize=TEXT)
    ax.text(-0.8, -0.8, "시간 단계 $t$", ha="right", va="center", fontsize=TEXT)
    ax.set_xlim(-2.6, (steps - 1) * gap + 0.7)
    ax.set_ylim(-2.3, 5.3)
    _colorbar(fig, cmap, (0.88, 0.22, 0.022, 0.6), SMALL)
    ax.text((steps - 1) * gap / 2 - 1.0, -1.5, f"{activation}, $f'({pre_activation:g})$ = {grads[0]:.3f}, "
             f"$w$ = {weight:g}: 한 단계마다 $w\\,f'(a)$ = {abs(weight) * grads[0]:.3f}배",
             ha="center", va="center", fontsize=SMALL, color="#444444")
    return fig


def _colorbar(fig: Figure, cmap: ScalarMappable, rect: tuple[float, float, float, float], size: float) -> None:
    bar = fig.colorbar(cmap, cax=fig.add_axes(rect))
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    bar.ax.yaxis.set_minor_formatter(NullFormatter())
    bar.ax.tick_params(labelsize=size)
    bar.set_label("$|\\partial h_t / \\partial x_1|$ (t=1 대비)", fontsize=size)


def _shade(cmap: ScalarMappable, value: float) -> str:
    return to_hex(cmap.to_rgba(np.array([value]))[0])


def _value(rel: float) -> str:
    return f"{rel:.2g}" if rel >= 0.01 else f"{rel:.1g}"  # at most 6 characters


def _gradient_slide(rel: list[float], cmap: ScalarMappable, caption: str, layout: Layout, gap: float) -> Figure:
    """The card's unrolled net at slide sizes: steps `gap` apart for the values above them, the colour bar in
    room of its own on the right."""
    fig = new_figure(layout.height, layout.width)
    ax = canvas(fig)
    rows = (("출력", 4.0, "output_layer"), ("은닉층", 2.0, "hidden_layer"), ("입력", 0.0, "input_layer"))
    for name, y, label in rows:
        ask(ax.text(-0.7, y, name, ha="right", va="center", fontsize=layout.text), label)
    for t, value in enumerate(rel):
        x = t * gap
        node(ax, (x, 0.0), r=0.4, face=INK if t == 0 else "white")
        for y in (2.0, 4.0):
            node(ax, (x, y), r=0.4, face=_shade(cmap, value))
        arrow(ax, (x, 0.0), (x, 2.0), shrink=15)
        arrow(ax, (x, 2.0), (x, 4.0), shrink=15)
        if t:
            arrow(ax, (x - gap, 2.0), (x, 2.0), shrink=15)
        ax.text(x, 4.55, _value(value), fontsize=layout.small, color="#555555", ha="center", va="bottom")
        ax.text(x, -0.7, f"{t + 1}", ha="center", va="top", fontsize=layout.small)
    ax.text(-0.7, -0.7, "시간 단계 $t$", ha="right", va="top", fontsize=layout.small)
    last = (len(rel) - 1) * gap
    ax.text(last / 2 - 1.0, -1.6, caption, ha="center", va="top", fontsize=layout.small, color="#444444")
    room = (1.6, 1.9, 0.5, 0.4)  # inches: row names; colour bar and its ticks and label; caption; values
    fit(fig, ax, (-0.5, last + 0.5), (-1.6, 4.5), layout, 0.62, room)
    wide = fig.get_size_inches()[0]
    _colorbar(fig, cmap, (1 - 1.5 / wide, 0.2, 0.14 / wide, 0.7), layout.small)
    return fig


def _gradient_phone(rel: list[float], cmap: ScalarMappable, layout: Layout) -> Figure:
    """The unrolled net turned: time flows down, one row a step (input, hidden, output left to right), each
    step's value at the row's end; no colour bar (the values say it)."""
    gap, step = 1.3, 1.25
    fig = new_figure(layout.height, layout.width)
    ax = canvas(fig)
    columns = (("입력", 0.0, "input_layer"), ("은닉층", gap, "hidden_layer"), ("출력", 2 * gap, "output_layer"))
    for name, x, label in columns:
        ask(ax.text(x, 0.6, name, ha="center", va="bottom", fontsize=layout.text), label)
    for t, value in enumerate(rel):
        y = -t * step
        node(ax, (0.0, y), r=0.36, face=INK if t == 0 else "white")
        for x in (gap, 2 * gap):
            node(ax, (x, y), r=0.36, face=_shade(cmap, value))
        arrow(ax, (0.0, y), (gap, y), shrink=16)
        arrow(ax, (gap, y), (2 * gap, y), shrink=16)
        if t:
            arrow(ax, (gap, y + step), (gap, y), shrink=16)
        ax.text(2 * gap + 0.6, y, _value(value), fontsize=layout.small, color="#555555", va="center")
        ax.text(-0.6, y, f"{t + 1}", ha="right", va="center", fontsize=layout.small)
    ax.text(-0.6, 0.6, "$t$", ha="right", va="bottom", fontsize=layout.small)
    bottom = -(len(rel) - 1) * step
    fit(fig, ax, (-0.45, 2 * gap + 0.45), (bottom - 0.5, 0.5), layout, 0.62, (0.45, 0.95, 0.0, 0.35))
    return fig
