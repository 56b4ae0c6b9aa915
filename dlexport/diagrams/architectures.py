"""Hand-laid architecture diagrams (GRU cell, DBN, BPTT, bidirectional RNN, seq2seq, attention block, VAE, GAN,
denoising) whose labels name the parts but never the architecture itself, legible at card width, and laid out
again for a slide (landscape, the card's labels all kept) or a phone (upright, secondary parts left out) when a
drawer is given `layout=SLIDE` or `PHONE`: drawn in inches at the place's own size, or, for the slides of the
flatter figures, the card's drawing with the slide's font sizes, scaled to fit 11.5 × 4.1 in."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Polygon
from matplotlib.text import Text

from dlexport.diagrams.style import ACCENT, INK, MUTED, PALE, WARM, ask, bold, drawer, new_figure
from dlexport.legibility import CARD, Layout

__all__ = ["bidirectional_rnn", "bptt", "dbn", "denoising_autoencoder", "gan", "gru_cell", "seq2seq",
           "transformer_block", "vae"]

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


def _canvas(fig: Figure) -> Axes:
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _fit(ax: Axes, fig: Figure, x: tuple[float, float], y: tuple[float, float]) -> None:
    """Show the data box `x` × `y` (widened if needed to be no taller than MAX_RATIO of its width) and give
    the figure the same aspect ratio, WIDTH inches wide."""
    spare = max(0.0, (y[1] - y[0]) / MAX_RATIO - (x[1] - x[0])) / 2
    ax.set_xlim(x[0] - spare, x[1] + spare)
    ax.set_ylim(*y)
    fig.set_size_inches(WIDTH, WIDTH * (y[1] - y[0]) / (x[1] - x[0] + 2 * spare))


def _box(ax: Axes, at: Point, w: float, h: float, text: str = "", face: str = "white", size: float = TEXT,
         edge: str = INK, lw: float = 1.3, strong: bool = False, color: str = INK, name: str = "") -> None:
    """Draw a rounded box centred on `at` with an optional centred label (askable as `name`, if given)."""
    ax.add_patch(FancyBboxPatch((at[0] - w / 2, at[1] - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.12",
                                facecolor=face, edgecolor=edge, lw=lw, zorder=3))
    if text:
        font = {"fontproperties": bold(size)} if strong else {"fontsize": size}
        _named(ax.text(*at, text, ha="center", va="center", zorder=4, color=color, **font), name)


def _arrow(ax: Axes, a: Point, b: Point, color: str = INK, lw: float = 1.4, rad: float = 0.0, ls: str = "-",
           shrink: float = 0.0, head: bool = True, scale: float = 13) -> None:
    ax.add_patch(FancyArrowPatch(a, b, connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>" if head else "-",
                                 mutation_scale=scale, lw=lw, color=color, linestyle=ls, shrinkA=shrink,
                                 shrinkB=shrink, zorder=2))


def _path(ax: Axes, points: Sequence[Point], color: str = INK, lw: float = 1.4, ls: str = "-") -> None:
    """Draw a polyline whose last segment ends in an arrow head."""
    if len(points) > 2:
        ax.add_collection(LineCollection([list(points[:-1])], colors=color, linewidths=lw, linestyles=ls,
                                         zorder=2))
    _arrow(ax, points[-2], points[-1], color=color, lw=lw, ls=ls)


def _named(text: Text, name: str) -> Text:
    """Mark `text` as the askable label `name`, unless `name` is empty."""
    return ask(text, name) if name else text


def _label(ax: Axes, at: Point, text: str, size: float = SMALL, color: str = INK, ha: str = "center",
           va: str = "center", name: str = "") -> None:
    """Write a label on a white ground, so that lines passing behind it don't cross its letters."""
    _named(ax.text(*at, text, ha=ha, va=va, fontsize=size, color=color, zorder=5,
                   bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}), name)


def _op(ax: Axes, at: Point, sign: str, r: float = 0.24, face: str = "white", size: float = BIG) -> None:
    """Draw a small circle with an operator sign (×, +) in it."""
    ax.add_patch(Circle(at, r, facecolor=face, edgecolor=INK, lw=1.3, zorder=3))
    ax.text(*at, sign, ha="center", va="center", fontsize=size, zorder=4)


def _node(ax: Axes, at: Point, r: float = 0.3, face: str = "white", text: str = "", size: float = SMALL,
          edge: str = INK) -> None:
    ax.add_patch(Circle(at, r, facecolor=face, edgecolor=edge, lw=1.3, zorder=3))
    if text:
        ax.text(*at, text, ha="center", va="center", fontsize=size, zorder=4)


def _inches(ax: Axes, fig: Figure, x: tuple[float, float], y: tuple[float, float]) -> None:
    """Show the data box `x` × `y`, whose units are inches, at its own size (a slide or a phone layout)."""
    ax.set_xlim(*x)
    ax.set_ylim(*y)
    fig.set_size_inches(x[1] - x[0], y[1] - y[0])


@drawer
def gru_cell(*, layout: Layout = CARD) -> Figure:
    """Draw a cell with a reset and an update gate, the candidate state and the mix of old and new state."""
    fig = new_figure(4.0, WIDTH)
    if layout.name != CARD.name:
        (_gru_slide if layout.name == "slide" else _gru_phone)(fig, layout)
        return fig
    ax = _canvas(fig)
    top, gates, bus = 6.6, 3.1, 1.2
    ax.text(-0.1, top, "$h_{t-1}$", ha="right", va="center", fontsize=BIG)
    ax.text(1.6, -0.75, "$x_t$", ha="center", va="top", fontsize=BIG)
    keep, mix, out = (5.6, top), (9.6, top), (11.2, top)
    ax.add_collection(LineCollection([[(0.0, top), (keep[0] - 0.24, top)], [(0.8, top), (0.8, bus)],
                                      [(1.6, -0.6), (1.6, bus)]], colors=INK, linewidths=1.4, zorder=2))
    _op(ax, keep, "×")
    _op(ax, mix, "+")
    _arrow(ax, keep, mix, shrink=9)
    _arrow(ax, mix, out)
    ax.text(out[0] + 0.1, top, "$h_t$", ha="left", va="center", fontsize=BIG)
    # The gates read h_{t-1} and x_t; the candidate reads x_t and the reset-scaled h_{t-1}.
    reset, update, cand = (2.8, gates), (5.6, gates), (8.4, gates)
    for gate, sym, name, label in ((reset, "r", "리셋 게이트", "reset_gate"),
                                   (update, "z", "업데이트 게이트", "update_gate")):
        _box(ax, gate, 1.3, 0.8, f"$\\sigma$ → ${sym}_t$", face=PALE, size=TEXT)
        _label(ax, (gate[0], gate[1] - 0.6), name, color=ACCENT, va="top", name=label)
        _path(ax, [(gate[0], bus), (gate[0], gate[1] - 0.4)])
    ax.add_collection(LineCollection([[(0.8, bus), (update[0], bus)], [(1.6, 0.3), (cand[0], 0.3)]],
                                     colors=INK, linewidths=1.4, zorder=2))
    ax.text(4.2, bus + 0.08, "$[h_{t-1}, x_t]$", ha="center", va="bottom", fontsize=SMALL)
    _path(ax, [(cand[0], 0.3), (cand[0], gates - 0.4)])
    _box(ax, cand, 2.1, 0.8, "tanh → $\\tilde{h}_t$", face=WARM, size=TEXT)
    _label(ax, (cand[0], gates - 0.6), "후보 상태", color="#a05a00", va="top", name="candidate_state")
    scaled = (reset[0], 4.9)
    _op(ax, scaled, "×")
    _arrow(ax, (reset[0], gates + 0.4), scaled, shrink=0)
    _path(ax, [(reset[0], top), (reset[0], scaled[1] + 0.24)])
    _path(ax, [(scaled[0] + 0.24, scaled[1]), (7.9, scaled[1]), (7.9, gates + 0.4)])
    ax.text(4.6, scaled[1] + 0.1, "$r_t$ × $h_{t-1}$", ha="center", va="bottom", fontsize=SMALL)
    # The update gate keeps z of the old state and takes 1 - z of the candidate.
    _arrow(ax, (update[0], gates + 0.4), (keep[0], top - 0.24))
    ax.text(update[0] + 0.12, 4.6, "$z_t$", ha="left", va="center", fontsize=TEXT)
    one_minus = (9.6, 4.9)
    _box(ax, one_minus, 1.1, 0.6, "$1 - z_t$", size=SMALL)
    _path(ax, [(update[0] + 0.1, gates + 0.4), (6.6, 4.3), (one_minus[0] - 0.3, 4.3),
               (one_minus[0] - 0.3, one_minus[1] - 0.3)])
    take = (9.6, 5.75)
    _op(ax, take, "×")
    _arrow(ax, (one_minus[0], one_minus[1] + 0.3), take, shrink=0)
    _path(ax, [(cand[0] + 0.6, gates + 0.4), (cand[0] + 0.6, 3.9), (10.6, 3.9), (10.6, take[1]),
               (take[0] + 0.24, take[1])])
    _arrow(ax, take, mix, shrink=9)
    ask(ax.text(keep[0], top + 0.35, "옛 상태를 $z_t$만큼 유지", ha="center", va="bottom", fontsize=SMALL),
        "keep_old_state")
    ask(ax.text(mix[0], top + 0.35, "후보를 $1 - z_t$만큼", ha="center", va="bottom", fontsize=SMALL),
        "add_candidate")
    _fit(ax, fig, (-1.4, 12.2), (-1.4, 7.6))
    return fig


