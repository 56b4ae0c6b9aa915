"""Function plots computed from formulas (activation functions) and pictures shown as they are."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.image import imread
from matplotlib.ticker import FuncFormatter, MaxNLocator
from numpy.typing import NDArray

from dlexport.diagrams.kit import CARD, Layout, axes_at, tidy_for
from dlexport.diagrams.style import DPI, WIDTH, ask, drawer, mathtext, new_figure

Array = NDArray[np.float64]
Curve = Callable[[Array], Array]


def _sigmoid(x: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-x))


# name -> (legend label, f, f')
ACTIVATIONS: dict[str, tuple[str, Curve, Curve]] = {
    "sigmoid": ("시그모이드 $\\sigma(x)$", _sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x))),
    "tanh": ("$\\tanh(x)$", np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
    "relu": ("ReLU $\\max(0, x)$", lambda x: np.maximum(0.0, x), lambda x: (x > 0).astype(np.float64)),
    "softplus": ("softplus $\\ln(1+e^x)$", lambda x: np.logaddexp(0.0, x), _sigmoid),
    "leaky_relu": ("leaky ReLU $\\max(0.1x, x)$", lambda x: np.where(x > 0, x, 0.1 * x),
                   lambda x: np.where(x > 0, 1.0, 0.1)),
}
COLORS = {"sigmoid": "#1f77b4", "tanh": "#2ca02c", "relu": "#d62728", "softplus": "#9467bd",
          "leaky_relu": "#ff7f0e"}


def activation_derivative(name: str, x: float) -> float:
    """Return the derivative of the named activation function at `x`."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return float(ACTIVATIONS[name][2](np.array([x], dtype=np.float64))[0])


@drawer
def activation_functions(*, functions: Sequence[str], x_min: float, x_max: float, derivatives: bool,
                         layout: Layout = CARD) -> Figure:
    """Plot each named activation function and, on a second panel, its derivative."""
    unknown = [f for f in functions if f not in ACTIVATIONS]
    if unknown or not functions:
        raise ValueError(f"unknown activation {unknown}; choose from {', '.join(ACTIVATIONS)}")
    if not x_min < x_max:
        raise ValueError(f"x_min ({x_min}) must be less than x_max ({x_max})")
    x = np.linspace(x_min, x_max, 801)
    if layout != CARD:
        return _activations_at(x, functions, derivatives, layout)
    fig = new_figure(3.4 if derivatives else 3.6, 6.0 if derivatives else 4.6)  # 11-pt text: ≥ 14 px on a card
    panels = fig.subplots(1, 2 if derivatives else 1, squeeze=False)[0]
    titles = ["함수 $f(x)$", "도함수 $f'(x)$: 역전파에서 곱해짐"]
    for i, ax in enumerate(panels):
        _curves(ax, x, functions, i == 1)
        ax.grid(True, color="#e5e5e5", lw=0.6)
        ax.set_title(titles[i], fontsize=12)
        ax.tick_params(labelsize=11)
        ax.set_xlabel("$x$")
        ax.set_xlim(x_min, x_max)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    panels[0].set_ylim(-1.5, min(max(x_max, 1.5), 5.0))
    if derivatives:
        panels[1].set_ylim(-0.1, 1.15)
    for i, ax in enumerate(panels):  # each legend entry names its function: askable ("relu", "relu_derivative")
        legend = ax.legend(loc="upper left", fontsize=11, frameon=False, handlelength=1.2)
        for name, entry in zip(functions, legend.get_texts(), strict=True):
            ask(entry, name if i == 0 else f"{name}_derivative")
    fig.subplots_adjust(wspace=0.25)
    return fig


def _curves(ax: Axes, x: Array, functions: Sequence[str], derivative: bool, lw: float = 2.0) -> None:
    """Plot each function (or its derivative) over `x`, with the axes through the origin."""
    for name in functions:
        label, f, df = ACTIVATIONS[name]
        ax.plot(x, (df if derivative else f)(x), color=COLORS[name], lw=lw, label=label)
    ax.axhline(0, color="#888888", lw=0.8)
    ax.axvline(0, color="#888888", lw=0.8)


