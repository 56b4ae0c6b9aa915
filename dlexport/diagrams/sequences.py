"""Recurrent sequence models drawn by hand (GRU cell, BPTT unrolled, bidirectional RNN, seq2seq), labelled
with their parts but never the model's name, legible at card width, and laid out again for a slide (landscape,
every label kept) or a phone (upright, secondary parts left out) when a drawer is given `layout=SLIDE` or `PHONE`."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from dlexport.diagrams import sketch as sk
from dlexport.diagrams.sketch import BIG, GREEN, RED, SMALL, TEXT, WIDTH, Point
from dlexport.diagrams.style import ACCENT, INK, MUTED, PALE, WARM, ask, bold, drawer, new_figure
from dlexport.legibility import CARD, Layout

__all__ = ["bidirectional_rnn", "bptt", "gru_cell", "seq2seq"]


@drawer
def gru_cell(*, layout: Layout = CARD) -> Figure:
    """Draw a cell with a reset and an update gate, the candidate state and the mix of old and new state."""
    fig = new_figure(4.0, WIDTH)
    if layout.name != CARD.name:
        (_gru_slide if layout.name == "slide" else _gru_phone)(fig, layout)
        return fig
    ax = sk.canvas(fig)
    top, gates, bus = 6.6, 3.1, 1.2
    ax.text(-0.1, top, "$h_{t-1}$", ha="right", va="center", fontsize=BIG)
    ax.text(1.6, -0.75, "$x_t$", ha="center", va="top", fontsize=BIG)
    keep, mix, out = (5.6, top), (9.6, top), (11.2, top)
    ax.add_collection(LineCollection([[(0.0, top), (keep[0] - 0.24, top)], [(0.8, top), (0.8, bus)],
                                      [(1.6, -0.6), (1.6, bus)]], colors=INK, linewidths=1.4, zorder=2))
    sk.op(ax, keep, "×")
    sk.op(ax, mix, "+")
    sk.arrow(ax, keep, mix, shrink=9)
    sk.arrow(ax, mix, out)
    ax.text(out[0] + 0.1, top, "$h_t$", ha="left", va="center", fontsize=BIG)
    # The gates read h_{t-1} and x_t; the candidate reads x_t and the reset-scaled h_{t-1}.
    reset, update, cand = (2.8, gates), (5.6, gates), (8.4, gates)
    for gate, sym, name, label in ((reset, "r", "리셋 게이트", "reset_gate"),
                                   (update, "z", "업데이트 게이트", "update_gate")):
        sk.box(ax, gate, 1.3, 0.8, f"$\\sigma$ → ${sym}_t$", face=PALE, size=TEXT)
        sk.label(ax, (gate[0], gate[1] - 0.6), name, color=ACCENT, va="top", name=label)
        sk.path(ax, [(gate[0], bus), (gate[0], gate[1] - 0.4)])
    ax.add_collection(LineCollection([[(0.8, bus), (update[0], bus)], [(1.6, 0.3), (cand[0], 0.3)]],
                                     colors=INK, linewidths=1.4, zorder=2))
    ax.text(4.2, bus + 0.08, "$[h_{t-1}, x_t]$", ha="center", va="bottom", fontsize=SMALL)
    sk.path(ax, [(cand[0], 0.3), (cand[0], gates - 0.4)])
    sk.box(ax, cand, 2.1, 0.8, "tanh → $\\tilde{h}_t$", face=WARM, size=TEXT)
    sk.label(ax, (cand[0], gates - 0.6), "후보 상태", color="#a05a00", va="top", name="candidate_state")
    scaled = (reset[0], 4.9)
    sk.op(ax, scaled, "×")
    sk.arrow(ax, (reset[0], gates + 0.4), scaled, shrink=0)
    sk.path(ax, [(reset[0], top), (reset[0], scaled[1] + 0.24)])
    sk.path(ax, [(scaled[0] + 0.24, scaled[1]), (7.9, scaled[1]), (7.9, gates + 0.4)])
    ax.text(4.6, scaled[1] + 0.1, "$r_t$ × $h_{t-1}$", ha="center", va="bottom", fontsize=SMALL)
    # The update gate keeps z of the old state and takes 1 - z of the candidate.
    sk.arrow(ax, (update[0], gates + 0.4), (keep[0], top - 0.24))
    ax.text(update[0] + 0.12, 4.6, "$z_t$", ha="left", va="center", fontsize=TEXT)
    one_minus = (9.6, 4.9)
    sk.box(ax, one_minus, 1.1, 0.6, "$1 - z_t$", size=SMALL)
    sk.path(ax, [(update[0] + 0.1, gates + 0.4), (6.6, 4.3), (one_minus[0] - 0.3, 4.3),
               (one_minus[0] - 0.3, one_minus[1] - 0.3)])
    take = (9.6, 5.75)
    sk.op(ax, take, "×")
    sk.arrow(ax, (one_minus[0], one_minus[1] + 0.3), take, shrink=0)
    sk.path(ax, [(cand[0] + 0.6, gates + 0.4), (cand[0] + 0.6, 3.9), (10.6, 3.9), (10.6, take[1]),
               (take[0] + 0.24, take[1])])
    sk.arrow(ax, take, mix, shrink=9)
    ask(ax.text(keep[0], top + 0.35, "옛 상태를 $z_t$만큼 유지", ha="center", va="bottom", fontsize=SMALL),
        "keep_old_state")
    ask(ax.text(mix[0], top + 0.35, "후보를 $1 - z_t$만큼", ha="center", va="bottom", fontsize=SMALL),
        "add_candidate")
    sk.fit(ax, fig, (-1.4, 12.2), (-1.4, 7.6))
    return fig


def _gru_slide(fig: Figure, layout: Layout) -> None:
    """The cell of `gru_cell` laid out in inches for a slide: the card's wiring, flatter and wider."""
    ax = sk.canvas(fig)
    small, text, big = layout.small, layout.text, layout.big
    top, gates, bus, xs, r = 3.4, 1.7, 0.7, 0.25, 0.17
    ax.text(0.75, top, "$h_{t-1}$", ha="right", va="center", fontsize=big)
    ax.text(0.75, xs, "$x_t$", ha="right", va="center", fontsize=big)
    keep, mix, take, one_minus = (6.0, top), (10.3, top), (10.3, 2.95), (10.3, 2.3)
    ax.add_collection(LineCollection([[(0.85, top), (keep[0] - r, top)], [(1.05, top), (1.05, bus)],
                                      [(0.85, xs), (7.95, xs)], [(1.45, xs), (1.45, bus)],
                                      [(1.05, bus), (keep[0], bus)]], colors=INK, linewidths=1.6, zorder=2))
    for at, sign in ((keep, "×"), (mix, "+"), (take, "×")):
        sk.op(ax, at, sign, r=r, size=big)
    sk.arrow(ax, keep, mix, shrink=12, scale=18)
    sk.arrow(ax, mix, (11.1, top), shrink=0, scale=18)
    ax.text(11.15, top, "$h_t$", ha="left", va="center", fontsize=big)
    reset, update, cand = (3.0, gates), (6.0, gates), (8.8, gates)
    for gate, sym, name, label in ((reset, "r", "리셋 게이트", "reset_gate"),
                                   (update, "z", "업데이트 게이트", "update_gate")):
        sk.box(ax, gate, 1.3, 0.5, f"$\\sigma$ → ${sym}_t$", face=PALE, size=text)
        sk.label(ax, (gate[0], gate[1] - 0.35), name, size=small, color=ACCENT, va="top", name=label)
        sk.arrow(ax, (gate[0], bus), (gate[0], gate[1] - 0.25), scale=18)
    ax.text(4.5, bus + 0.05, "$[h_{t-1}, x_t]$", ha="center", va="bottom", fontsize=small)
    sk.arrow(ax, (7.95, xs), (7.95, gates - 0.25), scale=18)
    sk.box(ax, cand, 2.0, 0.5, "tanh → $\\tilde{h}_t$", face=WARM, size=text)
    sk.label(ax, (cand[0] + 0.2, gates - 0.35), "후보 상태", size=small, color="#a05a00", va="top",
           name="candidate_state")
    scaled = (reset[0], 2.6)
    sk.op(ax, scaled, "×", r=r, size=big)
    sk.arrow(ax, (reset[0], gates + 0.25), (reset[0], scaled[1] - r), scale=18)
    sk.arrow(ax, (reset[0], top), (reset[0], scaled[1] + r), scale=18)
    sk.path(ax, [(scaled[0] + r, scaled[1]), (8.3, scaled[1]), (8.3, gates + 0.25)])
    ax.text(4.5, scaled[1] + 0.05, "$r_t$ × $h_{t-1}$", ha="center", va="bottom", fontsize=small)
    sk.arrow(ax, (update[0], gates + 0.25), (keep[0], top - r), scale=18)
    ax.text(update[0] - 0.1, 2.2, "$z_t$", ha="right", va="center", fontsize=text)
    sk.box(ax, one_minus, 0.95, 0.45, "$1 - z_t$", size=small)
    sk.path(ax, [(update[0] + 0.1, gates + 0.25), (6.45, one_minus[1]), (one_minus[0] - 0.475, one_minus[1])])
    sk.arrow(ax, (one_minus[0], one_minus[1] + 0.225), (take[0], take[1] - r), scale=18)
    sk.path(ax, [(cand[0] + 1.0, gates), (11.0, gates), (11.0, take[1]), (take[0] + r, take[1])])
    sk.arrow(ax, (take[0], take[1] + r), (mix[0], mix[1] - r), scale=18)
    ask(ax.text(keep[0], top + 0.25, "옛 상태를 $z_t$만큼 유지", ha="center", va="bottom", fontsize=small),
        "keep_old_state")
    ask(ax.text(mix[0], top + 0.25, "후보를 $1 - z_t$만큼", ha="center", va="bottom", fontsize=small),
        "add_candidate")
    sk.inches(ax, fig, (-0.1, 11.5), (-0.05, 4.0))