def _gru_slide(fig: Figure, layout: Layout) -> None:
    """The cell of `gru_cell` laid out in inches for a slide: the card's wiring, flatter and wider."""
    ax = _canvas(fig)
    small, text, big = layout.small, layout.text, layout.big
    top, gates, bus, xs, r = 3.4, 1.7, 0.7, 0.25, 0.17
    ax.text(0.75, top, "$h_{t-1}$", ha="right", va="center", fontsize=big)
    ax.text(0.75, xs, "$x_t$", ha="right", va="center", fontsize=big)
    keep, mix, take, one_minus = (6.0, top), (10.3, top), (10.3, 2.95), (10.3, 2.3)
    ax.add_collection(LineCollection([[(0.85, top), (keep[0] - r, top)], [(1.05, top), (1.05, bus)],
                                      [(0.85, xs), (7.95, xs)], [(1.45, xs), (1.45, bus)],
                                      [(1.05, bus), (keep[0], bus)]], colors=INK, linewidths=1.6, zorder=2))
    for at, sign in ((keep, "×"), (mix, "+"), (take, "×")):
        _op(ax, at, sign, r=r, size=big)
    _arrow(ax, keep, mix, shrink=12, scale=18)
    _arrow(ax, mix, (11.1, top), shrink=0, scale=18)
    ax.text(11.15, top, "$h_t$", ha="left", va="center", fontsize=big)
    reset, update, cand = (3.0, gates), (6.0, gates), (8.8, gates)
    for gate, sym, name, label in ((reset, "r", "리셋 게이트", "reset_gate"),
                                   (update, "z", "업데이트 게이트", "update_gate")):
        _box(ax, gate, 1.3, 0.5, f"$\\sigma$ → ${sym}_t$", face=PALE, size=text)
        _label(ax, (gate[0], gate[1] - 0.35), name, size=small, color=ACCENT, va="top", name=label)
        _arrow(ax, (gate[0], bus), (gate[0], gate[1] - 0.25), scale=18)
    ax.text(4.5, bus + 0.05, "$[h_{t-1}, x_t]$", ha="center", va="bottom", fontsize=small)
    _arrow(ax, (7.95, xs), (7.95, gates - 0.25), scale=18)
    _box(ax, cand, 2.0, 0.5, "tanh → $\\tilde{h}_t$", face=WARM, size=text)
    _label(ax, (cand[0] + 0.2, gates - 0.35), "후보 상태", size=small, color="#a05a00", va="top",
           name="candidate_state")
    scaled = (reset[0], 2.6)
    _op(ax, scaled, "×", r=r, size=big)
    _arrow(ax, (reset[0], gates + 0.25), (reset[0], scaled[1] - r), scale=18)
    _arrow(ax, (reset[0], top), (reset[0], scaled[1] + r), scale=18)
    _path(ax, [(scaled[0] + r, scaled[1]), (8.3, scaled[1]), (8.3, gates + 0.25)])
    ax.text(4.5, scaled[1] + 0.05, "$r_t$ × $h_{t-1}$", ha="center", va="bottom", fontsize=small)
    _arrow(ax, (update[0], gates + 0.25), (keep[0], top - r), scale=18)
    ax.text(update[0] - 0.1, 2.2, "$z_t$", ha="right", va="center", fontsize=text)
    _box(ax, one_minus, 0.95, 0.45, "$1 - z_t$", size=small)
    _path(ax, [(update[0] + 0.1, gates + 0.25), (6.45, one_minus[1]), (one_minus[0] - 0.475, one_minus[1])])
    _arrow(ax, (one_minus[0], one_minus[1] + 0.225), (take[0], take[1] - r), scale=18)
    _path(ax, [(cand[0] + 1.0, gates), (11.0, gates), (11.0, take[1]), (take[0] + r, take[1])])
    _arrow(ax, (take[0], take[1] + r), (mix[0], mix[1] - r), scale=18)
    ask(ax.text(keep[0], top + 0.25, "옛 상태를 $z_t$만큼 유지", ha="center", va="bottom", fontsize=small),
        "keep_old_state")
    ask(ax.text(mix[0], top + 0.25, "후보를 $1 - z_t$만큼", ha="center", va="bottom", fontsize=small),
        "add_candidate")
    _inches(ax, fig, (-0.1, 11.5), (-0.05, 4.0))


def _gru_phone(fig: Figure, layout: Layout) -> None:
    """The cell of `gru_cell` upright in inches for a phone: the old state rises on the left, the gates and the
    candidate in a column read the joined input on the right (the reset-scaled state left out)."""
    ax = _canvas(fig)
    small, text, big = layout.small, layout.text, layout.big
    line, col, riser, bus, r = 1.2, 2.45, 3.35, 0.5, 0.14
    keep, mix = (line, 2.65), (line, 4.55)
    ax.text(line, 0.32, "$h_{t-1}$", ha="center", va="top", fontsize=big)
    ax.text(riser, 0.32, "$x_t$", ha="center", va="top", fontsize=big)
    ax.add_collection(LineCollection([[(line, 0.35), (line, keep[1] - r)], [(line, bus), (riser, bus)],
                                      [(riser, 0.35), (riser, 4.0)]], colors=INK, linewidths=1.4, zorder=2))
    _op(ax, keep, "×", r=r, size=big)
    _op(ax, mix, "+", r=r, size=big)
    _arrow(ax, keep, mix, shrink=10)
    _arrow(ax, mix, (line, 5.0), shrink=0)
    ax.text(line, 5.02, "$h_t$", ha="center", va="bottom", fontsize=big)
    reset, update, cand = (col, 1.25), (col, 2.65), (col, 4.0)
    for at, body, face in ((reset, "$\\sigma$ → $r_t$", PALE), (update, "$\\sigma$ → $z_t$", PALE),
                           (cand, "tanh → $\\tilde{h}_t$", WARM)):
        _box(ax, at, 1.3, 0.42, body, face=face, size=text)
        _arrow(ax, (riser, at[1]), (col + 0.65, at[1]))
    for at, name, label, color in ((reset, "리셋 게이트", "reset_gate", ACCENT),
                                   (update, "업데이트 게이트", "update_gate", ACCENT),
                                   (cand, "후보 상태", "candidate_state", "#a05a00")):
        _label(ax, (col, at[1] - 0.28), name, size=small, color=color, va="top", name=label)
    _path(ax, [(col - 0.65, reset[1]), (1.55, reset[1]), (1.55, cand[1]), (col - 0.65, cand[1])])
    _arrow(ax, (col - 0.65, update[1]), (keep[0] + r, keep[1]))
    _path(ax, [(col, cand[1] + 0.21), (col, mix[1]), (mix[0] + r, mix[1])])
    ask(ax.text(line - 0.22, keep[1], "옛 상태를\n$z_t$만큼 유지", ha="right", va="center", fontsize=small),
        "keep_old_state")
    ask(ax.text(line - 0.22, mix[1], "후보를\n$1 - z_t$만큼", ha="right", va="center", fontsize=small),
        "add_candidate")
    _inches(ax, fig, (0.0, 3.45), (-0.05, 5.25))


def _row(y: float, size: int, gap: float = 0.9, shown: int = 7) -> list[Point]:
    n = min(size, shown)
    return [((i - (n - 1) / 2) * gap, y) for i in range(n)]


def _dbn_net(ax: Axes, rows: Sequence[Sequence[Point]], r: float, shrink: float) -> None:
    """Draw the stack's nodes and connections: the top pair undirected (blue), the rest pointing down."""
    top = len(rows) - 1
    for i in range(top):
        pairs = [[a, b] for a in rows[i] for b in rows[i + 1]]
        undirected = i == top - 1
        ax.add_collection(LineCollection(pairs, colors=ACCENT if undirected else "#777777",
                                         linewidths=1.2 if undirected else 0.7, zorder=1))
        if not undirected:  # generative connections point down
            for b in rows[i + 1]:
                _arrow(ax, b, (b[0], rows[i][0][1]), color="#555555", lw=1.2, shrink=shrink)
    for i, row in enumerate(rows):
        face = PALE if i == 0 else WARM if i == top else "white"
        for p in row:
            _node(ax, p, r=r, face=face)


def _dbn_phone(fig: Figure, layout: Layout, sizes: Sequence[int]) -> None:
    """`dbn` for a phone (inches): at most five units a layer, the RBMs' names without "학습", the
    pre-training order's name under the stack and the card's caption left out."""
    ax = _canvas(fig)
    small, top = layout.small, len(sizes) - 1
    step = min(1.0, 3.9 / top)
    rows = [[(1.75 + x * 0.24 / 0.9, 0.8 + i * step) for x, _ in _row(0.0, n, shown=5)]
            for i, n in enumerate(sizes)]
    _dbn_net(ax, rows, 0.085, 7)
    for i, row in enumerate(rows):
        name, label = ("가시층 $v$", "visible_layer") if i == 0 else (f"은닉층 $h^{{{i}}}$", f"hidden_layer_{i}")
        ask(ax.text(1.06, row[0][1], name, ha="right", va="center", fontsize=small), label)
    for i in range(top):
        lo, hi = rows[i][0][1] + 0.1, rows[i + 1][0][1] - 0.1
        ax.add_collection(LineCollection([[(2.36, lo), (2.44, lo), (2.44, hi), (2.36, hi)]], colors=INK,
                                         linewidths=1.2, zorder=2))
        ask(ax.text(2.52, (lo + hi) / 2, f"{'①②③④'[i]} RBM {i + 1}", ha="left", va="center", fontsize=small,
                    color=ACCENT if i == top - 1 else INK), f"rbm_{i + 1}")
    _arrow(ax, (0.1, 0.7), (0.1, rows[-1][0][1] + 0.1), color=RED, lw=2.2)
    ask(ax.text(1.75, 0.45, "한 층씩 사전 학습", ha="center", va="top", fontsize=small, color=RED),
        "greedy_pretraining")
    _inches(ax, fig, (0.0, 3.42), (0.05, rows[-1][0][1] + 0.2))


