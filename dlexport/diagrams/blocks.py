"""Block diagrams with computed geometry: the CNN pipeline and the LSTM memory block."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

from dlexport.diagrams.style import ACCENT, INK, PAD, PALE, WARM, ask, bold, drawer, new_figure
from dlexport.legibility import CARD, Layout

Point = tuple[float, float]


def _canvas(fig: Figure) -> Axes:
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _arrow(ax: Axes, a: Point, b: Point, rad: float = 0.0, lw: float = 1.3, ls: str = "-",
           shrink_a: float = 0.0, shrink_b: float = 0.0, color: str = INK) -> None:
    ax.add_patch(FancyArrowPatch(a, b, connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                 mutation_scale=11, lw=lw, linestyle=ls, color=color,
                                 shrinkA=shrink_a, shrinkB=shrink_b, zorder=2))


def fit(fig: Figure, ax: Axes, xlim: Point, ylim: Point, layout: Layout, inch: float,
        room: Sequence[float] = (0.0, 0.0, 0.0, 0.0)) -> None:
    """Show `xlim` × `ylim` with `inch` inches a unit (less if that is larger than `layout`), on a figure that
    size: a drawing for a slide or a phone then fills its place without shrinking its letters. `room` is
    inches more left, right, below and above the limits (the last two optional), for texts whose size doesn't
    shrink with the drawing."""
    left, right, below, above = (*room, 0.0, 0.0)[:4]
    wide, tall = xlim[1] - xlim[0], ylim[1] - ylim[0]
    inch = min(inch, (layout.width - 2 * PAD - left - right) / wide,  # PAD: draw() adds it
               (layout.height - 2 * PAD - below - above) / tall)
    fig.set_size_inches(wide * inch + left + right, tall * inch + below + above)
    ax.set_xlim(xlim[0] - left / inch, xlim[1] + right / inch)
    ax.set_ylim(ylim[0] - below / inch, ylim[1] + above / inch)


def feature_map_sizes(input_size: int, channels: Sequence[int], kernel: int, pool: int) -> list[tuple[str, int, int]]:
    """Return (stage, channels, side) for the input and after each convolution (valid) and pooling."""
    if input_size < 1 or kernel < 1 or pool < 1 or not channels or min(channels) < 1:
        raise ValueError("cnn needs positive input_size, kernel, pool and at least one channel count")
    stages = [("입력", 1, input_size)]
    side = input_size
    for c in channels:
        side = side - kernel + 1
        if side < 1:
            raise ValueError(f"a {kernel}×{kernel} convolution does not fit a {side + kernel - 1}-pixel map")
        stages.append(("합성곱", int(c), side))
        if side // pool < 1:
            raise ValueError(f"{pool}×{pool} pooling does not fit a {side}-pixel map")
        side //= pool
        stages.append(("풀링", int(c), side))
    return stages


# The CNN is laid out 6.4 in wide and labelled in FONT points: at a card's 760 px, FONT / 72 * 760 / 6.6 (the
# saved width, padding included) ≈ 19 px from ascender to descender, letters ≥ 14 px (see kit.py).
CNN_WIDTH = 6.4
FONT = 12.0


def _stage_labels(stages: Sequence[tuple[str, int, int]]) -> list[str]:
    """Return the askable label of each stage: input_image, feature_map_1, … (in drawing order)."""
    return ["input_image" if name == "입력" else f"feature_map_{i}" for i, (name, _, _) in enumerate(stages)]


@drawer
def cnn(*, input_size: int, channels: Sequence[int], kernel: int, pool: int, hidden: int, classes: int,
        layout: Layout = CARD) -> Figure:
    """Draw input -> (convolution -> pooling)* -> fully connected -> output as stacks of feature maps."""
    stages = feature_map_sizes(input_size, channels, kernel, pool)
    if hidden < 1 or classes < 1:
        raise ValueError(f"hidden and classes must be positive, got {hidden} and {classes}")
    if layout is not CARD:
        return _cnn_phone(stages, (kernel, pool, hidden, classes), layout)
    scale = 1.5 / input_size
    step = 0.12
    fig = new_figure(3.4, CNN_WIDTH)
    ax = _canvas(fig)
    x = 0.0
    prev: Point | None = None
    ops = {"합성곱": (f"합성곱\n{kernel}×{kernel}", "convolution"), "풀링": (f"최대 풀링\n{pool}×{pool}", "pooling")}
    count = {"합성곱": 0, "풀링": 0}
    for (name, c, side), label in zip(stages, _stage_labels(stages), strict=True):
        s = max(0.25, side * scale)
        sheets = min(c, 5)
        face = PALE if name == "입력" else "#fde0bd" if name == "합성곱" else "#d9f0d3"
        for k in range(sheets):
            ax.add_patch(Rectangle((x + k * step, -s / 2 + k * step), s, s, facecolor=face, edgecolor=INK,
                                   lw=0.9, zorder=2 + k))
        width = s + (sheets - 1) * step
        mid = (x + width / 2, (sheets - 1) * step / 2)
        if prev is not None:
            count[name] += 1
            _arrow(ax, (prev[0], 0.0), (x - 0.08, 0.0), color=ACCENT)
            text, op = ops[name]
            ask(ax.text((prev[0] + x) / 2, 1.05, text, ha="center", va="bottom", fontsize=FONT, color=ACCENT),
                f"{op}_{count[name]}")
        title = "입력 영상" if name == "입력" else "특징 맵"
        ask(ax.text(mid[0], -1.2, f"{title}\n{c}@{side}×{side}", ha="center", va="top", fontsize=FONT), label)
        prev = (x + width + 0.08, 0.0)
        x += width + 1.2
    x += 0.25
    for name, n, label in (("완전 연결", hidden, "fully_connected"), ("출력", classes, "output")):
        assert prev is not None
        _arrow(ax, (prev[0], 0.0), (x - 0.08, 0.0), color=ACCENT)
        dots = min(n, 8 if name == "완전 연결" else 6)
        ys = (np.arange(dots) - (dots - 1) / 2) * 0.26
        for y in ys:
            ax.add_patch(Circle((x + 0.12, float(y)), 0.1, facecolor=WARM if name == "출력" else "white",
                                edgecolor=INK, lw=0.9, zorder=3))
        ask(ax.text(x + 0.12, -1.2, f"{name}\n{n}", ha="center", va="top", fontsize=FONT), label)
        prev = (x + 0.3, 0.0)
        x += 1.4
    ax.set_xlim(-0.3, x - 0.8)
    ax.set_ylim(-2.1, 2.0)
    return fig


def _cnn_phone(stages: Sequence[tuple[str, int, int]], sizes: tuple[int, int, int, int], layout: Layout) -> Figure:
    """The pipeline top down: each stage's stack of maps with its name right of it, each operation left of the
    arrow into its stage, then the fully connected and output units as rows of dots."""
    kernel, pool, hidden, classes = sizes
    fig = new_figure(layout.height, layout.width)
    ax = _canvas(fig)
    scale, step, gap = 1.0 / stages[0][2], 0.12, 0.75
    ops = {"합성곱": (f"합성곱 {kernel}×{kernel}", "convolution"), "풀링": (f"최대 풀링 {pool}×{pool}", "pooling")}
    count = {"합성곱": 0, "풀링": 0}
    y = 0.0
    for (name, c, side), label in zip(stages, _stage_labels(stages), strict=True):
        s, sheets = max(0.25, side * scale), min(c, 5)
        tall = s + (sheets - 1) * step
        if name != "입력":
            count[name] += 1
            _arrow(ax, (0.0, y), (0.0, y - gap), color=ACCENT, shrink_b=2)
            text, op = ops[name]
            ask(ax.text(-0.2, y - gap / 2, text, ha="right", va="center", fontsize=layout.small, color=ACCENT),
                f"{op}_{count[name]}")
            y -= gap + 0.06
        face = PALE if name == "입력" else "#fde0bd" if name == "합성곱" else "#d9f0d3"
        left = -(s + (sheets - 1) * step) / 2
        for k in range(sheets):
            ax.add_patch(Rectangle((left + k * step, y - s - (sheets - 1 - k) * step), s, s, facecolor=face,
                                   edgecolor=INK, lw=0.9, zorder=2 + k))
        title = "입력 영상" if name == "입력" else "특징 맵"
        ask(ax.text(0.95, y - tall / 2, f"{title}\n{c}@{side}×{side}", ha="left", va="center",
                    fontsize=layout.small), label)
        y -= tall + 0.06
    for name, n, label in (("완전 연결", hidden, "fully_connected"), ("출력", classes, "output")):
        _arrow(ax, (0.0, y), (0.0, y - gap), color=ACCENT, shrink_b=2)
        y -= gap + 0.16
        dots = min(n, 8 if name == "완전 연결" else 6)
        for x in (np.arange(dots) - (dots - 1) / 2) * 0.26:
            ax.add_patch(Circle((float(x), y), 0.1, facecolor=WARM if name == "출력" else "white", edgecolor=INK,
                                lw=0.9, zorder=3))
        ask(ax.text(1.35, y, f"{name} {n}", ha="left", va="center", fontsize=layout.small), label)
        y -= 0.16
    fit(fig, ax, (-2.7, 4.1), (y - 0.1, 0.1), layout, 0.6)
    return fig


def _squash(ax: Axes, at: Point, sub: str, r: float = 0.42, font: float = 11.0) -> None:
    ax.add_patch(Circle(at, r, facecolor="white", edgecolor=INK, lw=1.3, zorder=3))
    t = np.linspace(-1.0, 1.0, 40)
    ax.plot(at[0] + 0.55 * r * t, at[1] + 0.5 * r * np.tanh(2.5 * t), color=INK, lw=1.6, zorder=4)
    ax.text(at[0] + 0.45 * r, at[1] - 0.5 * r, sub, fontsize=font, ha="left", va="center", zorder=4)


def _product(ax: Axes, at: Point) -> None:
    ax.add_patch(Circle(at, 0.16, facecolor=INK, edgecolor=INK, zorder=3))


def _fan_in(ax: Axes, at: Point, direction: Point) -> None:
    """Draw three arrows converging on `at` from `direction` (the outside)."""
    dx, dy = direction
    for k in (-1, 0, 1):
        start = (at[0] + dx * 1.0 + dy * 0.55 * k, at[1] + dy * 1.0 + dx * 0.55 * k)
        _arrow(ax, start, at, shrink_b=13, lw=1.0)


# The memory block is drawn on its side (information flows left to right), so that it fits a card's height;
# LSTM_FONT-point labels are then ≥ 14 px tall on a card (see dlexport/legibility.py).
LSTM_FONT = 11.0
LSTM_WIDTH = 6.0  # inches


LSTM_AT = ((0.9, 3.0), (2.6, 3.0), (2.6, 5.1), (4.7, 3.0), (4.7, 1.55), (4.7, 0.45), (6.5, 3.0), (8.3, 3.0),
           (8.3, 5.1))  # g, ×in, input gate, cell, ×forget, forget gate, h, ×out, output gate on a card


def _same(p: Point) -> Point:
    return p


@dataclass(frozen=True)
class _Frame:
    """Where a layout draws the memory block's parts: `place` maps a card position, `turn` a card direction."""

    place: Callable[[Point], Point] = _same
    turn: Callable[[Point], Point] = _same
    cell: float = 0.62  # the cell's radius
    loop: float = 0.45  # where the self-loop leaves and enters the cell, from its centre
    shrink: float = 1.0  # arrow ends' gaps (points) relative to a card's
    font: float = LSTM_FONT