def _gru_phone(fig: Figure, layout: Layout) -> None:
    """The cell of `gru_cell` upright in inches for a phone: the old state rises on the left, the gates and the
    candidate in a column read the joined input on the right (the reset-scaled state left out)."""
    ax = sk.canvas(fig)
    small, text, big = layout.small, layout.text, layout.big
    line, col, riser, bus, r = 1.2, 2.45, 3.35, 0.5, 0.14
    keep, mix = (line, 2.65), (line, 4.55)
    ax.text(line, 0.32, "$h_{t-1}$", ha="center", va="top", fontsize=big)
    ax.text(riser, 0.32, "$x_t$", ha="center", va="top", fontsize=big)
    ax.add_collection(LineCollection([[(line, 0.35), (line, keep[1] - r)], [(line, bus), (riser, bus)],
                                      [(riser, 0.35), (riser, 4.0)]], colors=INK, linewidths=1.4, zorder=2))
    sk.op(ax, keep, "×", r=r, size=big)
    sk.op(ax, mix, "+", r=r, size=big)
    sk.arrow(ax, keep, mix, shrink=10)
    sk.arrow(ax, mix, (line, 5.0), shrink=0)
    ax.text(line, 5.02, "$h_t$", ha="center", va="bottom", fontsize=big)
    reset, update, cand = (col, 1.25), (col, 2.65), (col, 4.0)
    for at, body, face in ((reset, "$\\sigma$ → $r_t$", PALE), (update, "$\\sigma$ → $z_t$", PALE),
                           (cand, "tanh → $\\tilde{h}_t$", WARM)):
        sk.box(ax, at, 1.3, 0.42, body, face=face, size=text)
        sk.arrow(ax, (riser, at[1]), (col + 0.65, at[1]))
    for at, name, label, color in ((reset, "리셋 게이트", "reset_gate", ACCENT),
                                   (update, "업데이트 게이트", "update_gate", ACCENT),
                                   (cand, "후보 상태", "candidate_state", "#a05a00")):
        sk.label(ax, (col, at[1] - 0.28), name, size=small, color=color, va="top", name=label)
    sk.path(ax, [(col - 0.65, reset[1]), (1.55, reset[1]), (1.55, cand[1]), (col - 0.65, cand[1])])
    sk.arrow(ax, (col - 0.65, update[1]), (keep[0] + r, keep[1]))
    sk.path(ax, [(col, cand[1] + 0.21), (col, mix[1]), (mix[0] + r, mix[1])])
    ask(ax.text(line - 0.22, keep[1], "옛 상태를\n$z_t$만큼 유지", ha="right", va="center", fontsize=small),
        "keep_old_state")
    ask(ax.text(line - 0.22, mix[1], "후보를\n$1 - z_t$만큼", ha="right", va="center", fontsize=small),
        "add_candidate")
    sk.inches(ax, fig, (0.0, 3.45), (-0.05, 5.25))


