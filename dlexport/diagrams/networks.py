"""Network diagrams: fully connected nets, autoencoder, dropout and RBM; node, arrow and canvas for recurrent.py."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from dlexport.diagrams.blocks import cnn, fit, lstm_cell
from dlexport.diagrams.kit import CARD, SMALL, TEXT, Layout
from dlexport.diagrams.style import ACCENT, INK, MUTED, PAD, PALE, WARM, ask, drawer, new_figure

__all__ = ["arrow", "autoencoder", "canvas", "cnn", "dropout", "feedforward", "lstm_cell", "node", "rbm"]

MAX_NODES = 10  # a taller layer is drawn with its first and last units and a gap
ROW_WIDTH = 6.3  # node spacings: a phone's top-down net squeezes a wider row to this (0.7 apart for 10 units)
NET_WIDTH = 5.8  # inches: a card shows these figures 760 px wide, so SMALL-point letters are ≥ 14 px (kit.py)
Point = tuple[float, float]


def canvas(fig: Figure, rect: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)) -> Axes:
    ax = fig.add_axes(rect)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _column(x: float, size: int, spacing: float = 1.0, vertical: bool = False) -> list[Point]:
    """Return a layer's node positions: a column at `x`, or (vertical: the net flows down) a row at y = -x."""
    shown = min(size, MAX_NODES)
    top = (shown - 1) * spacing / 2
    if vertical:
        return [(i * spacing - top, -x) for i in range(shown)]
    return [(x, top - i * spacing) for i in range(shown)]


