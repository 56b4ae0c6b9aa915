"""Image operations computed on matplotlib's sample photo: convolution and pooling, their geometry, augmentation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.lib.stride_tricks import sliding_window_view

from dlexport.diagrams.kit import CARD, COLORS, PHONE, TEXT, WIDTH, Array, Layout, axes_at, bare, choice, positive
from dlexport.diagrams.learned import load_grey, sample_rgb
from dlexport.diagrams.style import INK, MUTED, drawer, new_figure

KERNELS: dict[str, Array] = {
    "vertical": np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]),
    "horizontal": np.array([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]]),
    "laplacian": np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]),
    "blur": np.full((3, 3), 1.0 / 9.0),
}


def convolve(image: Array, kernel: Array, stride: int = 1, padding: int = 0) -> Array:
    """Return the 'valid' cross-correlation of an image with a kernel, as deep-learning layers compute it."""
    padded = np.pad(image, padding)
    windows = sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    out: Array = np.einsum("ijkl,kl->ij", windows, kernel)
    return out


def max_pool(image: Array, size: int) -> Array:
    """Return the maximum of each non-overlapping size x size block (a partial edge block is dropped)."""
    rows, cols = image.shape[0] // size, image.shape[1] // size
    out: Array = image[:rows * size, :cols * size].reshape(rows, size, cols, size).max(axis=(1, 3))
    return out


def output_size(n: int, f: int, s: int, p: int) -> int:
    """Return floor((n - f + 2p) / s) + 1, the side of a convolution's output."""
    if f > n + 2 * p:
        raise ValueError(f"a {f}x{f} kernel does not fit a {n}x{n} input with padding {p}")
    return (n - f + 2 * p) // s + 1


# The four photo panels keep their aspect, so this figure is about as tall as wide and a card shrinks it to
# its height: 14-pt text keeps letters ≥ 14 px there (see dlexport/legibility.py).
PANEL_TEXT = 14.0


def _kernel_table(ax: Axes, kernel: Array, title: str, size: float = PANEL_TEXT, title_size: float = PANEL_TEXT
                  ) -> None:
    ax.imshow(kernel, cmap="coolwarm", vmin=-2.5, vmax=2.5)
    for (i, j), v in np.ndenumerate(kernel):
        ax.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=size)
    bare(ax, title, title_size)


@drawer
def convolution_pooling(*, kernel: str, pool: int, image: str, layout: Layout = CARD) -> Figure:
    """Apply a 3x3 kernel to the sample photo, then max-pool the feature map; show all four stages."""
    choice("kernel", kernel, tuple(KERNELS))
    positive("pool", pool, 8)
    if layout == CARD:
        fig = new_figure(5.8, WIDTH)
        _stages(fig.subplots(2, 2).ravel(), kernel, pool, image, " ", PANEL_TEXT, PANEL_TEXT)
        fig.subplots_adjust(hspace=0.25, wspace=0.1, left=0.02, right=0.98, top=0.93, bottom=0.02)
        return fig
    slide = layout.width > layout.height
    fig = new_figure(layout.height if slide else 5.1, layout.width)
    axes = fig.subplots(1, 4) if slide else fig.subplots(2, 2).ravel()
    for ax in axes:
        ax.set_anchor("N")  # each picture's box shrinks to its aspect: keep the titles on one line
    _stages(axes, kernel, pool, image, "\n", layout.text, layout.small)
    if slide:
        fig.subplots_adjust(wspace=0.12, left=0.01, right=0.99, top=0.8, bottom=0.01)
    else:
        fig.subplots_adjust(hspace=0.3, wspace=0.1, left=0.02, right=0.98, top=0.87, bottom=0.01)
    return fig


def _stages(axes: Sequence[Axes], kernel: str, pool: int, image: str, sep: str, title: float, small: float) -> None:
    """Draw the input, the kernel, the feature map and the pooled map on four axes, titles split by `sep`."""
    grey = load_grey(image)[::5, ::5]
    feature = convolve(grey, KERNELS[kernel])
    pooled = max_pool(feature, pool)
    axes[0].imshow(grey, cmap="gray")
    bare(axes[0], f"(a) 입력{sep}{grey.shape[1]}×{grey.shape[0]}", title)
    _kernel_table(axes[1], KERNELS[kernel], f"(b) 3×3 커널{sep}(가중치)", small, title)
    limit = float(np.percentile(np.abs(feature), 99.5))
    axes[2].imshow(feature, cmap="coolwarm", vmin=-limit, vmax=limit)
    bare(axes[2], f"(c) 특징 맵{sep}{feature.shape[1]}×{feature.shape[0]}", title)
    axes[3].imshow(pooled, cmap="coolwarm", vmin=-limit, vmax=limit, interpolation="nearest")
    bare(axes[3], f"(d) {pool}×{pool} 최댓값{sep}{pooled.shape[1]}×{pooled.shape[0]}", title)


