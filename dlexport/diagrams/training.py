"""Training dynamics computed with numpy: optimiser paths, learning rates, polynomial fits, early stopping."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from dlexport.diagrams.kit import (
    CARD,
    COLORS,
    SMALL,
    WIDTH,
    Array,
    Layout,
    ask_legend,
    axes_at,
    log_axis,
    positive,
    tidy,
    tidy_for,
)
from dlexport.diagrams.style import INK, MUTED, ask, drawer, new_figure

# The loss surface of `optimizer_paths`: an elongated bowl, steep across (y) and shallow along (x).
CURVATURE = np.array([0.2, 4.0])
START = np.array([-5.0, -2.0])
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
OPTIMIZER_LABELS = ("gradient_descent", "momentum", "rmsprop", "adam")  # askable names of the legend entries
OPTIMIZER_NAMES = {"gd": "경사 하강법 ($\\eta$=0.4)", "momentum": "모멘텀 ($\\eta$=0.4, $\\beta$=0.5)",
                   "rmsprop": "RMSProp ($\\eta$=0.4, $\\rho$=0.9)", "adam": "Adam ($\\eta$=0.3)"}


def bowl_loss(x: Array, y: Array) -> Array:
    """Return the loss 0.1 x² + 2 y² of the optimiser figure, elementwise."""
    out: Array = 0.5 * (CURVATURE[0] * x * x + CURVATURE[1] * y * y)
    return out


def optimizer_path(name: str, iterations: int) -> Array:
    """Return the (iterations + 1) x 2 points an optimiser visits on the bowl, from START."""
    p, v, s, m = START.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
    path = [p.copy()]
    for t in range(1, iterations + 1):
        g = CURVATURE * p
        if name == "gd":
            p = p - 0.4 * g
        elif name == "momentum":
            v = 0.5 * v + g
            p = p - 0.4 * v
        elif name == "rmsprop":
            s = 0.9 * s + 0.1 * g * g
            p = p - 0.4 * g / (np.sqrt(s) + 1e-6)
        elif name == "adam":
            m = 0.9 * m + 0.1 * g
            s = 0.999 * s + 0.001 * g * g
            p = p - 0.3 * (m / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-8)
        else:
            raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
        path.append(p.copy())
    return np.array(path)


def _bowl_paths(ax: Axes, iterations: int, named: bool, size: float = 1.0) -> None:
    """Draw the bowl's contours and each optimiser's path over them (markers and lines `size` times the card's)."""
    xs, ys = np.meshgrid(np.linspace(-5.6, 1.6, 300), np.linspace(-2.6, 2.6, 200))
    ax.contour(xs, ys, bowl_loss(xs, ys), levels=np.geomspace(0.02, 12, 9), colors="#bbbbbb", linewidths=0.8)
    for k, name in enumerate(OPTIMIZERS):
        path = optimizer_path(name, iterations)
        label = OPTIMIZER_NAMES[name] if named else "ABCD"[k]
        ax.plot(path[:, 0], path[:, 1], "o-", color=COLORS[k], lw=1.6 * size, ms=3 * size, label=label)


@drawer
def optimizer_paths(*, iterations: int, named: bool, layout: Layout = CARD) -> Figure:
    """Run four optimisers on one elongated bowl and draw their paths over its contours."""
    positive("iterations", iterations, 300)
    if layout != CARD:
        return _optimizer_paths_at(iterations, named, layout)
    fig = new_figure(4.2, WIDTH)
    ax = fig.add_axes((0.1, 0.3, 0.86, 0.62))
    _bowl_paths(ax, iterations, named)
    ax.plot(*START, "s", color=INK, ms=7)
    ax.annotate("출발", (float(START[0]), float(START[1])), xytext=(6, 6), textcoords="offset points", fontsize=SMALL)
    ax.plot(0, 0, "*", color=INK, ms=13)
    ax.annotate("최솟값", (0, 0), xytext=(8, -14), textcoords="offset points", fontsize=SMALL)
    ax.set_xlim(-5.6, 1.6)
    ax.set_ylim(-2.6, 2.6)
    tidy(ax, f"손실 $0.1x^2 + 2y^2$ 위의 {iterations}번 갱신", "$x$", "$y$", grid=False)
    legend = fig.legend(loc="lower center", ncols=2, fontsize=SMALL, frameon=False, bbox_to_anchor=(0.5, 0.0))
    if named:  # each legend entry names its optimizer: askable
        ask_legend(legend, OPTIMIZER_LABELS)
    return fig


def _optimizer_paths_at(iterations: int, named: bool, layout: Layout) -> Figure:
    """Draw the paths for a slide (legend on the right) or a phone (legend below); the start and the minimum
    are legend entries, not labels on the plot, where they would sit on a path or a contour."""
    slide = layout.width > layout.height
    fig = new_figure(layout.height if slide else 4.7, layout.width)
    ax = fig.add_axes((0.075, 0.2, 0.52, 0.7) if slide else (0.15, 0.47, 0.82, 0.51))
    _bowl_paths(ax, iterations, named, 1.4)
    ax.plot(*START, "s", color=INK, ms=9, ls="none", label="출발")
    ax.plot(0, 0, "*", color=INK, ms=16, ls="none", label="최솟값")
    ax.set_xlim(-5.6, 1.6)
    ax.set_ylim(-2.6, 2.6)
    ax.set_xticks([-4, -2, 0])
    ax.set_yticks([-2, 0, 2])
    tidy_for(layout, ax, f"손실 $0.1x^2 + 2y^2$, {iterations}번 갱신" if slide else "", "$x$", "$y$", grid=False)
    legend = fig.legend(fontsize=layout.small, frameon=False, handlelength=1.4,
                        loc="center left" if slide else "upper left", bbox_to_anchor=(0.62, 0.5) if slide else (0, .34))
    if named:
        for name, entry in zip(OPTIMIZER_LABELS, legend.get_texts(), strict=False):
            ask(entry, name)
    return fig


@drawer
def learning_rates(*, rates: Sequence[float], steps: int, layout: Layout = CARD) -> Figure:
    """Run gradient steps on the loss w² with each rate and draw where each step lands."""
    if not rates or len(rates) > 4:
        raise ValueError(f"give one to four rates, got {list(rates)}")
    for r in rates:
        positive("each rate", r, 10.0)
    positive("steps", steps, 40)
    slide, phone = layout.width > layout.height and layout != CARD, layout.width < layout.height and layout != CARD
    rows = 2 if phone and len(rates) == 4 else 1  # four panels side by side are too narrow for their titles
    tall = (4.2 if rows == 1 else 5.3) if phone else 3.4 if len(rates) > 2 else 3.2
    fig = new_figure(layout.height if slide else tall, layout.width)
    grid = fig.subplots(rows, len(rates) // rows, sharey=True, squeeze=False)
    axes = grid.ravel()
    w = np.linspace(-3.2, 3.2, 200)
    verdicts = {True: "수렴", False: "발산"}
    size, sep = 1.0 if layout == CARD else 1.4, "\n" if phone else ": "  # a phone's narrow panels: two lines
    for ax, rate in zip(axes, rates, strict=True):
        points = [-2.5]
        for _ in range(steps):
            points.append(points[-1] - rate * 2 * points[-1])
        ws = np.clip(np.array(points), -3.2, 3.2)
        ax.plot(w, w * w, color=MUTED, lw=1.4 * size)
        ax.plot(ws, ws * ws, "o-", color=COLORS[1] if abs(1 - 2 * rate) >= 1 else COLORS[0], lw=1.4 * size,
                ms=4 * size)
        ax.plot(ws[0], ws[0] ** 2, "s", color=INK, ms=6 * size)
        verdict = verdicts[abs(points[-1]) < abs(points[0])]
        tidy_for(layout, ax, f"$\\eta$ = {rate:g}{sep}{verdict}", "$w$", grid=False)
        ax.set_xticks(([0] if grid.shape[1] > 2 else [-2, 0, 2]) if phone else [-3, 0, 3])
        ax.set_ylim(-0.4, 10.5)
    if layout != CARD:
        axes[0].set_yticks([0, 5, 10])
    for ax in grid[:-1].ravel():  # a phone's upper row: the lower row's x label says it
        ax.set_xlabel("")
    for ax in grid[:, 0]:
        ax.set_ylabel("$L(w) = w^2$" if phone else "손실 $L(w) = w^2$", fontsize=layout.text)
    fig.text(0.5, 0.0, f"같은 출발점(■)에서 {steps}번 갱신", ha="center", fontsize=layout.small)
    if slide:
        fig.subplots_adjust(wspace=0.12, bottom=0.3, top=0.88, left=0.09, right=0.99)
    elif phone:
        fig.subplots_adjust(wspace=0.15, hspace=0.55, bottom=0.9 / fig.get_size_inches()[1],
                            top=1 - 0.6 / fig.get_size_inches()[1], left=0.2, right=0.97)
    else:
        fig.subplots_adjust(wspace=0.12, bottom=0.24)
    return fig


@dataclass(frozen=True)
class Fits:
    """Noisy samples of sin(2πx), and train/validation errors of polynomial fits of each degree 0..max."""

    x: Array
    y: Array
    x_val: Array
    y_val: Array
    train: Array
    val: Array


def noisy_sine(count: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Return `count` sorted points x in [0, 1] and y = sin(2πx) + Gaussian noise."""
    x = np.sort(rng.uniform(0.0, 1.0, count))
    return x, np.sin(2 * np.pi * x) + rng.normal(0.0, noise, count)


def poly_fit(x: Array, y: Array, degree: int) -> Array:
    """Return least-squares coefficients (lowest degree first) of a polynomial in (2x - 1)."""
    coef: Array = np.asarray(np.polynomial.polynomial.polyfit(2 * x - 1, y, degree), dtype=np.float64)
    return coef


def poly_value(coef: Array, x: Array) -> Array:
    """Return the polynomial of `poly_fit` at x."""
    out: Array = np.asarray(np.polynomial.polynomial.polyval(2 * x - 1, coef), dtype=np.float64)
    return out


def fit_errors(points: int, noise: float, seed: int, max_degree: int) -> Fits:
    """Fit polynomials of degree 0..max_degree to seeded noisy data; return the data and RMS errors."""
    rng = np.random.default_rng(seed)
    x, y = noisy_sine(points, noise, rng)
    x_val, y_val = noisy_sine(200, noise, rng)
    train, val = [], []
    for d in range(max_degree + 1):
        coef = poly_fit(x, y, d)
        train.append(float(np.sqrt(np.mean((poly_value(coef, x) - y) ** 2))))
        val.append(float(np.sqrt(np.mean((poly_value(coef, x_val) - y_val) ** 2))))
    return Fits(x, y, x_val, y_val, np.array(train), np.array(val))


@drawer
def fitting(*, degrees: Sequence[int], points: int, noise: float, seed: int, layout: Layout = CARD) -> Figure:
    """Fit polynomials of rising degree to noisy points; draw three fits and the error against degree."""
    if len(degrees) != 3 or any(not 0 <= d < points for d in degrees):
        raise ValueError(f"give three degrees, each from 0 to points - 1 = {points - 1}, got {list(degrees)}")
    positive("noise", noise, 5.0)
    fits = fit_errors(points, noise, seed, min(points - 1, max(9, *degrees)))
    if layout != CARD:
        return _fitting_at(fits, degrees, layout)
    fig = new_figure(4.5, WIDTH)
    tops = [fig.add_axes((0.08 + 0.31 * k, 0.6, 0.27, 0.32)) for k in range(3)]
    for ax, d in zip(tops, degrees, strict=True):
        _fit_panel(ax, fits, d, CARD)
    bottom = fig.add_axes((0.12, 0.1, 0.84, 0.36))
    _error_panel(bottom, fits, CARD)
    bottom.set_xticks(np.arange(len(fits.train)))
    tidy(bottom, xlabel="다항식 차수", ylabel="RMS 오차")
    ask_legend(bottom.legend(fontsize=SMALL, frameon=False, loc="upper center", ncols=2),
               ("training_error", "validation_error"))
    return fig


def _fit_panel(ax: Axes, fits: Fits, degree: int, layout: Layout, size: float = 1.0) -> None:
    """Draw the true curve, the fit of `degree` and the training points, titled by the degree."""
    grid = np.linspace(0, 1, 300)
    ax.plot(grid, np.sin(2 * np.pi * grid), color=MUTED, lw=1.0 * size, ls="--")
    ax.plot(grid, poly_value(poly_fit(fits.x, fits.y, degree), grid), color=COLORS[1], lw=1.8 * size)
    ax.plot(fits.x, fits.y, "o", color=COLORS[0], ms=5 * size)
    ax.set_ylim(-1.8, 1.8)
    ax.set_xticks([])
    ax.set_yticks([])
    tidy_for(layout, ax, f"{degree}차 다항식", grid=False)


def _error_panel(ax: Axes, fits: Fits, layout: Layout, size: float = 1.0) -> None:
    """Draw the training and validation RMS error against the degree, on a log axis."""
    ds = np.arange(len(fits.train))
    ax.plot(ds, fits.train, "o-", color=COLORS[0], lw=1.8 * size, ms=6 * size, label="훈련 오차")
    ax.plot(ds, fits.val, "s-", color=COLORS[1], lw=1.8 * size, ms=6 * size, label="검증 오차")
    log_axis(ax)


def _fitting_at(fits: Fits, degrees: Sequence[int], layout: Layout) -> Figure:
    """Draw the three fits and the error curves for a slide (one row) or a phone (fits above the errors), the
    error legend above its plot where it covers no curve."""
    slide = layout.width > layout.height
    fig = new_figure(layout.height if slide else 4.9, layout.width)
    fit_width, fit_height = (2.1, 2.9) if slide else (1.0, 1.3)
    for k, d in enumerate(degrees):
        ax = axes_at(fig, 0.1 + 2.3 * k, 0.35, fit_width, fit_height) if slide else \
            axes_at(fig, 0.1 + 1.2 * k, 3.2, fit_width, fit_height)
        _fit_panel(ax, fits, d, layout, 1.3 if slide else 1.1)
        if not slide:
            ax.set_title(f"{d}차", fontsize=layout.text)
    errors = axes_at(fig, 8.4, 0.95, 3.3, 2.3) if slide else axes_at(fig, 0.65, 0.75, 2.85, 1.75)
    _error_panel(errors, fits, layout, 1.3 if slide else 1.1)
    errors.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    tidy_for(layout, errors, xlabel="다항식 차수", ylabel="RMS 오차")
    legend = errors.legend(fontsize=layout.small, frameon=False, loc="lower center", ncols=2, handlelength=1.2,
                           columnspacing=1.0, bbox_to_anchor=(0.4, 1.0))
    ask_legend(legend, ("training_error", "validation_error"))
    return fig


@dataclass(frozen=True)
class Curves:
    """Training and validation loss after each epoch of gradient descent, and the best epoch (1-based)."""

    train: Array
    val: Array
    best: int


def early_stopping_curves(epochs: int, seed: int, points: int = 15, degree: int = 18,
                          noise: float = 0.3) -> Curves:
    """Train an over-parameterised polynomial model by full-batch gradient descent; return its loss curves."""
    rng = np.random.default_rng(seed)
    x, y = noisy_sine(points, noise, rng)
    x_val, y_val = noisy_sine(200, noise, rng)
    feats = np.polynomial.legendre.legvander(2 * x - 1, degree)
    feats_val = np.polynomial.legendre.legvander(2 * x_val - 1, degree)
    rate = 1.0 / np.linalg.norm(feats, 2) ** 2 * points
    w = np.zeros(degree + 1)
    train, val = [], []
    for _ in range(epochs):
        w -= rate * feats.T @ (feats @ w - y) / points  # one full-batch step per epoch
        train.append(float(np.mean((feats @ w - y) ** 2)))
        val.append(float(np.mean((feats_val @ w - y_val) ** 2)))
    return Curves(np.array(train), np.array(val), int(np.argmin(val)) + 1)


@drawer
def early_stopping(*, epochs: int, seed: int, layout: Layout = CARD) -> Figure:
    """Draw the training and validation loss of a model that overfits, with the best epoch marked."""
    positive("epochs", epochs, 300)
    curves = early_stopping_curves(epochs, seed)
    if layout != CARD:
        return _early_stopping_at(curves, layout)
    fig = new_figure(3.8, WIDTH)
    ax = fig.add_axes((0.13, 0.17, 0.84, 0.75))
    t = np.arange(1, epochs + 1)
    ax.plot(t, curves.train, color=COLORS[0], lw=2.0, label="훈련 손실")
    ax.plot(t, curves.val, color=COLORS[1], lw=2.0, label="검증 손실")
    ax.axvline(curves.best, color=INK, lw=1.2, ls="--")
    ax.plot(curves.best, curves.val[curves.best - 1], "o", color=INK, ms=7)
    ax.annotate(f"검증 손실 최소 (에포크 {curves.best})\n여기서 멈추고 이 가중치를 쓴다",
                (curves.best, curves.val[curves.best - 1]), xytext=(0, 22), textcoords="offset points",
                fontsize=SMALL, ha="center", va="bottom", backgroundcolor="white")
    log_axis(ax, "x")
    log_axis(ax)
    tidy(ax, xlabel="에포크 (로그 눈금)", ylabel="평균 제곱 오차")
    ask_legend(ax.legend(fontsize=SMALL, frameon=False, loc="lower left"), ("training_loss", "validation_loss"))
    return fig


def _early_stopping_at(curves: Curves, layout: Layout) -> Figure:
    """Draw the loss curves for a slide (legend and note on the right) or a phone (below): the best epoch is a
    legend entry, as the card's note above it sat on the dashed line."""
    slide = layout.width > layout.height
    fig = new_figure(layout.height if slide else 4.9, layout.width)
    ax = axes_at(fig, 1.3, 0.95, 6.2, 3.2) if slide else axes_at(fig, 0.95, 2.45, 2.55, 2.35)
    t = np.arange(1, len(curves.train) + 1)
    ax.plot(t, curves.train, color=COLORS[0], lw=2.6, label="훈련 손실")
    ax.plot(t, curves.val, color=COLORS[1], lw=2.6, label="검증 손실")
    ax.axvline(curves.best, color=INK, lw=1.4, ls="--")
    ax.plot(curves.best, curves.val[curves.best - 1], "o", color=INK, ms=9, ls="--", lw=1.4,
            label=f"검증 손실 최소\n(에포크 {curves.best})")
    log_axis(ax, "x")
    log_axis(ax)
    tidy_for(layout, ax, xlabel="에포크 (로그 눈금)", ylabel="평균 제곱 오차")
    legend = fig.legend(fontsize=layout.small, frameon=False, loc="upper left", handlelength=1.6,
                        bbox_to_anchor=(7.8 / layout.width, 0.95) if slide else (0.0, 1.75 / 4.9))
    for name, entry in zip(("training_loss", "validation_loss"), legend.get_texts(), strict=False):
        ask(entry, name)
    note = "여기서 멈추고\n이 가중치를 쓴다" if slide else "여기서 멈추고 이 가중치를 쓴다"
    fig.text(7.95 / layout.width if slide else 0.03, 0.35 if slide else 0.02, note, fontsize=layout.small, va="bottom")
    return fig