def _lstm_parts(ax: Axes, peepholes: bool, frame: _Frame = _Frame()) -> None:
    """Draw the gates, the multiplications, the cell and every arrow between them (not their names)."""
    g, mul_in, in_gate, cell, mul_f, f_gate, h, mul_out, out_gate = (frame.place(p) for p in LSTM_AT)
    for at, sub in ((g, "g"), (in_gate, "f"), (f_gate, "f"), (h, "h"), (out_gate, "f")):
        _squash(ax, at, sub, font=frame.font)
    for at in (mul_in, mul_f, mul_out):
        _product(ax, at)
    ax.add_patch(Circle(cell, frame.cell, facecolor="white", edgecolor=INK, lw=3.2, zorder=3))
    ask(ax.text(*cell, "셀\nCell", ha="center", va="center", fontproperties=bold(frame.font), zorder=4), "cell")
    for gate, way in ((g, (-1.0, 0.0)), (in_gate, (0.0, 1.0)), (out_gate, (0.0, 1.0)), (f_gate, (0.0, -1.0))):
        d = frame.turn(way)
        _fan_in(ax, (gate[0] + d[0] * 0.42, gate[1] + d[1] * 0.42), d)
    sq, sc, sp = 17 * frame.shrink, 25 * frame.shrink * (frame.cell / 0.62), 6 * frame.shrink  # squash, cell, ×
    _arrow(ax, g, mul_in, shrink_a=sq, shrink_b=sp, lw=1.8)
    _arrow(ax, in_gate, mul_in, shrink_a=sq, shrink_b=sp, lw=1.8)
    _arrow(ax, mul_in, cell, shrink_a=sp, shrink_b=sc, lw=1.8)
    _arrow(ax, f_gate, mul_f, shrink_a=sq, shrink_b=sp, lw=1.8)
    out, back = frame.turn((frame.loop, -frame.loop)), frame.turn((-frame.loop, -frame.loop))
    _arrow(ax, (cell[0] + out[0], cell[1] + out[1]), mul_f, rad=-0.6, shrink_b=sp, lw=1.6, color=ACCENT)
    _arrow(ax, mul_f, (cell[0] + back[0], cell[1] + back[1]), rad=-0.6, shrink_a=sp, lw=1.6, color=ACCENT)
    _arrow(ax, cell, h, shrink_a=sc, shrink_b=sq, lw=1.8)
    _arrow(ax, h, mul_out, shrink_a=sq, shrink_b=sp, lw=1.8)
    _arrow(ax, out_gate, mul_out, shrink_a=sq, shrink_b=sp, lw=1.8)
    for dy in (-0.8, 0.0, 0.8):
        _arrow(ax, mul_out, frame.place((10.4, 3.0 + dy)), shrink_a=sp, lw=1.0)
    if peepholes:
        for gate in (in_gate, out_gate, f_gate):
            _arrow(ax, cell, gate, rad=0.15 if gate == f_gate else 0.0, ls="--", lw=1.0,
                   shrink_a=sc, shrink_b=sq, color="#555555")