@drawer
def dbn(*, layers: Sequence[int], layout: Layout = CARD) -> Figure:
    """Draw a stack of RBMs trained greedily from the bottom up; the top pair undirected, the rest top-down."""
    sizes = [int(n) for n in layers]
    if not 3 <= len(sizes) <= 5 or min(sizes) < 1:
        raise ValueError(f"layers must be 3 to 5 positive sizes (visible layer first), got {list(layers)}")
    fig = new_figure(4.0, WIDTH)
    if layout.name == "phone":
        _dbn_phone(fig, layout, sizes)
        return fig
    ax = _canvas(fig)
    step = 1.55
    rows = [_row(i * step, n) for i, n in enumerate(sizes)]
    top = len(rows) - 1
    _dbn_net(ax, rows, 0.22, 10)
    for i, row in enumerate(rows):
        name, label = ("가시층 $v$", "visible_layer") if i == 0 else (f"은닉층 $h^{{{i}}}$", f"hidden_layer_{i}")
        ask(ax.text(-3.6, row[0][1], name, ha="right", va="center", fontsize=layout.text), label)
    right = 3.3
    for i in range(top):
        lo, hi = i * step + 0.15, (i + 1) * step - 0.15
        x = right + 0.25 * (i % 2)
        ax.add_collection(LineCollection([[(x - 0.15, lo), (x, lo), (x, hi), (x - 0.15, hi)]], colors=INK,
                                         linewidths=1.2, zorder=2))
        ask(ax.text(x + 0.2, (lo + hi) / 2, f"{'①②③④'[i]} RBM {i + 1} 학습", ha="left", va="center",
                    fontsize=layout.text, color=ACCENT if i == top - 1 else INK), f"rbm_{i + 1}")
    _arrow(ax, (-7.6, -0.3), (-7.6, top * step + 0.3), color=RED, lw=2.2)
    ask(ax.text(-7.85, top * step / 2, "한 층씩 사전 학습", rotation=90, ha="right", va="center",
                fontsize=layout.text, color=RED), "greedy_pretraining")
    ax.text(0.0, -0.7, "앞 단계 은닉층의 활성이 다음 RBM의 입력 · 맨 위 두 층만 방향 없음", ha="center",
            va="top", fontsize=layout.small, color="#444444")
    xs, ys = (-8.9, 7.4), (-1.5, top * step + 0.6)
    if layout.name == "slide":  # the card's drawing, as large as a slide's 11.5 × 4.1 in allow
        _scaled(ax, fig, xs, ys, min(4.1 / (ys[1] - ys[0]), 11.5 / (xs[1] - xs[0])))
    else:
        _fit(ax, fig, xs, ys)
    return fig


def _check_steps(steps: int, most: int = 6) -> None:
    if not 2 <= steps <= most:
        raise ValueError(f"steps must be 2 to {most} (wider figures are unreadable on a card), got {steps}")


def _unrolled(ax: Axes, steps: int, gap: float, rows: dict[str, float], r: float, size: float) -> None:
    """Draw the unrolled net of `bptt` in inches: nodes `r` in radius, columns `gap` apart, forward arrows
    and the gradient's dashed path back, `W` over each recurrent arrow when there is room."""
    for t in range(steps):
        x, n = t * gap, t + 1
        _node(ax, (x, rows["x"]), r=r, face=PALE, text=f"$x_{{{n}}}$", size=size)
        _node(ax, (x, rows["h"]), r=r, text=f"$h_{{{n}}}$", size=size)
        _node(ax, (x, rows["y"]), r=r, face=WARM, text=f"$y_{{{n}}}$", size=size)
        _box(ax, (x, rows["L"]), 2 * r + 0.12, 0.42, f"$L_{{{n}}}$", face="#f6d5d1", size=size)
        for a, b in (("x", "h"), ("h", "y"), ("y", "L")):
            _arrow(ax, (x - 0.06, rows[a] + r), (x - 0.06, rows[b] - (0.21 if b == "L" else r)))
        for a, b in (("L", "y"), ("y", "h")):
            _arrow(ax, (x + 0.1, rows[a] - (0.21 if a == "L" else r)), (x + 0.1, rows[b] + r), color=RED, ls="--")
        if t:
            _arrow(ax, (x - gap + r, rows["h"] + 0.06), (x - r, rows["h"] + 0.06))
            _arrow(ax, (x - r, rows["h"] - 0.06), (x - gap + r, rows["h"] - 0.06), color=RED, ls="--", rad=-0.35)
            if gap - 2 * r > 0.5:
                ax.text(x - gap / 2, rows["h"] + 0.12, "$W$", ha="center", va="bottom", fontsize=size)


def _legend_line(ax: Axes, at: Point, text: str, size: float, color: str = INK, ls: str = "-",
                 name: str = "") -> None:
    """Draw a short line in the style of `color` and `ls` and its text to the right (a legend entry)."""
    ax.plot([at[0], at[0] + 0.45], [at[1], at[1]], color=color, lw=1.8, ls=ls)
    _named(ax.text(at[0] + 0.55, at[1], text, ha="left", va="center", fontsize=size, color=color), name)


def _bptt_slide(fig: Figure, layout: Layout, steps: int) -> None:
    """`bptt` for a slide (inches): the unrolled net on the left, its legend and notes on the right."""
    ax = _canvas(fig)
    small, gap = layout.small, min(1.5, 5.7 / (steps - 1))
    _unrolled(ax, steps, gap, {"x": 0.3, "h": 1.5, "y": 2.55, "L": 3.5}, 0.26, layout.text)
    side = (steps - 1) * gap + 0.75
    _legend_line(ax, (side, 3.5), "순전파", small, name="forward_pass")
    _legend_line(ax, (side, 2.7), "역전파: 마지막 시간 단계에서\n처음으로", small, RED, "--", "backward_pass")
    ask(ax.text(side, 1.5, "같은 가중치 $W$의 기울기를\n시간 단계마다 더함", ha="left", va="center",
                fontsize=small, color=RED), "shared_weight_gradient")
    ax.text(side, 0.3, "시간 단계 →", ha="left", va="center", fontsize=small)
    _inches(ax, fig, (-0.35, side + 4.1), (-0.05, 3.8))


def _bptt_phone(fig: Figure, layout: Layout, steps: int) -> None:
    """`bptt` for a phone (inches): at most four steps under the legend, the shared weight's note below."""
    ax = _canvas(fig)
    small, shown = layout.small, min(steps, 4)
    gap = 2.75 / (shown - 1) if shown > 2 else 1.6
    left = (3.4 - (shown - 1) * gap) / 2
    ax.set_xlim(-left, 3.4 - left)
    _unrolled(ax, shown, gap, {"x": 1.05, "h": 2.15, "y": 3.0, "L": 3.8}, 0.24, layout.text)
    _legend_line(ax, (-left + 0.05, 5.05), "순전파", small, name="forward_pass")
    _legend_line(ax, (-left + 0.05, 4.5), "역전파: 마지막 시간\n단계에서 처음으로", small, RED, "--", "backward_pass")
    ask(ax.text(1.7 - left, 0.55, "같은 가중치 $W$의 기울기를\n시간 단계마다 더함", ha="center", va="center",
                fontsize=small, color=RED), "shared_weight_gradient")
    _inches(ax, fig, (-left, 3.4 - left), (0.1, 5.3))


@drawer
def bptt(*, steps: int, layout: Layout = CARD) -> Figure:
    """Draw an RNN unrolled over `steps` time steps: forward arrows, and the gradient flowing back through time."""
    _check_steps(steps)
    fig = new_figure(4.0, WIDTH)
    if layout.name != CARD.name:
        (_bptt_slide if layout.name == "slide" else _bptt_phone)(fig, layout, steps)
        return fig
    ax = _canvas(fig)
    gap = 2.3
    rows = {"x": 0.0, "h": 2.0, "y": 4.0, "L": 5.7}
    for t in range(steps):
        x = t * gap
        n = t + 1
        _node(ax, (x, rows["x"]), r=0.38, face=PALE, text=f"$x_{{{n}}}$", size=TEXT)
        _node(ax, (x, rows["h"]), r=0.38, text=f"$h_{{{n}}}$", size=TEXT)
        _node(ax, (x, rows["y"]), r=0.38, face=WARM, text=f"$y_{{{n}}}$", size=TEXT)
        _box(ax, (x, rows["L"]), 0.9, 0.6, f"$L_{{{n}}}$", face="#f6d5d1", size=TEXT)
        for a, b in (("x", "h"), ("h", "y"), ("y", "L")):
            _arrow(ax, (x - 0.12, rows[a]), (x - 0.12, rows[b]), shrink=17 if b != "L" else 14)
        for a, b in (("L", "y"), ("y", "h")):
            _arrow(ax, (x + 0.2, rows[a]), (x + 0.2, rows[b]), color=RED, ls="--", shrink=14)
        if t:
            _arrow(ax, (x - gap, rows["h"] + 0.12), (x, rows["h"] + 0.12), shrink=17)
            _arrow(ax, (x, rows["h"] - 0.05), (x - gap, rows["h"] - 0.05), color=RED, ls="--", shrink=17,
                   rad=-0.35)
            _label(ax, (x - gap / 2, rows["h"] + 0.4), "$W$", size=TEXT)
    right = (steps - 1) * gap
    _label(ax, (right / 2, 1.0), "같은 가중치 $W$의 기울기를 시간 단계마다 더함", color=RED, size=TEXT,
           name="shared_weight_gradient")
    ax.plot([-2.1, -1.5], [6.6, 6.6], color=INK, lw=1.6)
    ask(ax.text(-1.35, 6.6, "순전파", va="center", fontsize=TEXT), "forward_pass")
    ax.plot([0.5, 1.1], [6.6, 6.6], color=RED, lw=1.6, ls="--")
    ask(ax.text(1.25, 6.6, "역전파: 마지막 시간 단계에서 처음으로", va="center", fontsize=TEXT, color=RED),
        "backward_pass")
    ax.text(-0.7, -0.75, "시간 단계 →", ha="left", va="top", fontsize=TEXT)
    _fit(ax, fig, (-2.3, max(right + 1.0, 9.0)), (-1.4, 7.1))
    return fig