def _check_steps(steps: int, most: int = 6) -> None:
    if not 2 <= steps <= most:
        raise ValueError(f"steps must be 2 to {most} (wider figures are unreadable on a card), got {steps}")


def _unrolled(ax: Axes, steps: int, gap: float, rows: dict[str, float], r: float, size: float) -> None:
    """Draw the unrolled net of `bptt` in inches: nodes `r` in radius, columns `gap` apart, forward arrows
    and the gradient's dashed path back, `W` over each recurrent arrow when there is room."""
    for t in range(steps):
        x, n = t * gap, t + 1
        sk.node(ax, (x, rows["x"]), r=r, face=PALE, text=f"$x_{{{n}}}$", size=size)
        sk.node(ax, (x, rows["h"]), r=r, text=f"$h_{{{n}}}$", size=size)
        sk.node(ax, (x, rows["y"]), r=r, face=WARM, text=f"$y_{{{n}}}$", size=size)
        sk.box(ax, (x, rows["L"]), 2 * r + 0.12, 0.42, f"$L_{{{n}}}$", face="#f6d5d1", size=size)
        for a, b in (("x", "h"), ("h", "y"), ("y", "L")):
            sk.arrow(ax, (x - 0.06, rows[a] + r), (x - 0.06, rows[b] - (0.21 if b == "L" else r)))
        for a, b in (("L", "y"), ("y", "h")):
            sk.arrow(ax, (x + 0.1, rows[a] - (0.21 if a == "L" else r)), (x + 0.1, rows[b] + r), color=RED, ls="--")
        if t:
            sk.arrow(ax, (x - gap + r, rows["h"] + 0.06), (x - r, rows["h"] + 0.06))
            sk.arrow(ax, (x - r, rows["h"] - 0.06), (x - gap + r, rows["h"] - 0.06), color=RED, ls="--", rad=-0.35)
            if gap - 2 * r > 0.5:
                ax.text(x - gap / 2, rows["h"] + 0.12, "$W$", ha="center", va="bottom", fontsize=size)