# Where the card and the slide write the block's names: label -> (the part it names, as an index into LSTM_AT,
# or None for a fixed point; offset or point; text; alignment; colour).
_Name = tuple[int | None, Point, str, str, str, str | None]
CARD_NAMES: dict[str, _Name] = {
    "input_gate": (2, (-0.6, 0.0), "입력 게이트\n(input gate)", "right", "center", None),
    "output_gate": (8, (-0.6, 0.0), "출력 게이트\n(output gate)", "right", "center", None),
    "forget_gate": (5, (0.6, 0.05), "망각 게이트\n(forget gate)", "left", "center", None),
    "cec": (4, (-0.85, -0.1), "자기 순환: 상수 오차\n회전목마 (CEC)", "right", "center", ACCENT),
    "cell_input": (0, (0.0, -0.6), "셀 입력", "center", "top", None),
    "cell_output": (6, (0.0, -0.6), "셀 출력", "center", "top", None),
    "memory_block": (None, (9.25, 0.15), "메모리 블록", "right", "bottom", None),
}
SLIDE_NAMES: dict[str, _Name] = {
    **CARD_NAMES,
    # one line, high: a peephole from the cell reaches the output gate from below its name
    "output_gate": (8, (-0.6, 0.3), "출력 게이트 (output gate)", "right", "center", None),
    "forget_gate": (5, (0.6, 0.15), "망각 게이트\n(forget gate)", "left", "center", None),
    "cec": (4, (-1.0, -0.35), "자기 순환: 상수 오차\n회전목마 (CEC)", "right", "center", ACCENT),
    "memory_block": (None, (15.85, -0.15), "메모리 블록", "right", "bottom", None),
}