def _two_way(ax: Axes, steps: int, gap: float, rows: dict[str, float], size: float, upright: bool) -> None:
    """Draw the net of `bidirectional_rnn` in inches: time along x and the layers up (a slide), or, `upright`,
    time down and the layers left to right (a phone). Offsets are (along time, across the layers)."""
    def at(t: float, q: float) -> Point:
        return (q, -t) if upright else (t, q)

    along, across, r = (0.5, 0.64, 0.22) if upright else (0.75, 0.56, 0.27)  # box extents, node radius
    out = along / 2 + 0.15  # where the paths bypassing a layer run
    for i in range(steps):
        t, n = i * gap, i + 1
        box = (across, along) if upright else (along, across)
        _node(ax, at(t, rows["x"]), r=r, face=PALE, text=f"$x_{{{n}}}$", size=size)
        _box(ax, at(t, rows["f"]), *box, f"$\\overrightarrow{{h}}_{{{n}}}$", edge=ACCENT, lw=1.8, size=size)
        _box(ax, at(t, rows["b"]), *box, f"$\\overleftarrow{{h}}_{{{n}}}$", edge=RED, lw=1.8, size=size)
        _node(ax, at(t, rows["y"]), r=r, face=WARM, text=f"$y_{{{n}}}$", size=size)
        _arrow(ax, at(t, rows["x"] + r), at(t, rows["f"] - across / 2))
        _path(ax, [at(t - 0.15, rows["x"] + r * 0.8), at(t - out, rows["x"] + r + 0.25),
                   at(t - out, rows["b"] - across / 4), at(t - along / 2, rows["b"] - across / 4)])
        _path(ax, [at(t + along / 2 - 0.1, rows["f"] + across / 2), at(t + out, rows["f"] + across / 2 + 0.2),
                   at(t + out, rows["b"] + across / 2 + 0.2), at(t + 0.12, rows["y"] - r)], color=ACCENT)
        _arrow(ax, at(t - 0.06, rows["b"] + across / 2), at(t - 0.06, rows["y"] - r), color=RED)
        if i:
            _arrow(ax, at(t - gap + along / 2, rows["f"]), at(t - along / 2, rows["f"]), color=ACCENT, lw=1.8)
            _arrow(ax, at(t - along / 2, rows["b"]), at(t - gap + along / 2, rows["b"]), color=RED, lw=1.8)


def _two_way_slide(fig: Figure, layout: Layout, steps: int) -> None:
    """`bidirectional_rnn` for a slide (inches): the card's arrangement, flatter, its notes on the right."""
    ax = _canvas(fig)
    gap, rows = min(1.7, 6.5 / (steps - 1)), {"x": 0.3, "f": 1.35, "b": 2.35, "y": 3.45}
    _two_way(ax, steps, gap, rows, layout.text, upright=False)
    side = (steps - 1) * gap + 0.75
    for row, text, color, name in (("f", "순방향 은닉층\n($t$ = 1 → $T$)", ACCENT, "forward_layer"),
                                   ("b", "역방향 은닉층\n($t$ = $T$ → 1)", RED, "backward_layer"),
                                   ("y", "출력: 두 상태를\n이어 붙여 계산", INK, "output_layer"),
                                   ("x", "입력 (같은 입력을\n두 층이 함께 읽음)", INK, "input_layer")):
        ask(ax.text(side, rows[row], text, ha="left", va="center", fontsize=layout.small, color=color), name)
    _inches(ax, fig, (-0.6, side + 2.45), (-0.05, 3.8))


def _two_way_phone(fig: Figure, layout: Layout, steps: int) -> None:
    """`bidirectional_rnn` for a phone (inches): time running down at most four steps, each layer a column
    under its name (the card's longer notes left out)."""
    ax = _canvas(fig)
    shown = min(steps, 4)
    gap, rows = min(1.2, 3.0 / (shown - 1)), {"x": 0.3, "f": 1.25, "b": 2.2, "y": 3.1}
    _two_way(ax, shown, gap, rows, layout.text, upright=True)
    for row, text, color, name in (("f", "순방향\n은닉층", ACCENT, "forward_layer"),
                                   ("b", "역방향\n은닉층", RED, "backward_layer"),
                                   ("y", "출력", INK, "output_layer"), ("x", "입력", INK, "input_layer")):
        ask(ax.text(rows[row], 0.5, text, ha="center", va="bottom", fontsize=layout.small, color=color), name)
    _inches(ax, fig, (0.0, 3.4), (-(shown - 1) * gap - 0.5, 1.15))


@drawer
def bidirectional_rnn(*, steps: int, layout: Layout = CARD) -> Figure:
    """Draw a forward and a backward recurrent layer over the same inputs, their states joined at each output."""
    _check_steps(steps)
    fig = new_figure(4.0, WIDTH)
    if layout.name != CARD.name:
        (_two_way_slide if layout.name == "slide" else _two_way_phone)(fig, layout, steps)
        return fig
    ax = _canvas(fig)
    gap = 2.3
    ys = {"x": 0.0, "f": 1.9, "b": 3.5, "y": 5.6}
    for t in range(steps):
        x = t * gap
        n = t + 1
        _node(ax, (x, ys["x"]), r=0.38, face=PALE, text=f"$x_{{{n}}}$", size=TEXT)
        _box(ax, (x, ys["f"]), 0.95, 0.6, f"$\\overrightarrow{{h}}_{{{n}}}$", edge=ACCENT, lw=1.8, size=TEXT)
        _box(ax, (x, ys["b"]), 0.95, 0.6, f"$\\overleftarrow{{h}}_{{{n}}}$", edge=RED, lw=1.8, size=TEXT)
        _node(ax, (x, ys["y"]), r=0.38, face=WARM, text=f"$y_{{{n}}}$", size=TEXT)
        _arrow(ax, (x, ys["x"] + 0.38), (x, ys["f"] - 0.3))
        _path(ax, [(x - 0.3, ys["x"] + 0.25), (x - 0.68, ys["x"] + 0.7), (x - 0.68, ys["b"] - 0.15),
                   (x - 0.48, ys["b"] - 0.15)], lw=1.4)
        _path(ax, [(x + 0.3, ys["f"] + 0.3), (x + 0.68, ys["f"] + 0.6), (x + 0.68, ys["b"] + 0.6),
                   (x + 0.2, ys["y"] - 0.36)], color=ACCENT)
        _arrow(ax, (x - 0.1, ys["b"] + 0.3), (x - 0.1, ys["y"] - 0.38), color=RED)
        if t:
            _arrow(ax, (x - gap + 0.48, ys["f"]), (x - 0.48, ys["f"]), color=ACCENT, lw=1.8)
            _arrow(ax, (x - 0.48, ys["b"]), (x - gap + 0.48, ys["b"]), color=RED, lw=1.8)
    right = (steps - 1) * gap
    ask(ax.text(right + 0.8, ys["f"], "순방향 은닉층\n($t$ = 1 → $T$)", ha="left", va="center", fontsize=TEXT,
                color=ACCENT), "forward_layer")
    ask(ax.text(right + 0.8, ys["b"], "역방향 은닉층\n($t$ = $T$ → 1)", ha="left", va="center", fontsize=TEXT,
                color=RED), "backward_layer")
    ask(ax.text(right + 0.8, ys["y"], "출력: 두 상태를\n이어 붙여 계산", ha="left", va="center", fontsize=TEXT),
        "output_layer")
    ask(ax.text(right + 0.8, ys["x"], "입력 (같은 입력을\n두 층이 함께 읽음)", ha="left", va="center",
                fontsize=TEXT), "input_layer")
    _fit(ax, fig, (-1.0, right + 4.6), (-0.8, 6.4))
    return fig


def _seq2seq_phone(fig: Figure, layout: Layout, src: Sequence[str], tgt: Sequence[str]) -> None:
    """`seq2seq` running down the page for a phone (inches): each step a row, its input token on the left and
    its output on the right; the dashed feedback arrows left out (the repeated tokens and the label say it)."""
    ax = _canvas(fig)
    small, text, x = layout.small, layout.text, 1.55
    rows = len(src) + len(tgt) + 2
    pitch = min(0.6, 4.0 / (rows - 1))
    ys = [4.6 - i * pitch for i in range(rows)]
    enc, ctx, dec = ys[:len(src)], ys[len(src)], ys[len(src) + 1:]
    for i, y in enumerate(enc):
        _box(ax, (x, y), 0.5, 0.34, face=PALE, edge=ACCENT, lw=1.6)
        ax.text(x - 0.5, y, src[i], ha="right", va="center", fontsize=text)
        _arrow(ax, (x - 0.45, y), (x - 0.25, y))
        if i:
            _arrow(ax, (x, enc[i - 1] - 0.17), (x, y + 0.17))
    ask(ax.text(x + 0.5, (enc[0] + enc[-1]) / 2, "인코더", ha="left", va="center", fontproperties=bold(layout.big),
                color=ACCENT), "encoder")
    _arrow(ax, (x, enc[-1] - 0.17), (x, ctx + 0.2), lw=1.8)
    _node(ax, (x, ctx), r=0.2, face=GREEN, text="$c$", size=text)
    ask(ax.text(x + 0.5, ctx, "문맥 벡터", ha="left", va="center", fontsize=small), "context_vector")
    _arrow(ax, (x, ctx - 0.2), (x, dec[0] + 0.17), lw=1.8)
    for i, (y, given, said) in enumerate(zip(dec, ["<시작>", *tgt], [*tgt, "<EOS>"], strict=True)):
        _box(ax, (x, y), 0.5, 0.34, face="#fde0bd", edge="#a05a00", lw=1.6)
        ax.text(x - 0.5, y, given, ha="right", va="center", fontsize=text if i else small)
        ax.text(x + 0.5, y, said, ha="left", va="center", fontsize=text, color=RED if i == len(tgt) else INK)
        _arrow(ax, (x - 0.45, y), (x - 0.25, y))
        _arrow(ax, (x + 0.25, y), (x + 0.45, y))
        if i:
            _arrow(ax, (x, dec[i - 1] - 0.17), (x, y + 0.17))
    ask(ax.text(x, dec[-1] - 0.35, "디코더: 앞서 낸 토큰을\n다음 입력으로", ha="center", va="top", fontsize=small,
                color="#a05a00"), "decoder")
    _inches(ax, fig, (0.0, 3.4), (dec[-1] - 1.0, 4.9))