def _legend_line(ax: Axes, at: Point, text: str, size: float, color: str = INK, ls: str = "-",
                 name: str = "") -> None:
    """Draw a short line in the style of `color` and `ls` and its text to the right (a legend entry)."""
    ax.plot([at[0], at[0] + 0.45], [at[1], at[1]], color=color, lw=1.8, ls=ls)
    sk.named(ax.text(at[0] + 0.55, at[1], text, ha="left", va="center", fontsize=size, color=color), name)


def _bptt_slide(fig: Figure, layout: Layout, steps: int) -> None:
    """`bptt` for a slide (inches): the unrolled net on the left, its legend and notes on the right."""
    ax = sk.canvas(fig)
    small, gap = layout.small, min(1.5, 5.7 / (steps - 1))
    _unrolled(ax, steps, gap, {"x": 0.3, "h": 1.5, "y": 2.55, "L": 3.5}, 0.26, layout.text)
    side = (steps - 1) * gap + 0.75
    _legend_line(ax, (side, 3.5), "순전파", small, name="forward_pass")
    _legend_line(ax, (side, 2.7), "역전파: 마지막 시간 단계에서\n처음으로", small, RED, "--", "backward_pass")
    ask(ax.text(side, 1.5, "같은 가중치 $W$의 기울기를\n시간 단계마다 더함", ha="left", va="center",
                fontsize=small, color=RED), "shared_weight_gradient")
    ax.text(side, 0.3, "시간 단계 →", ha="left", va="center", fontsize=small)
    sk.inches(ax, fig, (-0.35, side + 4.1), (-0.05, 3.8))