def _grid(ax: Axes, x0: float, cells: int, shaded: int = 0, label: str = "", layout: Layout = CARD) -> None:
    for i in range(cells):
        for j in range(cells):
            pad = min(i, j) < shaded or max(i, j) >= cells - shaded
            ax.add_patch(Rectangle((x0 + j, cells - 1 - i), 1, 1, facecolor="#e6e6e6" if pad else "white",
                                   edgecolor=MUTED, lw=1.0))
            if pad and layout != PHONE:  # a phone's cells are too small for a "0": the grey says padding
                ax.text(x0 + j + 0.5, cells - 0.5 - i, "0", ha="center", va="center", fontsize=layout.small,
                        color=MUTED)
    if label:
        ax.text(x0 + cells / 2, -0.4, label, ha="center", va="top", fontsize=layout.text)


@drawer
def conv_grid(*, input_size: int, kernel: int, stride: int, padding: int, layout: Layout = CARD) -> Figure:
    """Draw a padded input grid with two kernel positions one stride apart and the output grid they fill."""
    positive("input_size", input_size, 9)
    positive("kernel", kernel, 7)
    positive("stride", stride, 4)
    if not 0 <= padding <= 3:
        raise ValueError(f"padding must be from 0 to 3, got {padding}")
    out = output_size(input_size, kernel, stride, padding)
    general = "$\\lfloor (N - F + 2P) / S \\rfloor + 1"
    worked = f"\\lfloor ({input_size} - {kernel} + 2 \\cdot {padding}) / {stride} \\rfloor + 1 = {out}$"
    if layout == CARD:
        fig = new_figure(3.5, WIDTH)
        _conv_scene(fig.add_axes((0.0, 0.14, 1.0, 0.86)), input_size, kernel, stride, padding, out, CARD)
        fig.text(0.5, 0.02, f"{general} = {worked}", ha="center", fontsize=TEXT)
        return fig
    slide = layout.width > layout.height  # the formula in two lines: beside the grids on a slide, below on a phone
    fig = new_figure(layout.height if slide else 3.2, layout.width)
    _conv_scene(axes_at(fig, 0.1, 0.1, 6.4, 4.1) if slide else axes_at(fig, 0.05, 0.75, 3.5, 2.4),
                input_size, kernel, stride, padding, out, layout)
    x, y, ha = (6.9 / layout.width, 0.5, "left") if slide else (0.5, 0.35 / 3.2, "center")
    fig.text(x, y, f"{general}$", ha=ha, va="bottom", fontsize=layout.text)
    fig.text(x, y, f"$= {worked}", ha=ha, va="top", fontsize=layout.text)
    return fig


def _conv_scene(ax: Axes, input_size: int, kernel: int, stride: int, padding: int, out: int, layout: Layout) -> None:
    """Draw the padded input with two kernel places, the arrow and the output grid they fill, on one axes."""
    cells = input_size + 2 * padding
    ax.set_aspect("equal")
    ax.set_axis_off()
    _grid(ax, 0.0, cells, padding, f"입력 {input_size}×{input_size}, 패딩 {padding}", layout)
    top = cells - kernel
    ax.add_patch(Rectangle((0, top), kernel, kernel, fill=False, edgecolor=COLORS[1], lw=3.0))
    if stride + kernel <= cells:
        ax.add_patch(Rectangle((stride + 0.08, top + 0.08), kernel - 0.16, kernel - 0.16, fill=False,
                               edgecolor=COLORS[0], lw=2.4, ls="--"))
    x_out = cells + 2.5
    _grid(ax, x_out, out, label=f"출력 {out}×{out}", layout=layout)
    ax.add_patch(Rectangle((x_out, out - 1), 1, 1, facecolor=COLORS[1], alpha=0.55))
    if out > 1:
        ax.add_patch(Rectangle((x_out + 1, out - 1), 1, 1, facecolor=COLORS[0], alpha=0.55))
    ax.annotate("", (x_out - 0.2, cells / 2), (cells + 0.2, cells / 2),
                arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.6})
    ax.text(cells + 1.25, cells / 2 + 0.3, f"{kernel}×{kernel}\n보폭 {stride}", ha="center", va="bottom",
            fontsize=layout.small)
    ax.set_xlim(-0.3, x_out + max(out, 2) + 0.3)
    ax.set_ylim(-1.4, cells + 0.3)