@drawer
def seq2seq(*, source: Sequence[str], target: Sequence[str], layout: Layout = CARD) -> Figure:
    """Draw an encoder RNN reading the source, its last state as the context, and a decoder RNN emitting
    the target token by token, each fed back as the next input, up to <EOS>."""
    src, tgt = [str(w) for w in source], [str(w) for w in target]
    if not 1 <= len(src) <= 4 or not 1 <= len(tgt) <= 5 or len(src) + len(tgt) > 7:
        raise ValueError(f"give 1 to 4 source and 1 to 5 target tokens, at most 7 together "
                         f"(got {len(src)} and {len(tgt)}): more can't be read on a card")
    fig = new_figure(4.0, WIDTH)
    if layout.name == "phone":
        _seq2seq_phone(fig, layout, src, tgt)
        return fig
    small, text, big = layout.small, layout.text, layout.big
    ax = _canvas(fig)
    gap = 1.55
    enc = [i * gap for i in range(len(src))]
    ctx = enc[-1] + 1.45
    dec = [ctx + 1.45 + i * gap for i in range(len(tgt) + 1)]
    cy = 2.0
    for i, x in enumerate(enc):
        _box(ax, (x, cy), 0.9, 0.7, face=PALE, edge=ACCENT, lw=1.6)
        _label(ax, (x, 0.0), src[i], size=text)
        _arrow(ax, (x, 0.3), (x, cy - 0.35))
        if i:
            _arrow(ax, (x - gap + 0.45, cy), (x - 0.45, cy))
    _arrow(ax, (enc[-1] + 0.45, cy), (ctx - 0.38, cy), lw=1.8)
    _node(ax, (ctx, cy), r=0.38, face=GREEN, text="$c$", size=big)
    _arrow(ax, (ctx + 0.38, cy), (dec[0] - 0.45, cy), lw=1.8)
    inputs = ["<시작>", *tgt]
    outputs = [*tgt, "<EOS>"]
    for i, x in enumerate(dec):
        _box(ax, (x, cy), 0.9, 0.7, face="#fde0bd", edge="#a05a00", lw=1.6)
        _label(ax, (x, 0.0), inputs[i], size=text if i else small)
        _label(ax, (x, 4.0), outputs[i], size=text, color=RED if i == len(tgt) else INK)
        _arrow(ax, (x, 0.3), (x, cy - 0.35))
        _arrow(ax, (x, cy + 0.35), (x, 3.7))
        if i:
            _arrow(ax, (x - gap + 0.45, cy), (x - 0.45, cy))
            _arrow(ax, (x - gap + 0.35, 3.8), (x - 0.3, 0.3), color=MUTED, lw=1.0, ls="--")
    mid_enc, mid_dec = (enc[0] + enc[-1]) / 2, (dec[0] + dec[-1]) / 2
    ask(ax.text(mid_enc, 3.0, "인코더", ha="center", va="bottom", fontproperties=bold(big), color=ACCENT), "encoder")
    ask(ax.text(mid_dec, 4.6, "디코더: 앞서 낸 토큰을 다음 입력으로", ha="center", va="bottom", fontsize=text,
                color="#a05a00"), "decoder")
    ask(ax.text(ctx, 1.4, "문맥\n벡터", ha="center", va="top", fontsize=small), "context_vector")
    if layout.name == "slide":  # the card's drawing, its texts 1.7 × larger on a page 1.6 × wider
        _scaled(ax, fig, (enc[0] - 0.9, dec[-1] + 0.9), (-0.6, 5.3), 0.7)
    else:
        _fit(ax, fig, (enc[0] - 0.9, dec[-1] + 0.9), (-0.6, 5.3))
    return fig


def _stack(ax: Axes, x: float, y0: float, blocks: Sequence[tuple[str, str, str]], side: float = -1.0,
           w: float = 3.4, prefix: str = "") -> tuple[float, list[float]]:
    """Draw sub-layer blocks (text, colour, askable label) bottom-up at column `x`, each followed by an add &
    norm bar, with the residual path on the left (side -1) or right (+1); return the top of the stack and each
    block's centre height. Askable labels start with `prefix`; the k-th add & norm bar is `add_norm_k`."""
    y = y0
    centres = []
    edge, rail = x + side * w / 2, x + side * (w / 2 + 0.3)
    for k, (text, face, name) in enumerate(blocks, start=1):
        _arrow(ax, (x, y), (x, y + 0.35))
        _box(ax, (x, y + 0.75), w, 0.8, text, face=face, size=TEXT, name=prefix + name)
        centres.append(y + 0.75)
        _arrow(ax, (x, y + 1.15), (x, y + 1.45))
        _box(ax, (x, y + 1.7), w, 0.5, "더하기 & 층 정규화", face="#f3f0c8", size=SMALL, name=f"{prefix}add_norm_{k}")
        _path(ax, [(x, y + 0.18), (rail, y + 0.18), (rail, y + 1.7), (edge, y + 1.7)], lw=1.2)
        y += 1.95
    return y, centres


def _embedding(ax: Axes, x: float, side: float, prefix: str = "") -> None:
    """Draw the input embedding plus the positional encoding (a sine wave on `side` of the column)."""
    _box(ax, (x, 0.0), 3.0, 0.6, "입력 임베딩", face=PALE, size=TEXT, name=prefix + "input_embedding")
    _arrow(ax, (x, 0.3), (x, 0.78))
    _op(ax, (x, 1.0), "+")
    ax.plot([x + side * 1.1, x + side * 0.24], [1.0, 1.0], color=INK, lw=1.3)
    t = np.linspace(0, 1, 60)
    ax.plot(x + side * (1.25 + 0.7 * t), 1.0 + 0.22 * np.sin(2 * np.pi * 1.5 * t), color=ACCENT, lw=1.6)
    ask(ax.text(x + side * 1.6, 0.7, "위치 인코딩", ha="center", va="top", fontsize=SMALL, color=ACCENT),
        prefix + "positional_encoding")


ATTENTION = ("멀티헤드 셀프 어텐션", "#fde0bd", "self_attention")
FEED_FORWARD = ("위치별 피드포워드", "#d9f0d3", "feed_forward")
DECODER_BLOCKS = (("마스크 셀프 어텐션", "#fde0bd", "masked_self_attention"),
                  ("인코더–디코더 어텐션", LILAC, "cross_attention"), FEED_FORWARD)
NORM = "더하기 & 층 정규화"


def _wave(ax: Axes, x0: float, x1: float, y: float, height: float) -> None:
    """Draw one and a half periods of a sine wave from x0 to x1 (the positional encoding's sign)."""
    t = np.linspace(0, 1, 60)
    ax.plot(x0 + (x1 - x0) * t, y + height * np.sin(2 * np.pi * 1.5 * t), color=ACCENT, lw=1.8)


def _layer_row(ax: Axes, y: float, blocks: Sequence[tuple[str, str, str]], layout: Layout,
               prefix: str = "") -> float:
    """Draw a layer left to right for a slide (inches): input embedding, + positional encoding, then each
    sub-layer and its add & norm box, residual paths above, in a dashed box; return where its output leaves."""
    small, h, rise = layout.small, 0.72, 0.22
    _box(ax, (0.5, y), 0.95, h, "입력\n임베딩", face=PALE, size=small, name=prefix + "input_embedding")
    _arrow(ax, (0.98, y), (1.18, y), scale=14)
    _op(ax, (1.35, y), "+", r=0.17, size=layout.big)
    _wave(ax, 1.05, 1.65, y - 0.62, 0.1)
    ax.plot([1.35, 1.35], [y - 0.5, y - 0.17], color=INK, lw=1.3)
    ask(ax.text(1.2, y - 0.78, "위치 인코딩", ha="center", va="top", fontsize=small, color=ACCENT),
        prefix + "positional_encoding")
    x = 1.52
    for k, (text, face, name) in enumerate(blocks, start=1):
        w = 1.85 if name == "cross_attention" else 1.45
        _arrow(ax, (x, y), (x + 0.23, y), scale=14)
        _box(ax, (x + 0.23 + w / 2, y), w, h, text.replace(" ", "\n", 1) if "–" not in text else
             text.replace(" ", "\n"), face=face, size=small, name=prefix + name)
        norm = x + w + 0.46 + 0.6
        _arrow(ax, (x + w + 0.23, y), (norm - 0.6, y), scale=14)
        _box(ax, (norm, y), 1.2, h, NORM.replace(" 층", "\n층"), face="#f3f0c8", size=small,
             name=f"{prefix}add_norm_{k}")
        _path(ax, [(x + 0.1, y), (x + 0.1, y + h / 2 + rise), (norm, y + h / 2 + rise), (norm, y + h / 2)],
              lw=1.3)
        x = norm + 0.6
    ax.add_patch(FancyBboxPatch((1.5, y - h / 2 - 0.12), x - 1.42, h + rise + 0.2,
                                boxstyle="round,pad=0,rounding_size=0.12", facecolor="none", edgecolor=MUTED,
                                lw=1.2, ls="--", zorder=1))
    _arrow(ax, (x, y), (x + 0.3, y), scale=14)
    return x