def _bptt_phone(fig: Figure, layout: Layout, steps: int) -> None:
    """`bptt` for a phone (inches): at most four steps under the legend, the shared weight's note below."""
    ax = sk.canvas(fig)
    small, shown = layout.small, min(steps, 4)
    gap = 2.75 / (shown - 1) if shown > 2 else 1.6
    left = (3.4 - (shown - 1) * gap) / 2
    ax.set_xlim(-left, 3.4 - left)
    _unrolled(ax, shown, gap, {"x": 1.05, "h": 2.15, "y": 3.0, "L": 3.8}, 0.24, layout.text)
    _legend_line(ax, (-left + 0.05, 5.05), "순전파", small, name="forward_pass")
    _legend_line(ax, (-left + 0.05, 4.5), "역전파: 마지막 시간\n단계에서 처음으로", small, RED, "--", "backward_pass")
    ask(ax.text(1.7 - left, 0.55, "같은 가중치 $W$의 기울기를\n시간 단계마다 더함", ha="center", va="center",
                fontsize=small, color=RED), "shared_weight_gradient")
    sk.inches(ax, fig, (-left, 3.4 - left), (0.1, 5.3))


@drawer
def bptt(*, steps: int, layout: Layout = CARD) -> Figure:
    """Draw an RNN unrolled over `steps` time steps: forward arrows, and the gradient flowing back through time."""
    _check_steps(steps)
    fig = new_figure(4.0, WIDTH)
    if layout.name != CARD.name:
        (_bptt_slide if layout.name == "slide" else _bptt_phone)(fig, layout, steps)
        return fig
    ax = sk.canvas(fig)
    gap = 2.3
    rows = {"x": 0.0, "h": 2.0, "y": 4.0, "L": 5.7}
    for t in range(steps):
        x = t * gap
        n = t + 1
        sk.node(ax, (x, rows["x"]), r=0.38, face=PALE, text=f"$x_{{{n}}}$", size=TEXT)
        sk.node(ax, (x, rows["h"]), r=0.38, text=f"$h_{{{n}}}$", size=TEXT)
        sk.node(ax, (x, rows["y"]), r=0.38, face=WARM, text=f"$y_{{{n}}}$", size=TEXT)
        sk.box(ax, (x, rows["L"]), 0.9, 0.6, f"$L_{{{n}}}$", face="#f6d5d1", size=TEXT)
        for a, b in (("x", "h"), ("h", "y"), ("y", "L")):
            sk.arrow(ax, (x - 0.12, rows[a]), (x - 0.12, rows[b]), shrink=17 if b != "L" else 14)
        for a, b in (("L", "y"), ("y", "h")):
            sk.arrow(ax, (x + 0.2, rows[a]), (x + 0.2, rows[b]), color=RED, ls="--", shrink=14)
        if t:
            sk.arrow(ax, (x - gap, rows["h"] + 0.12), (x, rows["h"] + 0.12), shrink=17)
            sk.arrow(ax, (x, rows["h"] - 0.05), (x - gap, rows["h"] - 0.05), color=RED, ls="--", shrink=17,
                   rad=-0.35)
            sk.label(ax, (x - gap / 2, rows["h"] + 0.4), "$W$", size=TEXT)
    right = (steps - 1) * gap
    sk.label(ax, (right / 2, 1.0), "같은 가중치 $W$의 기울기를 시간 단계마다 더함", color=RED, size=TEXT,
           name="shared_weight_gradient")
    ax.plot([-2.1, -1.5], [6.6, 6.6], color=INK, lw=1.6)
    ask(ax.text(-1.35, 6.6, "순전파", va="center", fontsize=TEXT), "forward_pass")
    ax.plot([0.5, 1.1], [6.6, 6.6], color=RED, lw=1.6, ls="--")
    ask(ax.text(1.25, 6.6, "역전파: 마지막 시간 단계에서 처음으로", va="center", fontsize=TEXT, color=RED),
        "backward_pass")
    ax.text(-0.7, -0.75, "시간 단계 →", ha="left", va="top", fontsize=TEXT)
    sk.fit(ax, fig, (-2.3, max(right + 1.0, 9.0)), (-1.4, 7.1))
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
        sk.node(ax, at(t, rows["x"]), r=r, face=PALE, text=f"$x_{{{n}}}$", size=size)
        sk.box(ax, at(t, rows["f"]), *box, f"$\\overrightarrow{{h}}_{{{n}}}$", edge=ACCENT, lw=1.8, size=size)
        sk.box(ax, at(t, rows["b"]), *box, f"$\\overleftarrow{{h}}_{{{n}}}$", edge=RED, lw=1.8, size=size)
        sk.node(ax, at(t, rows["y"]), r=r, face=WARM, text=f"$y_{{{n}}}$", size=size)
        sk.arrow(ax, at(t, rows["x"] + r), at(t, rows["f"] - across / 2))
        sk.path(ax, [at(t - 0.15, rows["x"] + r * 0.8), at(t - out, rows["x"] + r + 0.25),
                   at(t - out, rows["b"] - across / 4), at(t - along / 2, rows["b"] - across / 4)])
        sk.path(ax, [at(t + along / 2 - 0.1, rows["f"] + across / 2), at(t + out, rows["f"] + across / 2 + 0.2),
                   at(t + out, rows["b"] + across / 2 + 0.2), at(t + 0.12, rows["y"] - r)], color=ACCENT)
        sk.arrow(ax, at(t - 0.06, rows["b"] + across / 2), at(t - 0.06, rows["y"] - r), color=RED)
        if i:
            sk.arrow(ax, at(t - gap + along / 2, rows["f"]), at(t - along / 2, rows["f"]), color=ACCENT, lw=1.8)
            sk.arrow(ax, at(t - along / 2, rows["b"]), at(t - gap + along / 2, rows["b"]), color=RED, lw=1.8)


