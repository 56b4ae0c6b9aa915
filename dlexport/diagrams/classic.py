"""Small classic computations drawn: perceptron and XOR, softmax temperature, losses, attention, gradient clipping."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from dlexport.diagrams.kit import (
    CARD,
    COLORS,
    PHONE,
    SLIDE,
    WIDTH,
    Array,
    Layout,
    ask_legend,
    bare,
    log_axis,
    positive,
    softmax,
    tidy_for,
)
from dlexport.diagrams.style import INK, MUTED, drawer, new_figure

INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATES = {"AND": np.array([0, 0, 0, 1]), "OR": np.array([0, 1, 1, 1]), "XOR": np.array([0, 1, 1, 0])}
REGIONS = ListedColormap(["#fde2c4", "#cfe3f5"])


def perceptron(targets: Array, epochs: int) -> tuple[Array, float]:
    """Train a perceptron (step output, perceptron rule, rate 1) on the four 2-bit inputs; return (w, b)."""
    w, b = np.zeros(2), 0.0
    for _ in range(epochs):
        for x, t in zip(INPUTS, targets, strict=True):
            err = t - float(w @ x + b > 0)
            w, b = w + err * x, b + err
    return w, b


@dataclass(frozen=True)
class Mlp:
    """A 2-hidden-1 network: tanh hidden layer, sigmoid output."""

    w1: Array
    b1: Array
    w2: Array
    b2: float

    def __call__(self, x: Array) -> Array:
        """Return the output probability for each row of x."""
        out: Array = 1.0 / (1.0 + np.exp(-(np.tanh(x @ self.w1 + self.b1) @ self.w2 + self.b2)))
        return out


def train_mlp(targets: Array, hidden: int, seed: int, steps: int = 3000, rate: float = 0.5) -> Mlp:
    """Train a small MLP on the four 2-bit inputs by full-batch backpropagation (cross-entropy loss)."""
    rng = np.random.default_rng(seed)
    w1, b1 = rng.normal(0.0, 1.0, (2, hidden)), np.zeros(hidden)
    w2, b2 = rng.normal(0.0, 1.0, hidden), 0.0
    for _ in range(steps):
        h = np.tanh(INPUTS @ w1 + b1)
        p = 1.0 / (1.0 + np.exp(-(h @ w2 + b2)))
        dz = (p - targets) / len(INPUTS)
        dh = np.outer(dz, w2) * (1 - h * h)
        w2, b2 = w2 - rate * h.T @ dz, b2 - rate * float(dz.sum())
        w1, b1 = w1 - rate * INPUTS.T @ dh, b1 - rate * dh.sum(axis=0)
    return Mlp(w1, b1, w2, b2)


def _regions(ax: Axes, decide: Array, targets: Array, title: str, layout: Layout = CARD) -> None:
    grid = np.linspace(-0.5, 1.5, 201)
    ax.imshow(decide.reshape(len(grid), len(grid)), origin="lower", extent=(-0.5, 1.5, -0.5, 1.5),
              cmap=REGIONS, vmin=0, vmax=1, interpolation="nearest", aspect="auto")
    for x, t in zip(INPUTS, targets, strict=True):
        ax.plot(*x, "o" if t else "X", color=COLORS[0] if t else COLORS[1], ms=11 * layout.small / CARD.small,
                mec="white")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    tidy_for(layout, ax, title, grid=False)


# Each layout's figure size (inches), panel rows and columns, and spacing (Figure.subplots_adjust).
XOR_PLACES: dict[str, tuple[tuple[float, float], tuple[int, int], dict[str, float]]] = {
    "card": ((WIDTH, 4.4), (2, 2), {"hspace": 0.5, "wspace": 0.2, "left": 0.08, "right": 0.97, "top": 0.92,
                                   "bottom": 0.07}),
    "slide": ((11.8, 4.3), (1, 4), {"wspace": 0.3, "left": 0.04, "right": 0.99, "top": 0.8, "bottom": 0.1}),
    "phone": ((3.55, 4.9), (2, 2), {"hspace": 0.6, "wspace": 0.15, "left": 0.08, "right": 0.9, "top": 0.86,
                                  "bottom": 0.06}),
}


@drawer
def perceptron_xor(*, epochs: int, hidden: int, seed: int, layout: Layout = CARD) -> Figure:
    """Draw decision regions of a perceptron trained on AND, OR and XOR, and of a small MLP trained on XOR."""
    positive("epochs", epochs, 300)
    positive("hidden", hidden, 16)
    xs, ys = np.meshgrid(np.linspace(-0.5, 1.5, 201), np.linspace(-0.5, 1.5, 201))
    grid = np.column_stack([xs.ravel(), ys.ravel()])
    (width, height), shape, spacing = XOR_PLACES[layout.name]
    fig = new_figure(height, width)  # card: panels wider than tall, the figure fits a card's height (legibility.py)
    axes = fig.subplots(*shape).ravel()
    score = ": " if layout is CARD else "\n"  # narrower panels of larger text: the score on a line of its own
    for ax, (name, targets) in zip(axes, GATES.items(), strict=False):
        w, b = perceptron(targets, epochs)
        right = int(((INPUTS @ w + b > 0) == targets).sum())
        _regions(ax, (grid @ w + b > 0).astype(float), targets, f"({'abc'[list(GATES).index(name)]}) {name}"
                                                                   f"{score}{right}/4 맞춤", layout)
    mlp = train_mlp(GATES["XOR"], hidden, seed)
    right = int(((mlp(INPUTS) > 0.5) == GATES["XOR"]).sum())
    title = f"(d) XOR, 은닉층 {hidden}노드{score}{right}/4 맞춤"
    if layout is PHONE:  # a half-width panel: "XOR" moves to the second line
        title = f"(d) 은닉층 {hidden}노드\nXOR {right}/4 맞춤"
    _regions(axes[3], (mlp(grid) > 0.5).astype(float), GATES["XOR"], title, layout)
    if layout is PHONE:  # the right column shares the left's inputs: room for (d)'s longer title
        for ax in axes[1::2]:
            ax.set_yticklabels([])
    fig.subplots_adjust(**spacing)
    return fig


@drawer
def softmax_temperature(*, logits: Sequence[float], temperatures: Sequence[float], layout: Layout = CARD) -> Figure:
    """Draw the probabilities exp(z/T)/Σ exp(z/T) of a set of logits at several temperatures as grouped bars."""
    if not 2 <= len(logits) <= 8 or not 1 <= len(temperatures) <= 4:
        raise ValueError("give 2 to 8 logits and 1 to 4 temperatures")
    for t in temperatures:
        positive("each temperature", t, 100.0)
    z = np.array(logits, dtype=np.float64)
    if layout is CARD:
        fig = new_figure(3.8, WIDTH)
        ax = fig.add_axes((0.12, 0.2, 0.86, 0.66))
    elif layout is SLIDE:  # the legend outside, on the right
        fig = new_figure(SLIDE.height, SLIDE.width)
        ax = fig.add_axes((0.09, 0.15, 0.72, 0.72))
    else:
        fig = new_figure(4.3, 3.4)
        ax = fig.add_axes((0.2, 0.2, 0.77, 0.7))
    width = 0.8 / len(temperatures)
    for k, t in enumerate(temperatures):
        p = softmax(z / t)
        ax.bar(np.arange(len(z)) + (k - (len(temperatures) - 1) / 2) * width, p, width * 0.95, color=COLORS[k],
               label=f"T = {t:g}")
    # A phone's narrow groups: the value below its logit, or, for more than four, the label turned upright.
    crowded = layout is PHONE and len(z) > 4
    equals = "\n= " if layout is PHONE and not crowded else " = "
    ax.set_xticks(np.arange(len(z)), [f"$z_{{{i + 1}}}${equals}{v:g}" for i, v in enumerate(z)],
                  rotation=90 if crowded else None)
    ax.set_ylim(0, 1)
    if layout is PHONE:
        ax.set_yticks([0, 0.5, 1])
    tidy_for(layout, ax, "$p_i = e^{z_i/T} / \\sum_j e^{z_j/T}$", ylabel="확률")
    if layout is SLIDE:
        ax.legend(fontsize=layout.small, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    else:
        ax.legend(fontsize=layout.small, frameon=False, loc="upper right")
    return fig


def _losses(ax: Axes, p: Array, title: str, layout: Layout) -> None:
    ax.plot(p, (1 - p) ** 2, color=COLORS[0], lw=2, label="제곱 오차")
    ax.plot(p, -np.log(p), color=COLORS[1], lw=2, label="교차 엔트로피")
    ax.set_ylim(0, 4)
    if layout is not CARD:
        ax.set_yticks(range(5))
        ax.set_xticks([0, 0.5, 1])
    tidy_for(layout, ax, title, "정답 클래스의 예측 확률 $p$")
    ask_legend(ax.legend(fontsize=layout.small, frameon=False, loc="upper right"), ("squared_error", "cross_entropy"))


def _gradients(ax: Axes, p: Array, layout: Layout) -> None:
    ax.plot(p, 2 * (1 - p) * p * (1 - p), color=COLORS[0], lw=2, label="$2p(1-p)^2$: 틀려도 작다")
    ax.plot(p, 1 - p, color=COLORS[1], lw=2, label="$1-p$: 틀릴수록 크다")
    ax.set_ylim(0, 1.55)
    ax.set_yticks([0, 0.5, 1])
    if layout is not CARD:
        ax.set_xticks([0, 0.5, 1])
    tidy_for(layout, ax, "(b) 로짓에 대한 기울기의 크기", "$p$ (시그모이드 출력)")
    ask_legend(ax.legend(fontsize=layout.small, frameon=False, loc="upper right"),
               ("squared_error_gradient", "cross_entropy_gradient"))


@drawer
def loss_curves(*, layout: Layout = CARD) -> Figure:
    """Plot squared error and cross-entropy against the predicted probability p of the true class, and their
    gradients with respect to the logit of a sigmoid output."""
    p = np.linspace(0.005, 0.995, 400)
    losses = "$(1-p)^2$ 와 $-\\ln p$"
    if layout is PHONE:  # the losses alone: their gradients are the second, secondary panel
        fig = new_figure(3.6, 3.4)
        _losses(fig.add_axes((0.2, 0.2, 0.76, 0.7)), p, losses, layout)
        return fig
    fig = new_figure(*((3.6, WIDTH) if layout is CARD else (SLIDE.height, SLIDE.width)))
    left, right = fig.subplots(1, 2)
    _losses(left, p, f"(a) {losses}", layout)
    _gradients(right, p, layout)
    fig.subplots_adjust(wspace=0.3, bottom=0.2)
    return fig


# Stated 4-d vectors (features: subject, motion, direction, place) of a Korean -> English alignment.
QUERIES = {"나는": [3.0, 0.0, 0.0, 0.2], "학교에": [0.0, 0.3, 1.5, 2.5], "간다": [0.2, 2.5, 1.0, 0.0]}
KEYS = {"I": [3.0, 0.0, 0.0, 0.0], "go": [0.0, 3.0, 0.5, 0.0], "to": [0.0, 1.0, 2.0, 0.5],
        "school": [0.0, 0.0, 0.5, 3.0]}


def attention(queries: Array, keys: Array, scaled: bool = True) -> Array:
    """Return softmax(Q K^T / sqrt(d)) row by row (without the sqrt(d) when not `scaled`)."""
    scores = queries @ keys.T / (np.sqrt(keys.shape[1]) if scaled else 1.0)
    return softmax(scores, axis=1)


# Each layout's figure size (inches), the heat map's place (figure fractions), its cells' aspect and where the
# formula under it is centred (x, figure fraction).
ATTENTION_PLACES: dict[str, tuple[tuple[float, float], tuple[float, float, float, float], Literal["auto"] | None,
                                   float]] = {
    "card": ((WIDTH, 4.0), (0.18, 0.08, 0.64, 0.72), None, 0.5),
    "slide": ((11.8, 4.3), (0.16, 0.14, 0.82, 0.62), "auto", 0.57),  # landscape cells: the slide is wide
    "phone": ((3.55, 4.4), (0.28, 0.15, 0.71, 0.62), "auto", 0.6),
}


@drawer
def attention_weights(*, scaled: bool, layout: Layout = CARD) -> Figure:
    """Draw the weights softmax(QK^T/√d) of three Korean query words over four English key words as a heat map."""
    q, k = np.array(list(QUERIES.values())), np.array(list(KEYS.values()))
    weights = attention(q, k, scaled)
    (width, height), place, aspect, middle = ATTENTION_PLACES[layout.name]
    fig = new_figure(height, width)
    ax = fig.add_axes(place)
    ax.imshow(weights, cmap="Blues", vmin=0, vmax=1, aspect=aspect)
    for (i, j), v in np.ndenumerate(weights):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=layout.small,
                color="white" if v > 0.6 else INK)
    ax.set_xticks(range(len(KEYS)), list(KEYS))
    ax.set_yticks(range(len(QUERIES)), list(QUERIES))
    ax.xaxis.tick_top()
    ax.tick_params(labelsize=layout.text, length=0)
    ax.set_xlabel("키 (입력 문장의 단어)", fontsize=layout.text)
    ax.xaxis.set_label_position("top")
    ax.set_ylabel("질의 (출력 단어)", fontsize=layout.text, labelpad=None if layout is CARD else 10)
    formula = "$\\mathrm{softmax}(QK^\\top/\\sqrt{d})$, $d$ = 4" if scaled else "$\\mathrm{softmax}(QK^\\top)$"
    colon = ":\n" if layout is PHONE else ": "  # a phone's width: the sum on a line of its own
    fig.text(middle, 0.0, f"{formula}{colon}행마다 합이 1", ha="center", fontsize=layout.small)
    return fig


def clip(gradient: Array, threshold: float) -> Array:
    """Return the gradient rescaled so that its norm is at most `threshold` (direction kept)."""
    norm = float(np.linalg.norm(gradient))
    out: Array = gradient * (threshold / norm) if norm > threshold else gradient.copy()
    return out


def rnn_gradient_norms(steps: int, weight: float, seed: int) -> Array:
    """Return |d h_T / d h_0| = |w|^T of a linear recurrence for `steps` mini-batches of seeded lengths T."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 21, steps)
    out: Array = np.abs(weight) ** lengths.astype(np.float64)
    return out