def _transformer_slide(fig: Figure, layout: Layout, decoder: bool) -> None:
    """The layers of `transformer_block` as rows for a slide (inches): the encoder's below the decoder's, its
    output rising into the decoder's encoder–decoder attention (the card's side notes left to the caption)."""
    ax = _canvas(fig)
    y_enc, y_dec, h = 0.85, 2.6, 0.72
    end = _layer_row(ax, y_enc, [ATTENTION, FEED_FORWARD], layout)
    ask(ax.text(end + 0.45, y_enc, "인코더 층", ha="left", va="center", fontproperties=bold(layout.text)),
        "encoder_layer")
    ax.text(end - 0.05, y_enc - h / 2 - 0.15, "×$N$", ha="right", va="top", fontsize=layout.big)
    right, top = end + 1.75, 1.6
    if decoder:
        out = _layer_row(ax, y_dec, DECODER_BLOCKS, layout, prefix="decoder_")
        ax.text(out - 0.05, y_dec + h / 2 + 0.3, "×$N$", ha="right", va="bottom", fontsize=layout.big)
        ask(ax.text(0.02, y_dec + h / 2 + 0.3, "디코더 층", ha="left", va="bottom",
                    fontproperties=bold(layout.text)), "decoder_layer")
        cross, purple = 1.52 + 3.09 + 0.23 + 1.85 / 2, "#6a3d9a"
        _path(ax, [(end + 0.15, y_enc), (end + 0.15, 1.7), (cross, 1.7), (cross, y_dec - h / 2)], color=purple,
              lw=2.0)
        _label(ax, (cross + 0.1, 1.98), "키·값", size=layout.small, color=purple, ha="left", name="keys_values")
        right, top = 11.75, 3.95
    _inches(ax, fig, (-0.05, right), (-0.32, top))


def _transformer_phone(fig: Figure, layout: Layout) -> None:
    """The encoder layer of `transformer_block` upright for a phone (inches); the decoder beside it and the
    card's side notes left out."""
    ax = _canvas(fig)
    small, text, x, w = layout.small, layout.text, 1.9, 2.3
    _box(ax, (x, 0.05), 1.35, 0.42, "입력 임베딩", face=PALE, size=text, name="input_embedding")
    _arrow(ax, (x, 0.26), (x, 0.7))
    _op(ax, (x, 0.85), "+", r=0.15, size=layout.big)
    ax.plot([x + 0.15, x + 0.38], [0.85, 0.85], color=INK, lw=1.3)
    _wave(ax, 2.45, 3.05, 0.85, 0.09)
    ask(ax.text(2.75, 0.66, "위치 인코딩", ha="center", va="top", fontsize=small, color=ACCENT),
        "positional_encoding")
    y, rail = 1.0, x - w / 2 - 0.2
    for k, (body, face, name) in enumerate((ATTENTION, FEED_FORWARD), start=1):
        _arrow(ax, (x, y), (x, y + 0.2))
        _box(ax, (x, y + 0.42), w, 0.44, body, face=face, size=text, name=name)
        _arrow(ax, (x, y + 0.64), (x, y + 0.81))
        _box(ax, (x, y + 1.0), w, 0.38, NORM, face="#f3f0c8", size=small, name=f"add_norm_{k}")
        _path(ax, [(x, y + 0.1), (rail, y + 0.1), (rail, y + 1.0), (x - w / 2, y + 1.0)], lw=1.2)
        y += 1.19
    _arrow(ax, (x, y), (x, y + 0.3))
    ax.add_patch(FancyBboxPatch((rail - 0.12, 1.02), w + 0.52, y - 1.0, boxstyle="round,pad=0,rounding_size=0.15",
                                facecolor="none", edgecolor=MUTED, lw=1.2, ls="--", zorder=1))
    ax.text(rail - 0.2, (1.0 + y) / 2, "$N$×", ha="right", va="center", fontsize=layout.big)
    ask(ax.text(x, y + 0.35, "인코더 층", ha="center", va="bottom", fontproperties=bold(text)), "encoder_layer")
    _inches(ax, fig, (0.0, 3.4), (-0.2, y + 0.72))


@drawer
def transformer_block(*, decoder: bool, layout: Layout = CARD) -> Figure:
    """Draw the encoder layer (self-attention, add & norm, feed-forward, add & norm) over embeddings plus
    positional encodings, and optionally the decoder layer beside it, reading the encoder's output."""
    fig = new_figure(4.0, WIDTH)
    if layout.name == "slide":
        _transformer_slide(fig, layout, decoder)
        return fig
    if layout.name == "phone":
        _transformer_phone(fig, layout)
        return fig
    ax = _canvas(fig)
    attn, ffn = ("멀티헤드 셀프 어텐션", "#fde0bd", "self_attention"), ("위치별 피드포워드", "#d9f0d3", "feed_forward")
    enc_top, enc_mid = _stack(ax, 0.0, 1.24, [attn, ffn])
    _embedding(ax, 0.0, 1.0)
    heads = [(0.0, enc_top, -1.0, "인코더 층", "encoder_layer")]
    if decoder:
        dx = 6.4
        dec_top, dec_mid = _stack(ax, dx, 1.24, [("마스크 셀프 어텐션", "#fde0bd", "masked_self_attention"),
                                                 ("인코더–디코더 어텐션", LILAC, "cross_attention"), ffn],
                                  side=1.0, prefix="decoder_")
        _embedding(ax, dx, -1.0, prefix="decoder_")
        heads.append((dx, dec_top, 1.0, "디코더 층", "decoder_layer"))
        purple = "#6a3d9a"
        turn = (1.7 + dx - 1.7) / 2
        _path(ax, [(0.0, enc_top + 0.4), (0.0, enc_top + 0.6), (turn, enc_top + 0.6), (turn, dec_mid[1]),
                   (dx - 1.7, dec_mid[1])], color=purple, lw=1.8)
        _label(ax, (turn + 0.15, dec_mid[1] + 0.25), "키·값", color=purple, ha="left", va="bottom",
               name="keys_values")
    else:
        notes = ["모든 위치가 서로를\n한 번에 참조", "입력을 더해(잔차 연결)\n정규화",
                 "위치마다 같은\n완전 연결층 두 개"]
        for y, text in zip([enc_mid[0], enc_mid[0] + 0.95, enc_mid[1]], notes, strict=True):
            ax.text(2.45, y, text, ha="left", va="center", fontsize=SMALL, color="#444444")
    for x, top, side, name, label in heads:
        _arrow(ax, (x, top - 0.05), (x, top + 0.4))
        ax.add_patch(FancyBboxPatch((x - 2.2, 1.2), 4.4, top - 1.25, boxstyle="round,pad=0,rounding_size=0.2",
                                    facecolor="none", edgecolor=MUTED, lw=1.2, ls="--", zorder=1))
        ax.text(x + side * 2.35, (1.2 + top) / 2, "$N$×" if side < 0 else "×$N$",
                ha="right" if side < 0 else "left", va="center", fontsize=BIG)
        ask(ax.text(x, top + (0.85 if decoder and side < 0 else 0.5), name, ha="center", va="bottom",
                    fontproperties=bold(TEXT)), label)
    if decoder:
        _fit(ax, fig, (-3.0, 9.4), (-0.5, max(h[1] for h in heads) + 1.1))
    else:
        _fit(ax, fig, (-3.0, 6.3), (-0.5, enc_top + 1.1))
    return fig


def _funnel(ax: Axes, x0: float, x1: float, y: float, h0: float, h1: float, text: str, face: str,
            name: str = "", size: float = TEXT, upright: bool = False) -> None:
    """Draw a trapezoid from height h0 at x0 to h1 at x1 (an encoder narrows, a decoder widens); `upright`, the
    same turned to run down the page: x0, x1 are heights, y the centre line's x, h0, h1 widths."""
    corners = [(x0, y - h0 / 2), (x1, y - h1 / 2), (x1, y + h1 / 2), (x0, y + h0 / 2)]
    if upright:
        corners = [(b, a) for a, b in corners]
    ax.add_patch(Polygon(corners, closed=True, facecolor=face, edgecolor=INK, lw=1.3, zorder=3))
    at = (y, (x0 + x1) / 2) if upright else ((x0 + x1) / 2, y)
    _named(ax.text(*at, text, ha="center", va="center", fontsize=size, zorder=4), name)


def _scaled(ax: Axes, fig: Figure, x: tuple[float, float], y: tuple[float, float], scale: float) -> None:
    """Show the data box `x` × `y` at `scale` inches per unit (a card's drawing, laid out for another place)."""
    ax.set_xlim(*x)
    ax.set_ylim(*y)
    fig.set_size_inches((x[1] - x[0]) * scale, (y[1] - y[0]) * scale)


def _vae_phone(fig: Figure, layout: Layout) -> None:
    """`vae` running down the page for a phone (inches); the gradient's path and the loss left to the card."""
    ax = _canvas(fig)
    small, text, big, c = layout.small, layout.text, layout.big, 1.1
    _box(ax, (c, 4.9), 1.5, 0.4, "$x$", face=PALE, size=big)
    ask(ax.text(c + 0.9, 4.9, "입력", ha="left", va="center", fontsize=small), "input")
    _funnel(ax, 4.7, 3.95, c, 1.5, 0.7, "인코더", "#dbe9f6", name="encoder", size=text, upright=True)
    mu, sigma = (c - 0.45, 3.4), (c + 0.45, 3.4)
    _box(ax, mu, 0.5, 0.38, "$\\mu$", size=big)
    _box(ax, sigma, 0.5, 0.38, "$\\sigma$", size=big)
    _arrow(ax, (c - 0.2, 3.95), (mu[0], mu[1] + 0.19))
    _arrow(ax, (c + 0.2, 3.95), (sigma[0], sigma[1] + 0.19))
    times, plus, eps, r = (sigma[0], 2.75), (c, 2.1), (2.45, 2.75), 0.14
    _op(ax, times, "×", r=r, size=big)
    _op(ax, plus, "+", r=r, size=big)
    _arrow(ax, (sigma[0], sigma[1] - 0.19), (times[0], times[1] + r))
    ax.add_patch(Circle(eps, 0.24, facecolor="#fff3c4", edgecolor=WARM, lw=1.8, ls="--", zorder=3))
    ax.text(*eps, "$\\epsilon$", ha="center", va="center", fontsize=big, zorder=4)
    _arrow(ax, (eps[0] - 0.24, eps[1]), (times[0] + r, times[1]), color="#a05a00")
    ask(ax.text(eps[0] + 0.05, eps[1] - 0.32, "$\\epsilon \\sim \\mathcal{N}(0, I)$\n바깥에서 뽑는 잡음", ha="center",
                va="top", fontsize=small, color="#a05a00"), "noise")
    _path(ax, [(mu[0], mu[1] - 0.19), (mu[0], plus[1]), (plus[0] - r, plus[1])])
    _path(ax, [(times[0], times[1] - r), (times[0], plus[1]), (plus[0] + r, plus[1])])
    z = (c, 1.45)
    _node(ax, z, r=0.26, face=GREEN, text="$z$", size=big)
    _arrow(ax, (c, plus[1] - r), (c, z[1] + 0.26))
    ask(ax.text(c + 0.4, z[1], "$z = \\mu + \\sigma \\odot \\epsilon$", ha="left", va="center", fontsize=text),
        "reparameterization")
    _arrow(ax, (c, z[1] - 0.26), (c, 1.0))
    _funnel(ax, 1.0, 0.25, c, 0.7, 1.5, "디코더", "#fde0bd", name="decoder", size=text, upright=True)
    _box(ax, (c, 0.0), 1.5, 0.4, "$\\hat{x}$", face=WARM, size=big)
    ask(ax.text(c + 0.9, 0.0, "복원", ha="left", va="center", fontsize=small), "reconstruction")
    _inches(ax, fig, (0.25, 3.45), (-0.25, 5.15))