def _activations_at(x: Array, functions: Sequence[str], derivatives: bool, layout: Layout) -> Figure:
    """Plot the functions (and derivatives) for a slide (panels side by side) or a phone (stacked); one legend
    outside the plots names the curves of both panels (the card repeats it inside each, over the curves)."""
    slide = layout.width > layout.height
    count = 2 if derivatives else 1
    if slide:
        fig = new_figure(layout.height, layout.width)
        width = 3.3 if derivatives else 5.6  # room on the right for the widest legend (leaky ReLU)
        panels = [axes_at(fig, 0.95 + k * (width + 0.95), 0.95, width, 2.9) for k in range(count)]
    else:  # from the bottom: the legend, the last panel's ticks (and x label), then each panel and its title
        below = 0.3 * len(functions) + 0.1 + (0.4 if derivatives else 0.75)
        title = 0.45 if derivatives else 0.1
        height = min(1.35 if derivatives else 2.2, (5.3 - below) / count - title)  # 5 functions: 5.3 in tall
        fig = new_figure(below + count * (height + title), layout.width)
        panels = [axes_at(fig, 0.7, below + (count - 1 - k) * (height + title), 2.75, height) for k in range(count)]
    for i, ax in enumerate(panels):
        _curves(ax, x, functions, i == 1, 2.6)
        heading = ("도함수 $f'(x)$" if i else "함수 $f(x)$") if slide or derivatives else ""
        tidy_for(layout, ax, heading, "$x$" if slide or not derivatives else "")
        ax.set_xlim(x[0], x[-1])
        for axis, bins in ((ax.xaxis, 4 if slide else 3), (ax.yaxis, 4)):
            axis.set_major_locator(MaxNLocator(bins, steps=[1, 2, 5, 10]))
            axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        if i < count - 1 and not slide:
            ax.tick_params(labelbottom=False)
    highest = max(float(ACTIVATIONS[name][1](x).max()) for name in functions)  # bounded ones need no room to 5
    panels[0].set_ylim(-1.5, min(max(highest + 0.3, 1.5), 5.0))
    if derivatives:
        panels[1].set_ylim(-0.1, 1.15)
    anchor = (panels[-1].get_position().x1 + 0.02, 0.55) if slide else (0.0, 0.0)
    legend = fig.legend(*panels[0].get_legend_handles_labels(), loc="center left" if slide else "lower left",
                        bbox_to_anchor=anchor, fontsize=layout.small, frameon=False, handlelength=1.2)
    for name, entry in zip(functions, legend.get_texts(), strict=True):
        ask(entry, name)
    return fig


@drawer
def image(*, path: str) -> Figure:
    """Show a picture file (an absolute path, resolved by the renderer) without axes."""
    file = Path(path)
    if not path or not file.is_absolute():
        raise ValueError(f"image path must be absolute (resolved against sources/), got {path!r}")
    try:
        pixels = imread(file)
    except (OSError, SyntaxError, ValueError) as e:  # Pillow says SyntaxError for a broken PNG
        raise ValueError(f"cannot read the picture {file.name}: {e}") from None
    height, width = pixels.shape[:2]
    inches = min(WIDTH, width / DPI * 2)
    fig = new_figure(inches * height / width, inches)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.imshow(pixels, cmap="gray" if pixels.ndim == 2 else None, interpolation="antialiased")
    ax.set_axis_off()
    return fig


@drawer
def formula(latex: str, fontsize: float = 48.0) -> Figure:
    """Typeset one LaTeX formula (mathtext subset) on a white figure just its size (as `math_to_image` sizes
    it), so that drawing it rasterises no blank canvas; the parse that checks the LaTeX is the one drawing uses."""
    text = f"${latex}$"
    try:
        width, height, depth, _, _ = mathtext().parse(text, DPI, FontProperties(size=fontsize))
    except ValueError as e:
        raise ValueError(f"matplotlib mathtext cannot typeset this LaTeX: {e}") from None
    fig = new_figure(height / DPI, width / DPI)
    fig.text(0.0, depth / height, text, fontsize=fontsize, va="baseline", ha="left")
    return fig