def _two_way_slide(fig: Figure, layout: Layout, steps: int) -> None:
    """`bidirectional_rnn` for a slide (inches): the card's arrangement, flatter, its notes on the right."""
    ax = sk.canvas(fig)
    gap, rows = min(1.7, 6.5 / (steps - 1)), {"x": 0.3, "f": 1.35, "b": 2.35, "y": 3.45}
    _two_way(ax, steps, gap, rows, layout.text, upright=False)
    side = (steps - 1) * gap + 0.75
    for row, text, color, name in (("f", "순방향 은닉층\n($t$ = 1 → $T$)", ACCENT, "forward_layer"),
                                   ("b", "역방향 은닉층\n($t$ = $T$ → 1)", RED, "backward_layer"),
                                   ("y", "출력: 두 상태를\n이어 붙여 계산", INK, "output_layer"),
                                   ("x", "입력 (같은 입력을\n두 층이 함께 읽음)", INK, "input_layer")):
        ask(ax.text(side, rows[row], text, ha="left", va="center", fontsize=layout.small, color=color), name)
    sk.inches(ax, fig, (-0.6, side + 2.45), (-0.05, 3.8))


def _two_way_phone(fig: Figure, layout: Layout, steps: int) -> None:
    """`bidirectional_rnn` for a phone (inches): time running down at most four steps, each layer a column
    under its name (the card's longer notes left out)."""
    ax = sk.canvas(fig)
    shown = min(steps, 4)
    gap, rows = min(1.2, 3.0 / (shown - 1)), {"x": 0.3, "f": 1.25, "b": 2.2, "y": 3.1}
    _two_way(ax, shown, gap, rows, layout.text, upright=True)
    for row, text, color, name in (("f", "순방향\n은닉층", ACCENT, "forward_layer"),
                                   ("b", "역방향\n은닉층", RED, "backward_layer"),
                                   ("y", "출력", INK, "output_layer"), ("x", "입력", INK, "input_layer")):
        ask(ax.text(rows[row], 0.5, text, ha="center", va="bottom", fontsize=layout.small, color=color), name)
    sk.inches(ax, fig, (0.0, 3.4), (-(shown - 1) * gap - 0.5, 1.15))