@drawer
def vae(*, layout: Layout = CARD) -> Figure:
    """Draw encoder -> (mu, sigma) -> z = mu + sigma * eps with eps ~ N(0, I) drawn outside -> decoder."""
    fig = new_figure(4.0, WIDTH)
    if layout.name == "phone":
        _vae_phone(fig, layout)
        return fig
    small, text, big = layout.small, layout.text, layout.big
    ax = _canvas(fig)
    y = 3.0
    _box(ax, (0.0, y), 0.9, 2.2, "$x$", face=PALE, size=big)
    ask(ax.text(0.0, y - 1.25, "입력", ha="center", va="top", fontsize=small), "input")
    _arrow(ax, (0.45, y), (0.9, y))
    _funnel(ax, 0.9, 3.1, y, 2.2, 1.0, "인코더", "#dbe9f6", name="encoder", size=text)
    mu, sigma = (4.4, y + 1.0), (4.4, y - 1.0)
    _box(ax, mu, 0.8, 0.6, "$\\mu$", face="white", size=big)
    _box(ax, sigma, 0.8, 0.6, "$\\sigma$", face="white", size=big)
    _arrow(ax, (3.1, y + 0.2), (mu[0] - 0.4, mu[1]))
    _arrow(ax, (3.1, y - 0.2), (sigma[0] - 0.4, sigma[1]))
    times, plus = (6.0, sigma[1]), (7.2, y)
    eps = (6.0, 0.3)
    ax.add_patch(Circle(eps, 0.45, facecolor="#fff3c4", edgecolor=WARM, lw=1.8, ls="--", zorder=3))
    ax.text(*eps, "$\\epsilon$", ha="center", va="center", fontsize=big, zorder=4)
    ask(ax.text(eps[0] + 0.6, eps[1], "$\\epsilon \\sim \\mathcal{N}(0, I)$\n바깥에서 뽑는 잡음", ha="left",
                va="center", fontsize=small, color="#a05a00"), "noise")
    _op(ax, times, "×", size=big)
    _op(ax, plus, "+", size=big)
    _arrow(ax, (sigma[0] + 0.4, sigma[1]), (times[0] - 0.24, times[1]))
    _arrow(ax, eps, times, shrink=12, color="#a05a00")
    _path(ax, [(mu[0] + 0.4, mu[1]), (plus[0], mu[1]), (plus[0], plus[1] + 0.24)])
    _path(ax, [(times[0] + 0.24, times[1]), (plus[0], times[1]), (plus[0], plus[1] - 0.24)])
    z = (8.4, y)
    _node(ax, z, r=0.42, face=GREEN, text="$z$", size=big)
    _arrow(ax, plus, z, shrink=9)
    # a slide's larger formula sits lower and further right: clear of the line into + and of the decoder
    shift, drop = (0.1, 0.6) if layout.name == CARD.name else (0.25, 0.75)
    ask(ax.text(z[0] + shift, y - drop, "$z = \\mu + \\sigma \\odot \\epsilon$", ha="center", va="top",
                fontsize=text), "reparameterization")
    _arrow(ax, (z[0] + 0.42, y), (9.3, y))
    _funnel(ax, 9.3, 11.5, y, 1.0, 2.2, "디코더", "#fde0bd", name="decoder", size=text)
    _arrow(ax, (11.5, y), (11.95, y))
    _box(ax, (12.4, y), 0.9, 2.2, "$\\hat{x}$", face=WARM, size=big)
    ask(ax.text(12.4, y - 1.25, "복원", ha="center", va="top", fontsize=small), "reconstruction")
    _arrow(ax, (10.4, 4.8), (2.0, 4.8), color=RED, ls="--", lw=1.6)
    ask(ax.text(6.2, 4.95, "역전파: $z$가 $\\mu$, $\\sigma$의 미분 가능한 함수라 인코더까지 기울기가 흐름",
                ha="center", va="bottom", fontsize=small, color=RED), "gradient_path")
    ask(ax.text(2.0, 0.3, "손실 = 복원 오차\n+ KL($q$ ‖ 사전 분포)", ha="center", va="center", fontsize=small,
                color="#444444"), "loss")
    if layout.name == "slide":  # the card's drawing, its texts 1.7 × larger on a page 1.1 × wider
        _scaled(ax, fig, (-0.7, 13.1), (-0.6, 5.6), 0.66)
    else:
        _fit(ax, fig, (-0.7, 13.1), (-0.6, 5.6))
    return fig


def blob_images(count: int, side: int, noise: float, seed: int) -> list[np.ndarray]:
    """Return `count` seeded side×side grey pictures of a soft ring, with Gaussian `noise` added (0 = clean)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:side, 0:side] / (side - 1) - 0.5
    out = []
    for _ in range(count):
        cx, cy = rng.uniform(-0.1, 0.1, 2)
        radius = rng.uniform(0.22, 0.32)
        ring = np.exp(-((np.hypot(xx - cx, yy - cy) - radius) ** 2) / 0.006)
        out.append(np.clip(ring + noise * rng.standard_normal(ring.shape), 0.0, 1.0))
    return out


def _thumbs(ax: Axes, pictures: Sequence[np.ndarray], at: Point, size: float = 0.75, gap: float = 0.12) -> None:
    """Show small grey pictures side by side, centred on `at`."""
    width = len(pictures) * size + (len(pictures) - 1) * gap
    for i, pic in enumerate(pictures):
        x0 = at[0] - width / 2 + i * (size + gap)
        ax.imshow(pic, cmap="Greys", vmin=0.0, vmax=1.0, interpolation="nearest", zorder=3,
                  extent=(x0, x0 + size, at[1] - size / 2, at[1] + size / 2))
        ax.add_patch(FancyBboxPatch((x0, at[1] - size / 2), size, size, boxstyle="square,pad=0",
                                    facecolor="none", edgecolor=INK, lw=0.8, zorder=4))


def _gan_phone(fig: Figure, layout: Layout, seed: int) -> None:
    """`gan` for a phone (inches): noise and generator on top, fake and real samples side by side, the
    discriminator below them, the generator's objective returning up the right edge."""
    ax = _canvas(fig)
    small, big = layout.small, layout.big
    _node(ax, (0.45, 5.0), r=0.26, face="#fff3c4", edge=WARM, text="$z$", size=big)
    ask(ax.text(0.85, 5.0, "잡음 $z \\sim p_z$", ha="left", va="center", fontsize=small), "noise")
    _arrow(ax, (0.45, 4.74), (0.45, 4.29))
    _box(ax, (0.85, 4.05), 1.5, 0.48, "생성자 $G$", face="#fde0bd", size=big, name="generator")
    _arrow(ax, (0.85, 3.81), (0.85, 3.28))
    _thumbs(ax, blob_images(3, 10, 0.3, seed + 1), (0.85, 3.05), size=0.42, gap=0.06)
    ask(ax.text(0.85, 2.76, "가짜 표본 $G(z)$", ha="center", va="top", fontsize=small), "fake_samples")
    _thumbs(ax, blob_images(3, 10, 0.0, seed), (2.5, 3.05), size=0.42, gap=0.06)
    ask(ax.text(2.5, 2.76, "진짜 데이터\n$x \\sim p_{\\mathrm{data}}$", ha="center", va="top", fontsize=small),
        "real_data")
    disc = (1.7, 1.55)
    _arrow(ax, (0.85, 2.45), (disc[0] - 0.4, disc[1] + 0.25))
    _arrow(ax, (2.5, 2.05), (disc[0] + 0.4, disc[1] + 0.25))
    _box(ax, disc, 1.6, 0.5, "판별자 $D$", face=PALE, size=big, name="discriminator")
    _arrow(ax, (disc[0], disc[1] - 0.25), (disc[0], 1.0))
    ask(ax.text(disc[0], 0.97, "진짜일 확률", ha="center", va="top", fontsize=layout.text), "probability_real")
    ask(ax.text(disc[0], 0.62, "진짜 → 1, 가짜 → 0으로\n가려내도록 학습", ha="center", va="top", fontsize=small,
                color=ACCENT), "discriminator_objective")
    _path(ax, [(disc[0] + 0.8, disc[1]), (3.3, disc[1]), (3.3, 4.05), (1.6, 4.05)], color=RED, ls="--")
    ask(ax.text(2.45, 4.15, "생성자: 판별자를\n속이도록 학습", ha="center", va="bottom", fontsize=small, color=RED),
        "generator_objective")
    _inches(ax, fig, (0.05, 3.4), (0.0, 5.3))


