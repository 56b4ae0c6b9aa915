"""Deep nets run with numpy: activation statistics by initialisation and batch normalisation, residual gradients."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator

from dlexport.diagrams.kit import (
    CARD,
    COLORS,
    PHONE,
    SLIDE,
    SMALL,
    TEXT,
    WIDTH,
    Array,
    Layout,
    ask_legend,
    choice,
    log_axis,
    positive,
    tidy,
    tidy_for,
)
from dlexport.diagrams.style import INK, ask, drawer, new_figure

SCHEMES = ("small", "xavier", "he")
SCHEME_NAMES = {"small": "작은 난수 (σ = 0.01)", "xavier": "Xavier (분산 1/n)", "he": "He (분산 2/n)"}
ACTIVATIONS = ("relu", "tanh")


def _sigmoid(z: Array) -> Array:
    out: Array = 1.0 / (1.0 + np.exp(-z))
    return out


def _act(name: str, z: Array) -> Array:
    out: Array = np.maximum(z, 0.0) if name == "relu" else np.tanh(z)
    return out


def init_weights(scheme: str, units: int, rng: np.random.Generator) -> Array:
    """Return a units x units weight matrix drawn by one initialisation scheme."""
    choice("scheme", scheme, SCHEMES)
    std = {"small": 0.01, "xavier": np.sqrt(1.0 / units), "he": np.sqrt(2.0 / units)}[scheme]
    out: Array = rng.normal(0.0, std, (units, units))
    return out


def forward(scheme: str, activation: str, layers: int, units: int, seed: int,
            normalize: bool = False) -> tuple[list[Array], list[Array]]:
    """Run a seeded batch through a deep fully connected net; return each layer's pre-activations and outputs.

    With `normalize`, every pre-activation is batch-normalised (mean 0, variance 1 per unit, γ = 1, β = 0).
    """
    choice("activation", activation, ACTIVATIONS)
    positive("layers", layers, 40)
    positive("units", units, 512)
    rng = np.random.default_rng(seed)
    h = rng.normal(0.0, 1.0, (500, units))
    pre, out = [], []
    for _ in range(layers):
        z = h @ init_weights(scheme, units, rng)
        if normalize:
            z = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + 1e-5)
        h = _act(activation, z)
        pre.append(z)
        out.append(h)
    return pre, out


def _spread(ax: Axes, stats: dict[str, list[Array]], layers: int, title: str, layout: Layout) -> None:
    """Plot each scheme's output standard deviation by layer (log scale), its legend left to the caller."""
    depth = np.arange(1, layers + 1)
    for k, s in enumerate(SCHEMES):
        ax.plot(depth, [float(h.std()) for h in stats[s]], "o-", color=COLORS[k], lw=1.8, label=SCHEME_NAMES[s])
    log_axis(ax)
    if layout is CARD:
        ax.set_xticks(depth if layers <= 12 else depth[::max(1, layers // 10)])
    else:  # at most 5 ticks of larger text
        ax.set_xticks(depth[::-(-layers // 5)])
    tidy_for(layout, ax, title, "층", "출력의 표준편차")


def _last_layer(ax: Axes, outputs: Array, activation: str, color: str) -> None:
    """Draw the last layer's outputs as a histogram on the shared span (ReLU: without its exact zeros)."""
    span = (-1.0, 1.0) if activation == "tanh" else (0.0, 3.0)
    values = outputs.ravel()
    values = values if activation == "tanh" else values[values > 0]  # ReLU: half are exactly 0
    ax.hist(np.clip(values, *span), bins=30, range=span, color=color)
    ax.set_yticks([])
    ax.set_xticks(span)


@drawer
def init_statistics(*, layers: int, units: int, activation: str, seed: int, layout: Layout = CARD) -> Figure:
    """Draw the spread of each layer's activations under small-random, Xavier and He initialisation."""
    stats = {s: forward(s, activation, layers, units, seed)[1] for s in SCHEMES}
    net = f"{layers}층 {activation.replace('relu', 'ReLU')} 신경망"
    note = ", 0 제외" if activation == "relu" else ""
    if layout is SLIDE:
        return _init_slide(stats, layers, net, note, activation)
    if layout is PHONE:  # the spread by layer alone: the last layer's histograms restate its last points
        fig = new_figure(4.3, 3.3)
        top = fig.add_axes((0.25, 0.42, 0.72, 0.5))
        _spread(top, stats, layers, net, layout)
        ask_legend(top.legend(fontsize=layout.small, frameon=False, loc="upper left", bbox_to_anchor=(-0.3, -0.24)),
                   ("small_random", "xavier", "he"))
        return fig
    fig = new_figure(4.45, WIDTH)  # 4.6 left its 11 pt ticks a hair under 14 px at the card's 560 px height
    top = fig.add_axes((0.13, 0.58, 0.84, 0.35))
    _spread(top, stats, layers, f"{net}, 층마다 {units}개 노드", layout)
    ask_legend(top.legend(fontsize=SMALL, frameon=False, loc="lower left"), ("small_random", "xavier", "he"))
    for k, s in enumerate(SCHEMES):
        ax = fig.add_axes((0.13 + 0.29 * k, 0.07, 0.24, 0.22))
        _last_layer(ax, stats[s][-1], activation, COLORS[k])
        tidy(ax, SCHEME_NAMES[s].split(" (")[0], grid=False)
    fig.text(0.55, 0.385, f"{layers}층 출력의 분포 (같은 눈금{note})", ha="center", fontsize=TEXT)
    return fig


def _init_slide(stats: dict[str, list[Array]], layers: int, net: str, note: str, activation: str) -> Figure:
    """The slide: the spread by layer on the left; on the right one row per scheme, its name (the legend, in
    its colour) beside the histogram of its last layer's outputs."""
    fig = new_figure(SLIDE.height, SLIDE.width)
    w, h = SLIDE.width, SLIDE.height
    _spread(fig.add_axes((1.45 / w, 0.85 / h, 4.75 / w, 2.95 / h)), stats, layers, net, SLIDE)
    fig.text(9.6 / w, 3.95 / h, f"{layers}층 출력의 분포{note}", ha="center", fontsize=SLIDE.text)
    for k, s in enumerate(SCHEMES):
        ax = fig.add_axes((8.6 / w, (2.75 - 1.0 * k) / h, 3.1 / w, 0.8 / h))
        _last_layer(ax, stats[s][-1], activation, COLORS[k])
        tidy_for(SLIDE, ax, grid=False)
        if k < len(SCHEMES) - 1:
            ax.set_xticklabels([])
        ask(ax.text(-0.08, 0.5, SCHEME_NAMES[s].replace(" (", "\n("), transform=ax.transAxes, ha="right",
                    va="center", fontsize=SLIDE.small, color=COLORS[k]), ("small_random", "xavier", "he")[k])
    return fig


# Where each layout puts the two panels (figure fractions) in a figure of its size (inches), and its heading.
BN_PLACES = {
    "card": ((WIDTH, 4.6), ((0.1, 0.14, 0.42, 0.74), (0.56, 0.14, 0.42, 0.74)), 0.96),
    "slide": ((11.8, 4.3), ((0.085, 0.13, 0.41, 0.72), (0.575, 0.13, 0.41, 0.72)), 0.0),  # the slide's title says it
    "phone": ((3.4, 5.3), ((0.2, 0.53, 0.77, 0.35), (0.2, 0.06, 0.77, 0.35)), 0.985),
}


@drawer
def batchnorm_statistics(*, layers: int, units: int, activation: str, scheme: str, seed: int,
                         layout: Layout = CARD) -> Figure:
    """Draw each layer's pre-activation distribution without and with batch normalisation."""
    shown = sorted({1, max(1, layers // 3), max(1, 2 * layers // 3), layers})
    (width, height), panels, heading = BN_PLACES[layout.name]
    fig = new_figure(height, width)
    stacked = layout is PHONE  # the panels one above the other: layer names on both, ticks on the lower
    for col, normalize in enumerate((False, True)):
        pre = forward(scheme, activation, layers, units, seed, normalize)[0]
        ax = fig.add_axes(panels[col])
        for row, layer in enumerate(shown):
            z = pre[layer - 1].ravel()
            counts, edges = np.histogram(np.clip(z, -4, 4), bins=60, range=(-4, 4))
            base = (len(shown) - 1 - row) * 1.2
            ax.fill_between(edges[:-1], base, base + counts / counts.max(), step="post", color=COLORS[row],
                            alpha=0.8)
            if not normalize or stacked:
                ax.text(-4.3, base + 0.3, f"{layer}층", ha="right", fontsize=layout.small)
            ax.text(4.0, base + 0.5, f"σ = {z.std():.2g}", ha="right", fontsize=layout.small)
        ax.set_yticks([])
        ax.set_xticks([-4, 0, 4] if normalize or not stacked else [])
        title = "(b) 미니배치마다 평균 0, 분산 1로" if normalize else "(a) 그대로"
        tidy_for(layout, ax, title, grid=False)
        ax.spines["left"].set_visible(False)
        ax.spines["bottom"].set_visible(normalize or not stacked)
    if heading:
        fig.text(0.5, heading, "층별 활성화 함수 입력의 분포", ha="center", va="top" if stacked else "baseline",
                 fontsize=layout.text, color=INK)
    return fig


def gradient_norms(layers: int, units: int, residual: bool, seed: int) -> Array:
    """Return ||dL/dW_l|| for each layer of a deep sigmoid net, plain or residual, computed by backpropagation.

    h_l = σ(W_l h_(l-1)) (plain) or h_l = h_(l-1) + σ(W_l h_(l-1)) (residual), W_l with variance 1/units
    (Xavier); L = mean over the batch of ½||h_L - y||².
    """
    positive("layers", layers, 40)
    positive("units", units, 512)
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (64, units))
    y = rng.normal(0.0, 1.0, (64, units))
    weights = [rng.normal(0.0, np.sqrt(1.0 / units), (units, units)) for _ in range(layers)]
    hs, zs = [x], []
    for w in weights:
        z = hs[-1] @ w
        zs.append(z)
        hs.append(hs[-1] + _sigmoid(z) if residual else _sigmoid(z))
    grad_h = (hs[-1] - y) / len(x)
    norms = np.zeros(layers)
    for i in range(layers - 1, -1, -1):
        grad_z = grad_h * _sigmoid(zs[i]) * (1.0 - _sigmoid(zs[i]))
        norms[i] = np.linalg.norm(hs[i].T @ grad_z)
        grad_h = grad_z @ weights[i].T + (grad_h if residual else 0.0)
    return norms


@drawer
def residual_gradients(*, layers: int, units: int, seed: int, layout: Layout = CARD) -> Figure:
    """Draw each layer's weight-gradient norm in a deep plain net and in the same net with skip connections."""
    plain = gradient_norms(layers, units, False, seed)
    skip = gradient_norms(layers, units, True, seed)
    phone = layout is PHONE  # narrow: the title and the long legend entries on two lines, the legend below
    if layout is CARD:
        fig = new_figure(3.9, WIDTH)
        ax = fig.add_axes((0.14, 0.17, 0.83, 0.72))
    else:
        fig = new_figure(*((SLIDE.height, SLIDE.width) if layout is SLIDE else (4.8, 3.4)))
        ax = fig.add_axes((0.12, 0.2, 0.86, 0.7) if layout is SLIDE else (0.3, 0.42, 0.66, 0.48))
    depth = np.arange(1, layers + 1)
    ms = 4 * layout.small / CARD.small
    skip_name = "입력을 출력에 더하는\n지름길이 있는 망" if phone else "입력을 출력에 더하는 지름길이 있는 망"
    ax.plot(depth, plain, "o-", color=COLORS[1], lw=1.8, ms=ms, label="층을 그대로 쌓은 망")
    ax.plot(depth, skip, "s-", color=COLORS[0], lw=1.8, ms=ms, label=skip_name)
    log_axis(ax)
    if phone:
        ax.yaxis.set_major_locator(LogLocator(numticks=5))
    ax.set_xticks(depth[::max(1, layers // 10)] if layout is CARD else depth[::-(-layers // 5)])
    title = f"{layers}층 시그모이드 신경망{chr(10) if phone else ', '}역전파로 계산"
    tidy_for(layout, ax, title, "층 (1 = 입력 쪽)", "가중치 기울기의 크기")
    where = {"loc": "upper left", "bbox_to_anchor": (-0.45, -0.2)} if phone else {"loc": "lower right"}
    ask_legend(ax.legend(fontsize=layout.small, frameon=False, **where), ("plain_net", "residual_net"))
    return fig