# Each layout's figure size (inches) and the places (figure fractions) of its vectors and its norms by step.
CLIP_PLACES = {
    "card": ((WIDTH, 3.6), (0.04, 0.12, 0.38, 0.74), (0.56, 0.2, 0.42, 0.66)),
    "slide": ((11.8, 4.3), (0.02, 0.06, 0.3, 0.78), (0.44, 0.2, 0.55, 0.68)),
    "phone": ((3.4, 5.3), (0.05, 0.53, 0.9, 0.4), (0.22, 0.08, 0.74, 0.33)),  # stacked: vectors above
}


@drawer
def gradient_clipping(*, threshold: float, steps: int, weight: float, seed: int, layout: Layout = CARD) -> Figure:
    """Draw seeded 2-D gradients before and after norm clipping, and per-step gradient norms of a recurrence."""
    positive("threshold", threshold, 100.0)
    positive("steps", steps, 40)
    positive("weight", abs(weight), 100.0)
    rng = np.random.default_rng(seed)
    vectors = rng.normal(0.0, 1.0, (5, 2)) * np.exp(rng.uniform(-0.5, 1.2, (5, 1))) * threshold
    (width, height), vector_place, norm_place = CLIP_PLACES[layout.name]
    fig = new_figure(height, width)
    left = fig.add_axes(vector_place)
    bold = layout.text / CARD.text  # larger text, bolder arrows
    left.add_patch(Circle((0, 0), threshold, fill=False, ls="--", color=INK, lw=1.2 * bold))
    for k, g in enumerate(vectors):
        c = clip(g, threshold)
        for tip, color, lw in (((float(g[0]), float(g[1])), MUTED, 1.4), ((float(c[0]), float(c[1])), COLORS[k], 2.2)):
            left.annotate("", tip, (0, 0), arrowprops={"arrowstyle": "->", "color": color, "lw": lw * bold})
    span = float(np.abs(vectors).max()) * 1.1
    left.set_xlim(-span, span)
    left.set_ylim(-span, span)
    left.set_aspect("equal")
    bare(left, f"(a) 회색: 원래, 색: 크기 ≤ {threshold:g}", layout.text)
    right = fig.add_axes(norm_place)
    norms = rnn_gradient_norms(steps, weight, seed)
    t = np.arange(1, steps + 1)
    ms = 4 * layout.small / CARD.small
    right.plot(t, norms, "o-", color=MUTED, lw=1.4, ms=ms, label="원래")
    right.plot(t, np.minimum(norms, threshold), "o-", color=COLORS[0], lw=1.8, ms=ms, label="자른 뒤")
    log_axis(right)
    right.set_ylim(0.5, float(norms.max()) * 30)
    tidy_for(layout, right, "(b) 단계별 기울기의 크기", "학습 단계")
    tight = {} if layout is CARD else {"columnspacing": 1.0, "handlelength": 1.6}  # one row inside the plot
    ask_legend(right.legend(fontsize=layout.small, frameon=False, loc="upper left", ncols=2, **tight),
               ("original_norm", "clipped_norm"))
    return fig