def _lstm_names(ax: Axes, parts: Sequence[Point], font: float, names: dict[str, _Name]) -> None:
    """Write each askable name of the block beside its part (`parts`: LSTM_AT as this layout places it)."""
    for label, (part, (dx, dy), text, ha, va, color) in names.items():
        x, y = (parts[part][0] + dx, parts[part][1] + dy) if part is not None else (dx, dy)
        ask(ax.text(x, y, text, ha=ha, va=va, fontsize=font, color=color), label)


@drawer
def lstm_cell(*, peepholes: bool, layout: Layout = CARD) -> Figure:
    """Draw the LSTM memory block: gates, cell with its self-loop (the CEC) and the multiplications."""
    if layout is not CARD:
        return _lstm_phone(peepholes, layout) if layout.name == "phone" else _lstm_slide(peepholes, layout)
    fig = new_figure(4.4, LSTM_WIDTH)
    ax = _canvas(fig)
    ax.add_patch(Rectangle((0.0, 0.0), 9.4, 6.0, facecolor="#fbfbfb", edgecolor=INK, lw=1.4, zorder=0))
    _lstm_parts(ax, peepholes)
    _lstm_names(ax, LSTM_AT, LSTM_FONT, CARD_NAMES)
    ax.add_patch(Circle((0.25, 6.95), 0.12, facecolor=INK))
    ax.text(0.5, 6.95, "곱셈 (게이트가 흐름을 조절)", va="center", fontsize=LSTM_FONT)
    ax.set_xlim(-1.3, 10.6)
    ax.set_ylim(-1.2, 7.3)
    return fig