def node(ax: Axes, at: Point, r: float = 0.32, face: str = "white", edge: str = INK, lw: float = 1.4,
          text: str = "", fontsize: float = 9) -> None:
    ax.add_patch(Circle(at, r, facecolor=face, edgecolor=edge, lw=lw, zorder=3))
    if text:
        ax.text(*at, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def arrow(ax: Axes, a: Point, b: Point, rad: float = 0.0, lw: float = 1.2, color: str = INK,
           shrink: float = 14.0, style: str = "-|>", ls: str = "-") -> None:
    ax.add_patch(FancyArrowPatch(a, b, connectionstyle=f"arc3,rad={rad}", arrowstyle=style,
                                 mutation_scale=11, lw=lw, color=color, shrinkA=shrink, shrinkB=shrink,
                                 linestyle=ls, zorder=2))


def _edges(ax: Axes, left: Sequence[Point], right: Sequence[Point], color: str = "#555555",
           lw: float = 0.7) -> None:
    segments = [[a, b] for a in left for b in right]
    if segments:
        ax.add_collection(LineCollection(segments, colors=color, linewidths=lw, zorder=1))


def _check_layers(layers: Sequence[int], minimum: int = 2) -> list[int]:
    sizes = [int(n) for n in layers]
    if len(sizes) < minimum or any(n < 1 for n in sizes):
        raise ValueError(f"layers must be at least {minimum} positive sizes, got {list(layers)}")
    return sizes


def _layer_name(i: int, count: int) -> tuple[str, str]:
    """Return a layer's printed name and its askable label."""
    if i == 0:
        return "입력층", "input_layer"
    if i == count - 1:
        return "출력층", "output_layer"
    return ("은닉층", "hidden_layer") if count == 3 else (f"은닉층 {i}", f"hidden_layer_{i}")


def _net(ax: Axes, sizes: Sequence[int], x0: float = 0.0, gap: float = 2.2,
         dropped: set[tuple[int, int]] | None = None, vertical: bool = False,
         small: float = SMALL, count: str = "side") -> list[list[Point]]:
    """Draw a fully connected net (left to right, or top down if `vertical`); return each layer's node positions.
    A layer of more than MAX_NODES units says its size `count`: "side" (by its last unit), "top" (above its
    first), "" (not: its name gives it, or a row, which has no room)."""
    widest = min(max(sizes), MAX_NODES)
    spacing = min(1.0, ROW_WIDTH / (widest - 1)) if vertical and widest > 1 else 1.0
    cols = [_column(x0 + i * gap, n, spacing, vertical) for i, n in enumerate(sizes)]
    dropped = dropped or set()
    kept = [[p for j, p in enumerate(col) if (i, j) not in dropped] for i, col in enumerate(cols)]
    segments = [[a, b] for i in range(len(kept) - 1) for a in kept[i] for b in kept[i + 1]]
    ax.add_collection(LineCollection(segments, colors="#555555", linewidths=0.7, zorder=1))
    for i, col in enumerate(cols):
        face = PALE if i == 0 else WARM if i == len(cols) - 1 else "white"
        for j, p in enumerate(col):
            if (i, j) in dropped:
                node(ax, p, face="#f0f0f0", edge=MUTED)
                d = 0.3
                ax.plot([p[0] - d, p[0] + d], [p[1] - d, p[1] + d], color="#c0392b", lw=1.6, zorder=5)
                ax.plot([p[0] - d, p[0] + d], [p[1] + d, p[1] - d], color="#c0392b", lw=1.6, zorder=5)
            else:
                node(ax, p, face=face)
        if sizes[i] > MAX_NODES and count == "side" and not vertical:
            ax.text(col[0][0] + 0.45, col[-1][1], f"… {sizes[i]}개", fontsize=small, va="center")
        elif sizes[i] > MAX_NODES and count == "top" and not vertical:
            ax.text(col[0][0], col[0][1] + 0.45, f"{sizes[i]}개 중", fontsize=small, ha="center", va="bottom")
    return cols


def _frame(ax: Axes, cols: list[list[Point]], label_y: float | None = None) -> None:
    ys = [p[1] for col in cols for p in col]
    xs = [p[0] for col in cols for p in col]
    bottom = min(ys) - 0.6 if label_y is None else label_y
    ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    ax.set_ylim(bottom - 0.6, max(ys) + 0.6)


@drawer
def feedforward(*, layers: Sequence[int], layout: Layout = CARD) -> Figure:
    """Draw a fully connected feed-forward network, one labelled column per layer (a phone: one row per layer)."""
    sizes = _check_layers(layers)
    if layout is not CARD:
        return _feedforward_phone(sizes, layout) if layout.name == "phone" else _feedforward_slide(sizes, layout)
    fig = new_figure(4.2, min(NET_WIDTH, 2.0 + 1.6 * len(sizes)))
    ax = canvas(fig)
    cols = _net(ax, sizes)
    bottom = min(p[1] for col in cols for p in col) - 0.9
    for i, col in enumerate(cols):
        name, label = _layer_name(i, len(cols))
        ask(ax.text(col[0][0], bottom, f"{name}\n({sizes[i]})", ha="center", va="top", fontsize=TEXT), label)
    arrow(ax, (cols[0][0][0], bottom - 1.25), (cols[-1][0][0], bottom - 1.25), shrink=0, color=MUTED)
    ask(ax.text((cols[0][0][0] + cols[-1][0][0]) / 2, bottom - 1.4, "순전파 방향", ha="center", va="top",
                fontsize=SMALL, color=MUTED), "forward_direction")
    _frame(ax, cols, bottom - 1.9)
    return fig


def _feedforward_slide(sizes: list[int], layout: Layout) -> Figure:
    """The net left to right with one-line layer names under it and the forward arrow below them, spaced in
    inches (their letters don't shrink with a tall net's units)."""
    tallest = min(max(sizes), MAX_NODES)
    inch = min(0.7, (layout.height - 2 * PAD - 1.2) / (tallest + 0.2))  # 1.2 in: the names, the arrow, its name
    per = 1 / inch  # units an inch
    fig = new_figure(layout.height, layout.width)
    ax = canvas(fig)
    cols = _net(ax, sizes, gap=max(3.2, 2.1 * per), small=layout.small, count="")  # names give sizes
    bottom = min(p[1] for col in cols for p in col) - 0.32 - 0.18 * per
    for i, col in enumerate(cols):
        name, label = _layer_name(i, len(cols))
        ask(ax.text(col[0][0], bottom, f"{name} ({sizes[i]})", ha="center", va="top", fontsize=layout.text), label)
    left, right = cols[0][0][0], cols[-1][0][0]
    line = bottom - 0.55 * per
    arrow(ax, (left, line), (right, line), shrink=0, color=MUTED)
    ask(ax.text((left + right) / 2, line - 0.1 * per, "순전파 방향", ha="center", va="top", fontsize=layout.small,
                color=MUTED), "forward_direction")
    top = max(p[1] for col in cols for p in col) + 0.4
    fit(fig, ax, (left - 1.0 * per, right + 1.0 * per), (line - 0.5 * per, top), layout, inch)
    return fig


def _feedforward_phone(sizes: list[int], layout: Layout) -> Figure:
    """The net top down, each layer's name left of its row, the forward arrow down its right side."""
    fig = new_figure(layout.height, layout.width)
    ax = canvas(fig)
    widest = min(max(sizes), MAX_NODES) - 1
    rows = _net(ax, sizes, gap=1.7 * max(1.0, min(widest, ROW_WIDTH) / 4), vertical=True, small=layout.small)
    left = min(p[0] for row in rows for p in row) - 0.6
    right = max(p[0] for row in rows for p in row) + 0.8
    for i, row in enumerate(rows):
        name, label = _layer_name(i, len(rows))
        ask(ax.text(left, row[0][1], f"{name}\n({sizes[i]})", ha="right", va="center", fontsize=layout.text),
            label)
    top, bottom = rows[0][0][1], rows[-1][0][1]
    arrow(ax, (right, top), (right, bottom), shrink=0, color=MUTED)
    ask(ax.text(right + 0.2, (top + bottom) / 2, "순전파\n방향", ha="left", va="center", fontsize=layout.small,
                color=MUTED), "forward_direction")
    fit(fig, ax, (left - 0.2, right + 0.2), (bottom - 0.6, top + 0.6), layout, 0.62, (1.05, 0.75))
    return fig


@drawer
def autoencoder(*, layers: Sequence[int], layout: Layout = CARD) -> Figure:
    """Draw an autoencoder: input, encoder, code (bottleneck), decoder and reconstructed output."""
    sizes = _check_layers(layers, minimum=3)
    if sizes[0] != sizes[-1]:
        raise ValueError(f"autoencoder input and output layers must have the same size, got "
                         f"{sizes[0]} (input) and {sizes[-1]} (output) in layers {sizes}")
    code = int(np.argmin(sizes[1:-1])) + 1
    if layout is not CARD:
        return _autoencoder_laid(sizes, code, layout)
    fig = new_figure(4.8, min(NET_WIDTH, 2.2 + 1.5 * len(sizes)))
    ax = canvas(fig)
    cols = _net(ax, sizes, gap=3.2)  # wide apart: the figure must be less tall than wide to fit a card
    for j, p in enumerate(cols[0]):
        ax.text(*p, f"$x_{{{j + 1}}}$", ha="center", va="center", fontsize=SMALL, zorder=4)
    for j, p in enumerate(cols[-1]):
        ax.text(*p, f"$\\hat{{x}}_{{{j + 1}}}$", ha="center", va="center", fontsize=SMALL, zorder=4)
    for p in cols[code]:
        ax.add_patch(Circle(p, 0.32, facecolor="#c7e9c0", edgecolor=INK, lw=1.4, zorder=3))
    top = max(p[1] for col in cols for p in col) + 0.75
    bottom = min(p[1] for col in cols for p in col) - 0.75
    x = [col[0][0] for col in cols]
    spans = [("인코더 (encoder)", x[0], x[code], ACCENT, "encoder"),
             ("디코더 (decoder)", x[code], x[-1], "#d62728", "decoder")]
    for text, a, b, color, label in spans:
        arrow(ax, (a, top), (b, top), shrink=4, color=color, lw=1.6)
        ask(ax.text((a + b) / 2, top + 0.2, text, ha="center", va="bottom", fontsize=TEXT, color=color), label)
    names = {0: ("입력 $x$", "input_layer"), code: ("코드 (병목)\ncode $z$", "code"),
             len(cols) - 1: ("출력 (복원) $\\hat{x}$", "output_layer")}
    hidden = 0
    for i, col in enumerate(cols):
        if i not in names:
            hidden += 1
        name, label = names.get(i, ("은닉층", f"hidden_layer_{hidden}"))
        ask(ax.text(col[0][0], bottom, f"{name}\n({sizes[i]})", ha="center", va="top", fontsize=SMALL), label)
    ax.set_xlim(x[0] - 1.0, x[-1] + 1.0)
    ax.set_ylim(bottom - 1.2, top + 0.8)
    return fig


def _autoencoder_laid(sizes: list[int], code: int, layout: Layout) -> Figure:
    """The card's bow tie without the unit symbols (too small for legible letters inside), the layer names on
    one line (a slide) or two (a phone) and the encoder and decoder spans above."""
    phone = layout.name == "phone"
    fig = new_figure(layout.height, layout.width)
    ax = canvas(fig)
    cols = _net(ax, sizes, gap=2.2 if phone else 5.0, small=layout.small, count="" if phone else "side")
    for p in cols[code]:
        ax.add_patch(Circle(p, 0.32, facecolor="#c7e9c0", edgecolor=INK, lw=1.4, zorder=3))
    x = [col[0][0] for col in cols]
    top, bottom = max(p[1] for col in cols for p in col) + 0.7, min(p[1] for col in cols for p in col) - 0.7
    spans = [("인코더" if phone else "인코더 (encoder)", x[0], x[code], ACCENT, "encoder"),
             ("디코더" if phone else "디코더 (decoder)", x[code], x[-1], "#d62728", "decoder")]
    for text, a, b, color, label in spans:
        arrow(ax, (a, top), (b, top), shrink=4, color=color, lw=1.6)
        ask(ax.text((a + b) / 2, top + 0.25, text, ha="center", va="bottom", fontsize=layout.text, color=color),
            label)
    names = {0: ("입력", "$x$ ", "input_layer"), code: ("코드" if phone else "병목 코드", "$z$ ", "code"),
             len(cols) - 1: ("출력", "$\\hat{x}$ ", "output_layer")}
    hidden = 0
    for i, col in enumerate(cols):
        hidden += i not in names
        name, symbol, label = names.get(i, ("은닉층", "", f"hidden_layer_{hidden}"))
        ask(ax.text(col[0][0], bottom, f"{name}{chr(10) if phone else ' '}{symbol}({sizes[i]})", ha="center",
                    va="top", fontsize=layout.small), label)
    room = (0.3, 0.3, 0.6, 0.45) if phone else (0.9, 0.9, 0.4, 0.45)
    fit(fig, ax, (x[0] - 0.4, x[-1] + 0.4), (bottom, top), layout, 0.6, room)
    return fig


def dropped_units(layers: Sequence[int], rate: float, seed: int) -> set[tuple[int, int]]:
    """Return the (layer, unit) pairs dropped with probability `rate`; the output layer is kept.

    Every layer keeps at least two units (or all it has, if fewer): one survivor would not look like a net.
    """
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
    rng = np.random.default_rng(seed)
    out: set[tuple[int, int]] = set()
    for i, n in enumerate(layers[:-1]):
        shown = min(n, MAX_NODES)
        drop = rng.random(shown) < rate
        missing = min(2, shown) - int((~drop).sum())
        if missing > 0:  # revive seeded random dropped units
            drop[rng.choice(np.flatnonzero(drop), missing, replace=False)] = False
        out.update((i, j) for j in range(shown) if drop[j])
    return out


@drawer
def dropout(*, layers: Sequence[int], rate: float, seed: int, layout: Layout = CARD) -> Figure:
    """Draw a standard net beside the same net with randomly dropped units crossed out."""
    sizes = _check_layers(layers)
    dropped = dropped_units(sizes, rate, seed)
    if layout is not CARD:
        return _dropout_laid(sizes, dropped, rate, layout)
    gap = 1.7
    width = (len(sizes) - 1) * gap
    fig = new_figure(4.0, NET_WIDTH)
    ax = canvas(fig)
    left = _net(ax, sizes, gap=gap)
    right = _net(ax, sizes, x0=width + 2.6, gap=gap, dropped=dropped)
    bottom = min(p[1] for col in left for p in col) - 0.8
    ask(ax.text(width / 2, bottom, "(a) 표준 신경망", ha="center", va="top", fontsize=TEXT), "standard_net")
    ask(ax.text(width * 1.5 + 2.6, bottom, f"(b) 학습 중: 노드마다 확률 {rate:g}로 끔", ha="center", va="top",
                fontsize=TEXT), "thinned_net")
    _frame(ax, left + right, bottom - 0.6)
    return fig


def _dropout_laid(sizes: list[int], dropped: set[tuple[int, int]], rate: float, layout: Layout) -> Figure:
    """A slide: the two nets side by side, far enough apart for their names at slide sizes. A phone: the two
    nets flowing top down, one above the other, the thinned net's name on two lines."""
    if layout.name != "phone":
        return _dropout_slide(sizes, dropped, rate, layout)
    gap, room = 1.5, 2.4
    span = (len(sizes) - 1) * gap
    fig = new_figure(layout.height, layout.width)
    ax = canvas(fig)
    nets = [_net(ax, sizes, x0=x0, gap=gap, dropped=cut, vertical=True, small=layout.small)
            for x0, cut in ((0.0, None), (span + room, dropped))]
    names = (("(a) 표준 신경망", "standard_net"), (f"(b) 학습 중:\n노드마다 확률 {rate:g}로 끔", "thinned_net"))
    points = [p for net in nets for col in net for p in col]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    for net, (text, label) in zip(nets, names, strict=True):  # under the net's last row
        ask(ax.text(0.0, net[-1][0][1] - 0.6, text, ha="center", va="top", fontsize=layout.text), label)
    fit(fig, ax, (min(xs) - 0.5, max(xs) + 0.5), (min(ys) - 1.9, max(ys) + 0.5), layout, 0.6)
    return fig


def _dropout_slide(sizes: list[int], dropped: set[tuple[int, int]], rate: float, layout: Layout) -> Figure:
    """The two nets side by side, their names under them; the space between them and around the names in inches
    (a tall net's units are smaller, its names' letters are not)."""
    counted = max(sizes) > MAX_NODES  # "12개 중" above a taller layer
    inch = min(0.6, (layout.height - 2 * PAD - 0.75 - 0.35 * counted) / (min(max(sizes), MAX_NODES) + 0.2))
    per, gap = 1 / inch, 2.4
    span = (len(sizes) - 1) * gap
    fig = new_figure(layout.height, layout.width)
    ax = canvas(fig)
    room = max(4.0, 3.7 * per - span)  # the two names' half widths (≈ 1.1 and 2.2 in) and 0.4 in between
    nets = [_net(ax, sizes, x0=x0, gap=gap, dropped=cut, small=layout.small, count="top")
            for x0, cut in ((0.0, None), (span + room, dropped))]
    names = (("(a) 표준 신경망", "standard_net"), (f"(b) 학습 중: 노드마다 확률 {rate:g}로 끔", "thinned_net"))
    points = [p for net in nets for col in net for p in col]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    below = min(ys) - 0.32 - 0.2 * per
    for net, (text, label) in zip(nets, names, strict=True):
        ask(ax.text((net[0][0][0] + net[-1][0][0]) / 2, below, text, ha="center", va="top", fontsize=layout.text),
            label)
    half = span / 2 * inch  # inches from a net's middle to its edge
    sides = (max(0.1, 1.2 - half), max(0.1, 2.3 - half))
    fit(fig, ax, (min(xs) - 0.4, max(xs) + 0.4), (below - 0.45 * per, max(ys) + 0.4 + 0.35 * counted * per), layout,
        inch, sides)
    return fig


@drawer
def rbm(*, visible: int, hidden: int, layout: Layout = CARD) -> Figure:
    """Draw a restricted Boltzmann machine: visible and hidden layers, biases, no intra-layer edges."""
    if visible < 1 or hidden < 1:
        raise ValueError(f"visible and hidden must be positive, got {visible} and {hidden}")
    if layout.name == "phone":
        return _rbm_phone(visible, hidden, layout)
    text, small = (TEXT, SMALL) if layout is CARD else (layout.text, layout.small)
    gap = 1.3
    vis = [(i * gap - (min(visible, MAX_NODES) - 1) * gap / 2, 0.0) for i in range(min(visible, MAX_NODES))]
    hid = [(i * gap - (min(hidden, MAX_NODES) - 1) * gap / 2, 2.6) for i in range(min(hidden, MAX_NODES))]
    fig = new_figure(4.2, NET_WIDTH)
    ax = canvas(fig)
    _edges(ax, vis, hid, color="#444444", lw=0.9)
    for j, p in enumerate(vis):
        node(ax, p, face=PALE, text=f"$v_{{{j + 1}}}$", fontsize=text)
    for j, p in enumerate(hid):
        node(ax, p, face=WARM, text=f"$h_{{{j + 1}}}$", fontsize=text)
    right = max(vis[-1][0], hid[-1][0]) + 1.4
    for y, row, name, label in ((0.0, vis, "$a$", "visible_bias"), (2.6, hid, "$b$", "hidden_bias")):
        bias = (right, y + (0.9 if y == 0 else -0.9))
        ax.add_patch(Circle(bias, 0.25, facecolor="#eeeeee", edgecolor=INK, lw=1.0, ls="--", zorder=3))
        ax.text(*bias, "+1", ha="center", va="center", fontsize=small, zorder=4)
        ax.add_collection(LineCollection([[bias, p] for p in row], colors=MUTED, linewidths=0.7,
                                         linestyles="dashed", zorder=1))
        ask(ax.text(bias[0] + 0.35, bias[1], f"편향 {name}", va="center", fontsize=small), label)
    left = min(vis[0][0], hid[0][0]) - 0.7
    ask(ax.text(left, 0.0, "가시층 $v$\n(visible)", ha="right", va="center", fontsize=text), "visible_layer")
    ask(ax.text(left, 2.6, "은닉층 $h$\n(hidden)", ha="right", va="center", fontsize=text), "hidden_layer")
    ax.text(0.0, -0.75, "같은 층 안에는 연결이 없다 · 층 사이 가중치 $W$ (양방향)", ha="center", va="top",
            fontsize=small, color="#555555")
    if layout is CARD:
        ax.set_xlim(left - 2.0, right + 1.6)
        ax.set_ylim(-1.3, 3.3)
    else:  # a slide: the card's drawing at its sizes, a unit about an inch (the labels take 2 units beside)
        fit(fig, ax, (left - 2.0, right + 1.6), (-1.3, 3.3), layout, 1.0)
    return fig


def _rbm_phone(visible: int, hidden: int, layout: Layout) -> Figure:
    """The two layers and their edges, each layer named above or below its row; no biases (a phone's quiz side
    needs only the bipartite graph), the no-intra-layer-edges remark kept."""
    gap, r, y = 1.15, 0.42, 3.4
    vis = [(i * gap - (min(visible, MAX_NODES) - 1) * gap / 2, 0.0) for i in range(min(visible, MAX_NODES))]
    hid = [(i * gap - (min(hidden, MAX_NODES) - 1) * gap / 2, y) for i in range(min(hidden, MAX_NODES))]
    fig = new_figure(layout.height, layout.width)
    ax = canvas(fig)
    _edges(ax, vis, hid, color="#444444", lw=0.9)
    for row, sym, face in ((vis, "v", PALE), (hid, "h", WARM)):
        for j, p in enumerate(row):
            node(ax, p, r=r, face=face, text=f"${sym}_{{{j + 1}}}$", fontsize=layout.small)
    ask(ax.text(0.0, y + 0.75, "은닉층 $h$ (hidden)", ha="center", va="bottom", fontsize=layout.text), "hidden_layer")
    ask(ax.text(0.0, -0.75, "가시층 $v$ (visible)", ha="center", va="top", fontsize=layout.text), "visible_layer")
    ax.text(0.0, -1.75, "같은 층 안에는 연결이 없다", ha="center", va="top", fontsize=layout.small, color="#555555")
    half = max(vis[-1][0], hid[-1][0], 2.6) + r + 0.2
    fit(fig, ax, (-half, half), (-2.7, y + 1.7), layout, 0.6)
    return fig