@drawer
def gan(*, seed: int, layout: Layout = CARD) -> Figure:
    """Draw noise -> generator -> fake samples and real samples -> discriminator -> real or fake, with what
    each network learns to do."""
    fig = new_figure(4.0, WIDTH)
    if layout.name == "phone":
        _gan_phone(fig, layout, seed)
        return fig
    small, text, big = layout.small, layout.text, layout.big
    ax = _canvas(fig)
    fake_y, real_y = 4.2, 1.0
    _node(ax, (0.0, fake_y), r=0.45, face="#fff3c4", edge=WARM, text="$z$", size=big)
    ask(ax.text(0.0, fake_y - 0.6, "잡음\n$z \\sim p_z$", ha="center", va="top", fontsize=small), "noise")
    _arrow(ax, (0.45, fake_y), (1.2, fake_y))
    _box(ax, (2.4, fake_y), 2.3, 1.0, "생성자 $G$", face="#fde0bd", size=big, name="generator")
    _arrow(ax, (3.55, fake_y), (4.3, fake_y))
    _thumbs(ax, blob_images(3, 10, 0.3, seed + 1), (5.7, fake_y))
    ask(ax.text(5.7, fake_y + 0.5, "가짜 표본 $G(z)$", ha="center", va="bottom", fontsize=small), "fake_samples")
    _thumbs(ax, blob_images(3, 10, 0.0, seed), (5.7, real_y))
    ask(ax.text(5.7, real_y - 0.5, "진짜 데이터 $x \\sim p_{\\mathrm{data}}$", ha="center", va="top",
                fontsize=small), "real_data")
    disc = (8.7, (fake_y + real_y) / 2)
    _arrow(ax, (7.1, fake_y), (disc[0] - 1.2, disc[1] + 0.3))
    _arrow(ax, (7.1, real_y), (disc[0] - 1.2, disc[1] - 0.3))
    _box(ax, disc, 2.3, 1.0, "판별자 $D$", face=PALE, size=big, name="discriminator")
    _arrow(ax, (disc[0] + 1.15, disc[1]), (disc[0] + 1.8, disc[1]))
    ask(ax.text(disc[0] + 1.9, disc[1], "진짜일\n확률", ha="left", va="center", fontsize=text), "probability_real")
    ask(ax.text(disc[0] - 0.7, disc[1] - 0.65, "진짜 → 1, 가짜 → 0으로\n가려내도록 학습", ha="left", va="top",
                fontsize=small, color=ACCENT), "discriminator_objective")
    _path(ax, [(disc[0], disc[1] + 0.5), (disc[0], 5.9), (2.4, 5.9), (2.4, fake_y + 0.5)], color=RED, ls="--")
    _label(ax, ((disc[0] + 2.4) / 2, 5.9), "생성자: 판별자를 속이도록 학습", size=small, color=RED,
           name="generator_objective")
    if layout.name == "slide":  # the card's drawing, its texts 1.7 × larger on a page 1.35 × wider
        _scaled(ax, fig, (-0.9, 12.0), (-0.3, 6.4), 0.6)
    else:
        _fit(ax, fig, (-0.9, 12.0), (-0.3, 6.4))
    return fig


def corrupt(clean: np.ndarray, kind: str, rate: float, seed: int) -> np.ndarray:
    """Return `clean` with a fraction `rate` of its pixels set to 0 ("mask") or Gaussian noise of
    standard deviation `rate` added ("gaussian"), seeded."""
    rng = np.random.default_rng(seed)
    if kind == "mask":
        return np.where(rng.random(clean.shape) < rate, 0.0, clean)
    if kind == "gaussian":
        return np.clip(clean + rate * rng.standard_normal(clean.shape), 0.0, 1.0)
    raise ValueError(f"unknown corruption {kind!r}; use mask or gaussian")


def _denoising_phone(fig: Figure, layout: Layout, pictures: Sequence[np.ndarray], what: str) -> None:
    """`denoising_autoencoder` for a phone (inches): the corruption across the top, the autoencoder running
    down the right, the loss on the left comparing the reconstruction with the clean input."""
    ax = _canvas(fig)
    small, text, big, c = layout.small, layout.text, layout.big, 2.55
    clean, noisy, smooth = pictures
    _thumbs(ax, [clean], (0.75, 4.55), size=0.9)
    ask(ax.text(0.75, 4.02, "원래 입력 $x$", ha="center", va="top", fontsize=small), "clean_input")
    _arrow(ax, (1.25, 4.55), (2.05, 4.55), color=RED, lw=1.8)
    ask(ax.text(1.65, 4.65, "손상", ha="center", va="bottom", fontsize=small, color=RED), "corruption")
    _thumbs(ax, [noisy], (c, 4.55), size=0.9)
    ask(ax.text(c, 4.02, f"$\\tilde{{x}}$: {what}", ha="center", va="top", fontsize=small, color=RED),
        "corrupted_input")
    _arrow(ax, (c, 3.72), (c, 3.5))
    _funnel(ax, 3.5, 2.85, c, 1.3, 0.65, "인코더", "#dbe9f6", name="encoder", size=text, upright=True)
    _box(ax, (c, 2.5), 0.55, 0.4, "$h$", face=GREEN, size=big)
    ask(ax.text(c + 0.4, 2.5, "코드", ha="left", va="center", fontsize=small), "code")
    _funnel(ax, 2.15, 1.5, c, 0.65, 1.3, "디코더", "#fde0bd", name="decoder", size=text, upright=True)
    _arrow(ax, (c, 1.5), (c, 1.32))
    _thumbs(ax, [smooth], (c, 0.85), size=0.9)
    ask(ax.text(c, 0.33, "복원 $\\hat{x}$", ha="center", va="top", fontsize=small), "reconstruction")
    loss = (0.72, 0.85)
    _box(ax, loss, 1.35, 0.45, "손실 $L(x, \\hat{x})$", face="#f6d5d1", size=text, name="loss")
    _path(ax, [(0.75, 3.7), (0.75, loss[1] + 0.23)], color=RED, ls="--")
    _path(ax, [(c - 0.47, loss[1]), (loss[0] + 0.68, loss[1])], color=RED, ls="--")
    ax.text(0.05, 0.5, "망가진 입력이 아니라\n원래 입력과 비교", ha="left", va="top", fontsize=small, color=RED)
    _inches(ax, fig, (0.0, 3.42), (-0.15, 5.05))


@drawer
def denoising_autoencoder(*, corruption: str, rate: float, seed: int, layout: Layout = CARD) -> Figure:
    """Draw clean input -> corruption -> encoder -> code -> decoder -> reconstruction, the loss comparing the
    reconstruction with the clean input."""
    if not 0.0 < rate < 1.0:
        raise ValueError(f"rate must be between 0 and 1, got {rate}")
    clean = blob_images(1, 12, 0.0, seed)[0]
    noisy = corrupt(clean, corruption, rate, seed)
    smooth = (clean + np.roll(clean, 1, 0) + np.roll(clean, 1, 1) + np.roll(clean, -1, 0) + np.roll(clean, -1, 1)) / 5
    what = "일부를 0으로" if corruption == "mask" else "잡음을 더함"
    fig = new_figure(4.0, WIDTH)
    if layout.name == "phone":
        _denoising_phone(fig, layout, (clean, noisy, smooth), what)
        return fig
    small, text, big = layout.small, layout.text, layout.big
    ax = _canvas(fig)
    y, size = 2.2, 1.5
    _thumbs(ax, [clean], (0.0, y), size=size)
    ask(ax.text(0.0, y - 0.95, "원래 입력 $x$", ha="center", va="top", fontsize=small), "clean_input")
    _arrow(ax, (0.8, y), (1.9, y), color=RED, lw=1.8)
    ask(ax.text(1.35, y + 0.2, "손상", ha="center", va="bottom", fontsize=small, color=RED), "corruption")
    ask(ax.text(2.7, y - 0.95, f"$\\tilde{{x}}$: {what}", ha="center", va="top", fontsize=small, color=RED),
        "corrupted_input")
    _thumbs(ax, [noisy], (2.7, y), size=size)
    _arrow(ax, (3.5, y), (3.9, y))
    _funnel(ax, 3.9, 5.7, y, 1.8, 0.9, "인코더", "#dbe9f6", name="encoder", size=text)
    _box(ax, (6.3, y), 0.6, 0.9, "$h$", face=GREEN, size=big)
    ask(ax.text(6.3, y - 0.6, "코드", ha="center", va="top", fontsize=small), "code")
    _funnel(ax, 6.9, 8.7, y, 0.9, 1.8, "디코더", "#fde0bd", name="decoder", size=text)
    _arrow(ax, (8.7, y), (9.1, y))
    _thumbs(ax, [smooth], (9.9, y), size=size)
    ask(ax.text(9.9, y - 0.95, "복원 $\\hat{x}$", ha="center", va="top", fontsize=small), "reconstruction")
    loss = (5.0, 4.6)
    _box(ax, loss, 3.4, 0.7, "손실 $L(x, \\hat{x})$", face="#f6d5d1", size=text, name="loss")
    _path(ax, [(0.0, y + 0.8), (0.0, loss[1]), (loss[0] - 1.7, loss[1])], color=RED, ls="--")
    _path(ax, [(9.9, y + 0.8), (9.9, loss[1]), (loss[0] + 1.7, loss[1])], color=RED, ls="--")
    ax.text(loss[0], loss[1] - 0.45, "망가진 입력이 아니라 원래 입력과 비교", ha="center", va="top",
            fontsize=small, color=RED)
    if layout.name == "slide":  # the card's drawing, as large as a slide's 11.5 × 4.1 in allow
        _scaled(ax, fig, (-0.9, 10.8), (0.7, 5.2), min(4.1 / 4.5, 11.5 / 11.7))
    else:
        _fit(ax, fig, (-0.9, 10.8), (0.7, 5.2))
    return fig