def rotate(rgb: Array, degrees: float) -> Array:
    """Return the image rotated about its centre (nearest neighbour, corners filled white)."""
    h, w = rgb.shape[:2]
    t = np.deg2rad(degrees)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    src_x = np.cos(t) * (xs - cx) + np.sin(t) * (ys - cy) + cx
    src_y = -np.sin(t) * (xs - cx) + np.cos(t) * (ys - cy) + cy
    inside = (src_x >= 0) & (src_x <= w - 1) & (src_y >= 0) & (src_y <= h - 1)
    out = np.ones_like(rgb)
    out[inside] = rgb[np.rint(src_y[inside]).astype(int), np.rint(src_x[inside]).astype(int)]
    return out


def jitter(rgb: Array, rng: np.random.Generator) -> Array:
    """Return the image with seeded random brightness, contrast and saturation changes."""
    grey = rgb.mean(axis=2, keepdims=True)
    saturation, contrast, brightness = rng.uniform(0.2, 1.8), rng.uniform(0.6, 1.4), rng.uniform(-0.15, 0.15)
    out: Array = grey + saturation * (rgb - grey)
    out = (out - out.mean()) * contrast + out.mean() + brightness
    clipped: Array = np.clip(out, 0.0, 1.0)
    return clipped


def augment(rgb: Array, seed: int) -> list[tuple[str, Array]]:
    """Return the named, seeded augmentations of an image: flip, crop, rotation, colour, all together."""
    rng = np.random.default_rng(seed)
    h, w = rgb.shape[:2]
    top, left = int(rng.integers(0, h // 3)), int(rng.integers(0, w // 3))
    crop = rgb[top:top + 2 * h // 3, left:left + 2 * w // 3]
    angle = float(rng.choice([-1, 1]) * rng.uniform(10, 25))
    combined = jitter(rotate(rgb[:, ::-1], -angle), rng)
    return [("원본", rgb), ("좌우 뒤집기", rgb[:, ::-1]), ("무작위 자르기", crop),
            (f"회전 {angle:.0f}°", rotate(rgb, angle)), ("색 바꾸기", jitter(rgb, rng)), ("모두 함께", combined)]


PHONE_AUGMENTATIONS = (0, 1, 3, 4)  # of `augment`'s six: the photo, the flip, the rotation, the colour change


@drawer
def augmentation(*, seed: int, image: str, layout: Layout = CARD) -> Figure:
    """Show the sample photo and five seeded random transformations of it."""
    rgb = sample_rgb(image)[::4, ::4]
    pictures = augment(rgb, seed)
    if layout == CARD:
        fig = new_figure(5.0, WIDTH)
        axes = fig.subplots(2, 3).ravel()
    elif layout.width > layout.height:  # a slide: all six in a row
        fig = new_figure(layout.height, layout.width)
        axes = fig.subplots(1, 6)
    else:  # a phone: the photo and three single changes, 2 × 2 (six would be too small to see what changed)
        fig = new_figure(4.6, layout.width)
        axes = fig.subplots(2, 2).ravel()
        pictures = [pictures[k] for k in PHONE_AUGMENTATIONS]
    for ax, (name, picture) in zip(axes, pictures, strict=True):
        ax.imshow(picture, interpolation="antialiased")
        bare(ax, name, layout.text)
    if layout == CARD:
        fig.subplots_adjust(hspace=0.22, wspace=0.06, left=0.01, right=0.99, top=0.93, bottom=0.01)
    else:
        fig.subplots_adjust(hspace=0.2, wspace=0.15 if len(axes) == 6 else 0.08, left=0.01, right=0.99, top=0.9,
                            bottom=0.01)
    return fig