@drawer
def bidirectional_rnn(*, steps: int, layout: Layout = CARD) -> Figure:
    """Draw a forward and a backward recurrent layer over the same inputs, their states joined at each output."""
    _check_steps(steps)
    fig = new_figure(4.0, WIDTH)
    if layout.name != CARD.name:
        (_two_way_slide if layout.name == "slide" else _two_way_phone)(fig, layout, steps)
        return fig
    ax = sk.canvas(fig)
    gap = 2.3
    ys = {"x": 0.0, "f": 1.9, "b": 3.5, "y": 5.6}
    for t in range(steps):
        x = t * gap
        n = t + 1
        sk.node(ax, (x, ys["x"]), r=0.38, face=PALE, text=f"$x_{{{n}}}$", size=TEXT)
        sk.box(ax, (x, ys["f"]), 0.95, 0.6, f"$\\overrightarrow{{h}}_{{{n}}}$", edge=ACCENT, lw=1.8, size=TEXT)
        sk.box(ax, (x, ys["b"]), 0.95, 0.6, f"$\\overleftarrow{{h}}_{{{n}}}$", edge=RED, lw=1.8, size=TEXT)
        sk.node(ax, (x, ys["y"]), r=0.38, face=WARM, text=f"$y_{{{n}}}$", size=TEXT)
        sk.arrow(ax, (x, ys["x"] + 0.38), (x, ys["f"] - 0.3))
        sk.path(ax, [(x - 0.3, ys["x"] + 0.25), (x - 0.68, ys["x"] + 0.7), (x - 0.68, ys["b"] - 0.15),
                   (x - 0.48, ys["b"] - 0.15)], lw=1.4)
        sk.path(ax, [(x + 0.3, ys["f"] + 0.3), (x + 0.68, ys["f"] + 0.6), (x + 0.68, ys["b"] + 0.6),
                   (x + 0.2, ys["y"] - 0.36)], color=ACCENT)
        sk.arrow(ax, (x - 0.1, ys["b"] + 0.3), (x - 0.1, ys["y"] - 0.38), color=RED)
        if t:
            sk.arrow(ax, (x - gap + 0.48, ys["f"]), (x - 0.48, ys["f"]), color=ACCENT, lw=1.8)
            sk.arrow(ax, (x - 0.48, ys["b"]), (x - gap + 0.48, ys["b"]), color=RED, lw=1.8)
    right = (steps - 1) * gap
    ask(ax.text(right + 0.8, ys["f"], "순방향 은닉층\n($t$ = 1 → $T$)", ha="left", va="center", fontsize=TEXT,
                color=ACCENT), "forward_layer")
    ask(ax.text(right + 0.8, ys["b"], "역방향 은닉층\n($t$ = $T$ → 1)", ha="left", va="center", fontsize=TEXT,
                color=RED), "backward_layer")
    ask(ax.text(right + 0.8, ys["y"], "출력: 두 상태를\n이어 붙여 계산", ha="left", va="center", fontsize=TEXT),
        "output_layer")
    ask(ax.text(right + 0.8, ys["x"], "입력 (같은 입력을\n두 층이 함께 읽음)", ha="left", va="center",
                fontsize=TEXT), "input_layer")
    sk.fit(ax, fig, (-1.0, right + 4.6), (-0.8, 6.4))
    return fig