def _lstm_slide(peepholes: bool, layout: Layout) -> Figure:
    """The card's block 1.7 × wider for its names at slide sizes, the cell larger for its own, the legend under
    the block on the right."""
    fig = new_figure(layout.height, layout.width)
    ax = _canvas(fig)
    ax.add_patch(Rectangle((0.0, -0.3), 16.0, 6.3, facecolor="#fbfbfb", edgecolor=INK, lw=1.4, zorder=0))
    frame = _Frame(place=lambda p: (p[0] * 1.7, p[1]), cell=0.85, loop=0.62, font=layout.small)
    _lstm_parts(ax, peepholes, frame)
    _lstm_names(ax, [frame.place(p) for p in LSTM_AT], layout.small, SLIDE_NAMES)
    ax.text(9.75, -0.75, "곱셈 (게이트가 흐름을 조절)", ha="left", va="center", fontsize=layout.small)
    ax.add_patch(Circle((9.45, -0.75), 0.12, facecolor=INK))
    fit(fig, ax, (-1.0, 17.9), (-1.2, 6.7), layout, 0.6)
    return fig


def _lstm_phone(peepholes: bool, layout: Layout) -> Figure:
    """The card's block turned a quarter: information flows down, the input and output gates on the right, the
    forget gate on the left; no cell input/output names and no legend (a phone has no room for them)."""
    fig = new_figure(layout.height, layout.width)
    ax = _canvas(fig)
    ax.add_patch(Rectangle((0.0, -9.4), 6.0, 9.4, facecolor="#fbfbfb", edgecolor=INK, lw=1.4, zorder=0))
    frame = _Frame(place=lambda p: (p[1], -p[0]), turn=lambda d: (d[1], -d[0]), cell=0.75, loop=0.54,
                   shrink=0.75, font=layout.small)
    _lstm_parts(ax, peepholes, frame)
    _, _, in_gate, _, mul_f, f_gate, _, _, out_gate = (frame.place(p) for p in LSTM_AT)
    small = layout.small
    for at, text, label in ((in_gate, "입력\n게이트", "input_gate"), (out_gate, "출력\n게이트", "output_gate")):
        ask(ax.text(at[0], at[1] + 0.55, text, ha="center", va="bottom", fontsize=small), label)
    ask(ax.text(0.15, f_gate[1] - 0.55, "망각\n게이트", ha="left", va="top", fontsize=small), "forget_gate")
    ask(ax.text(mul_f[0] - 0.25, mul_f[1] + 1.0, "자기 순환\n(CEC)", ha="center", va="bottom", fontsize=small,
                color=ACCENT), "cec")
    ask(ax.text(0.15, -9.25, "메모리 블록", ha="left", va="bottom", fontsize=small), "memory_block")
    fit(fig, ax, (-1.1, 6.7), (-10.5, 0.65), layout, 0.6)
    return fig