def _seq2seq_phone(fig: Figure, layout: Layout, src: Sequence[str], tgt: Sequence[str]) -> None:
    """`seq2seq` running down the page for a phone (inches): each step a row, its input token on the left and
    its output on the right; the dashed feedback arrows left out (the repeated tokens and the label say it)."""
    ax = sk.canvas(fig)
    small, text, x = layout.small, layout.text, 1.55
    rows = len(src) + len(tgt) + 2
    pitch = min(0.6, 4.0 / (rows - 1))
    ys = [4.6 - i * pitch for i in range(rows)]
    enc, ctx, dec = ys[:len(src)], ys[len(src)], ys[len(src) + 1:]
    for i, y in enumerate(enc):
        sk.box(ax, (x, y), 0.5, 0.34, face=PALE, edge=ACCENT, lw=1.6)
        ax.text(x - 0.5, y, src[i], ha="right", va="center", fontsize=text)
        sk.arrow(ax, (x - 0.45, y), (x - 0.25, y))
        if i:
            sk.arrow(ax, (x, enc[i - 1] - 0.17), (x, y + 0.17))
    ask(ax.text(x + 0.5, (enc[0] + enc[-1]) / 2, "인코더", ha="left", va="center", fontproperties=bold(layout.big),
                color=ACCENT), "encoder")
    sk.arrow(ax, (x, enc[-1] - 0.17), (x, ctx + 0.2), lw=1.8)
    sk.node(ax, (x, ctx), r=0.2, face=GREEN, text="$c$", size=text)
    ask(ax.text(x + 0.5, ctx, "문맥 벡터", ha="left", va="center", fontsize=small), "context_vector")
    sk.arrow(ax, (x, ctx - 0.2), (x, dec[0] + 0.17), lw=1.8)
    for i, (y, given, said) in enumerate(zip(dec, ["<시작>", *tgt], [*tgt, "<EOS>"], strict=True)):
        sk.box(ax, (x, y), 0.5, 0.34, face="#fde0bd", edge="#a05a00", lw=1.6)
        ax.text(x - 0.5, y, given, ha="right", va="center", fontsize=text if i else small)
        ax.text(x + 0.5, y, said, ha="left", va="center", fontsize=text, color=RED if i == len(tgt) else INK)
        sk.arrow(ax, (x - 0.45, y), (x - 0.25, y))
        sk.arrow(ax, (x + 0.25, y), (x + 0.45, y))
        if i:
            sk.arrow(ax, (x, dec[i - 1] - 0.17), (x, y + 0.17))
    ask(ax.text(x, dec[-1] - 0.35, "디코더: 앞서 낸 토큰을\n다음 입력으로", ha="center", va="top", fontsize=small,
                color="#a05a00"), "decoder")
    sk.inches(ax, fig, (0.0, 3.4), (dec[-1] - 1.0, 4.9))


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
    ax = sk.canvas(fig)
    gap = 1.55
    enc = [i * gap for i in range(len(src))]
    ctx = enc[-1] + 1.45
    dec = [ctx + 1.45 + i * gap for i in range(len(tgt) + 1)]
    cy = 2.0
    for i, x in enumerate(enc):
        sk.box(ax, (x, cy), 0.9, 0.7, face=PALE, edge=ACCENT, lw=1.6)
        sk.label(ax, (x, 0.0), src[i], size=text)
        sk.arrow(ax, (x, 0.3), (x, cy - 0.35))
        if i:
            sk.arrow(ax, (x - gap + 0.45, cy), (x - 0.45, cy))
    sk.arrow(ax, (enc[-1] + 0.45, cy), (ctx - 0.38, cy), lw=1.8)
    sk.node(ax, (ctx, cy), r=0.38, face=GREEN, text="$c$", size=big)
    sk.arrow(ax, (ctx + 0.38, cy), (dec[0] - 0.45, cy), lw=1.8)
    inputs = ["<시작>", *tgt]
    outputs = [*tgt, "<EOS>"]
    for i, x in enumerate(dec):
        sk.box(ax, (x, cy), 0.9, 0.7, face="#fde0bd", edge="#a05a00", lw=1.6)
        sk.label(ax, (x, 0.0), inputs[i], size=text if i else small)
        sk.label(ax, (x, 4.0), outputs[i], size=text, color=RED if i == len(tgt) else INK)
        sk.arrow(ax, (x, 0.3), (x, cy - 0.35))
        sk.arrow(ax, (x, cy + 0.35), (x, 3.7))
        if i:
            sk.arrow(ax, (x - gap + 0.45, cy), (x - 0.45, cy))
            sk.arrow(ax, (x - gap + 0.35, 3.8), (x - 0.3, 0.3), color=MUTED, lw=1.0, ls="--")
    mid_enc, mid_dec = (enc[0] + enc[-1]) / 2, (dec[0] + dec[-1]) / 2
    ask(ax.text(mid_enc, 3.0, "인코더", ha="center", va="bottom", fontproperties=bold(big), color=ACCENT), "encoder")
    ask(ax.text(mid_dec, 4.6, "디코더: 앞서 낸 토큰을 다음 입력으로", ha="center", va="bottom", fontsize=text,
                color="#a05a00"), "decoder")
    ask(ax.text(ctx, 1.4, "문맥\n벡터", ha="center", va="top", fontsize=small), "context_vector")
    if layout.name == "slide":  # the card's drawing, its texts 1.7 × larger on a page 1.6 × wider
        sk.scaled(ax, fig, (enc[0] - 0.9, dec[-1] + 0.9), (-0.6, 5.3), 0.7)
    else:
        sk.fit(ax, fig, (enc[0] - 0.9, dec[-1] + 0.9), (-0.6, 5.3))
    return fig


