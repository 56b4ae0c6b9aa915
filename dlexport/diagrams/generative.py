"""Generative and unsupervised models drawn by hand (DBN stack, VAE with its reparameterisation, GAN, denoising
autoencoder), their parts named but never the model, at card width, and laid out again for a slide or a phone;
the GAN's and the denoiser's example pictures are seeded blobs, made here."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch, Polygon

from dlexport.diagrams import sketch as sk
from dlexport.diagrams.sketch import GREEN, RED, TEXT, WIDTH, Point
from dlexport.diagrams.style import ACCENT, INK, PALE, WARM, ask, drawer, new_figure
from dlexport.legibility import CARD, Layout

__all__ = ["dbn", "denoising_autoencoder", "gan", "vae"]


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
                sk.arrow(ax, b, (b[0], rows[i][0][1]), color="#555555", lw=1.2, shrink=shrink)
    for i, row in enumerate(rows):
        face = PALE if i == 0 else WARM if i == top else "white"
        for p in row:
            sk.node(ax, p, r=r, face=face)


def _dbn_phone(fig: Figure, layout: Layout, sizes: Sequence[int]) -> None:
    """`dbn` for a phone (inches): at most five units a layer, the RBMs' names without "학습", the
    pre-training order's name under the stack and the card's caption left out."""
    ax = sk.canvas(fig)
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
    sk.arrow(ax, (0.1, 0.7), (0.1, rows[-1][0][1] + 0.1), color=RED, lw=2.2)
    ask(ax.text(1.75, 0.45, "한 층씩 사전 학습", ha="center", va="top", fontsize=small, color=RED),
        "greedy_pretraining")
    sk.inches(ax, fig, (0.0, 3.42), (0.05, rows[-1][0][1] + 0.2))


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
    ax = sk.canvas(fig)
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
    sk.arrow(ax, (-7.6, -0.3), (-7.6, top * step + 0.3), color=RED, lw=2.2)
    ask(ax.text(-7.85, top * step / 2, "한 층씩 사전 학습", rotation=90, ha="right", va="center",
                fontsize=layout.text, color=RED), "greedy_pretraining")
    ax.text(0.0, -0.7, "앞 단계 은닉층의 활성이 다음 RBM의 입력 · 맨 위 두 층만 방향 없음", ha="center",
            va="top", fontsize=layout.small, color="#444444")
    xs, ys = (-8.9, 7.4), (-1.5, top * step + 0.6)
    if layout.name == "slide":  # the card's drawing, as large as a slide's 11.5 × 4.1 in allow
        sk.scaled(ax, fig, xs, ys, min(4.1 / (ys[1] - ys[0]), 11.5 / (xs[1] - xs[0])))
    else:
        sk.fit(ax, fig, xs, ys)
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
    sk.named(ax.text(*at, text, ha="center", va="center", fontsize=size, zorder=4), name)




def _vae_phone(fig: Figure, layout: Layout) -> None:
    """`vae` running down the page for a phone (inches); the gradient's path and the loss left to the card."""
    ax = sk.canvas(fig)
    small, text, big, c = layout.small, layout.text, layout.big, 1.1
    sk.box(ax, (c, 4.9), 1.5, 0.4, "$x$", face=PALE, size=big)
    ask(ax.text(c + 0.9, 4.9, "입력", ha="left", va="center", fontsize=small), "input")
    _funnel(ax, 4.7, 3.95, c, 1.5, 0.7, "인코더", "#dbe9f6", name="encoder", size=text, upright=True)
    mu, sigma = (c - 0.45, 3.4), (c + 0.45, 3.4)
    sk.box(ax, mu, 0.5, 0.38, "$\\mu$", size=big)
    sk.box(ax, sigma, 0.5, 0.38, "$\\sigma$", size=big)
    sk.arrow(ax, (c - 0.2, 3.95), (mu[0], mu[1] + 0.19))
    sk.arrow(ax, (c + 0.2, 3.95), (sigma[0], sigma[1] + 0.19))
    times, plus, eps, r = (sigma[0], 2.75), (c, 2.1), (2.45, 2.75), 0.14
    sk.op(ax, times, "×", r=r, size=big)
    sk.op(ax, plus, "+", r=r, size=big)
    sk.arrow(ax, (sigma[0], sigma[1] - 0.19), (times[0], times[1] + r))
    ax.add_patch(Circle(eps, 0.24, facecolor="#fff3c4", edgecolor=WARM, lw=1.8, ls="--", zorder=3))
    ax.text(*eps, "$\\epsilon$", ha="center", va="center", fontsize=big, zorder=4)
    sk.arrow(ax, (eps[0] - 0.24, eps[1]), (times[0] + r, times[1]), color="#a05a00")
    ask(ax.text(eps[0] + 0.05, eps[1] - 0.32, "$\\epsilon \\sim \\mathcal{N}(0, I)$\n바깥에서 뽑는 잡음", ha="center",
                va="top", fontsize=small, color="#a05a00"), "noise")
    sk.path(ax, [(mu[0], mu[1] - 0.19), (mu[0], plus[1]), (plus[0] - r, plus[1])])
    sk.path(ax, [(times[0], times[1] - r), (times[0], plus[1]), (plus[0] + r, plus[1])])
    z = (c, 1.45)
    sk.node(ax, z, r=0.26, face=GREEN, text="$z$", size=big)
    sk.arrow(ax, (c, plus[1] - r), (c, z[1] + 0.26))
    ask(ax.text(c + 0.4, z[1], "$z = \\mu + \\sigma \\odot \\epsilon$", ha="left", va="center", fontsize=text),
        "reparameterization")
    sk.arrow(ax, (c, z[1] - 0.26), (c, 1.0))
    _funnel(ax, 1.0, 0.25, c, 0.7, 1.5, "디코더", "#fde0bd", name="decoder", size=text, upright=True)
    sk.box(ax, (c, 0.0), 1.5, 0.4, "$\\hat{x}$", face=WARM, size=big)
    ask(ax.text(c + 0.9, 0.0, "복원", ha="left", va="center", fontsize=small), "reconstruction")
    sk.inches(ax, fig, (0.25, 3.45), (-0.25, 5.15))


@drawer
def vae(*, layout: Layout = CARD) -> Figure:
    """Draw encoder -> (mu, sigma) -> z = mu + sigma * eps with eps ~ N(0, I) drawn outside -> decoder."""
    fig = new_figure(4.0, WIDTH)
    if layout.name == "phone":
        _vae_phone(fig, layout)
        return fig
    small, text, big = layout.small, layout.text, layout.big
    ax = sk.canvas(fig)
    y = 3.0
    sk.box(ax, (0.0, y), 0.9, 2.2, "$x$", face=PALE, size=big)
    ask(ax.text(0.0, y - 1.25, "입력", ha="center", va="top", fontsize=small), "input")
    sk.arrow(ax, (0.45, y), (0.9, y))
    _funnel(ax, 0.9, 3.1, y, 2.2, 1.0, "인코더", "#dbe9f6", name="encoder", size=text)
    mu, sigma = (4.4, y + 1.0), (4.4, y - 1.0)
    sk.box(ax, mu, 0.8, 0.6, "$\\mu$", face="white", size=big)
    sk.box(ax, sigma, 0.8, 0.6, "$\\sigma$", face="white", size=big)
    sk.arrow(ax, (3.1, y + 0.2), (mu[0] - 0.4, mu[1]))
    sk.arrow(ax, (3.1, y - 0.2), (sigma[0] - 0.4, sigma[1]))
    times, plus = (6.0, sigma[1]), (7.2, y)
    eps = (6.0, 0.3)
    ax.add_patch(Circle(eps, 0.45, facecolor="#fff3c4", edgecolor=WARM, lw=1.8, ls="--", zorder=3))
    ax.text(*eps, "$\\epsilon$", ha="center", va="center", fontsize=big, zorder=4)
    ask(ax.text(eps[0] + 0.6, eps[1], "$\\epsilon \\sim \\mathcal{N}(0, I)$\n바깥에서 뽑는 잡음", ha="left",
                va="center", fontsize=small, color="#a05a00"), "noise")
    sk.op(ax, times, "×", size=big)
    sk.op(ax, plus, "+", size=big)
    sk.arrow(ax, (sigma[0] + 0.4, sigma[1]), (times[0] - 0.24, times[1]))
    sk.arrow(ax, eps, times, shrink=12, color="#a05a00")
    sk.path(ax, [(mu[0] + 0.4, mu[1]), (plus[0], mu[1]), (plus[0], plus[1] + 0.24)])
    sk.path(ax, [(times[0] + 0.24, times[1]), (plus[0], times[1]), (plus[0], plus[1] - 0.24)])
    z = (8.4, y)
    sk.node(ax, z, r=0.42, face=GREEN, text="$z$", size=big)
    sk.arrow(ax, plus, z, shrink=9)
    # a slide's larger formula sits lower and further right: clear of the line into + and of the decoder
    shift, drop = (0.1, 0.6) if layout.name == CARD.name else (0.25, 0.75)
    ask(ax.text(z[0] + shift, y - drop, "$z = \\mu + \\sigma \\odot \\epsilon$", ha="center", va="top",
                fontsize=text), "reparameterization")
    sk.arrow(ax, (z[0] + 0.42, y), (9.3, y))
    _funnel(ax, 9.3, 11.5, y, 1.0, 2.2, "디코더", "#fde0bd", name="decoder", size=text)
    sk.arrow(ax, (11.5, y), (11.95, y))
    sk.box(ax, (12.4, y), 0.9, 2.2, "$\\hat{x}$", face=WARM, size=big)
    ask(ax.text(12.4, y - 1.25, "복원", ha="center", va="top", fontsize=small), "reconstruction")
    sk.arrow(ax, (10.4, 4.8), (2.0, 4.8), color=RED, ls="--", lw=1.6)
    ask(ax.text(6.2, 4.95, "역전파: $z$가 $\\mu$, $\\sigma$의 미분 가능한 함수라 인코더까지 기울기가 흐름",
                ha="center", va="bottom", fontsize=small, color=RED), "gradient_path")
    ask(ax.text(2.0, 0.3, "손실 = 복원 오차\n+ KL($q$ ‖ 사전 분포)", ha="center", va="center", fontsize=small,
                color="#444444"), "loss")
    if layout.name == "slide":  # the card's drawing, its texts 1.7 × larger on a page 1.1 × wider
        sk.scaled(ax, fig, (-0.7, 13.1), (-0.6, 5.6), 0.66)
    else:
        sk.fit(ax, fig, (-0.7, 13.1), (-0.6, 5.6))
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
    ax = sk.canvas(fig)
    small, big = layout.small, layout.big
    sk.node(ax, (0.45, 5.0), r=0.26, face="#fff3c4", edge=WARM, text="$z$", size=big)
    ask(ax.text(0.85, 5.0, "잡음 $z \\sim p_z$", ha="left", va="center", fontsize=small), "noise")
    sk.arrow(ax, (0.45, 4.74), (0.45, 4.29))
    sk.box(ax, (0.85, 4.05), 1.5, 0.48, "생성자 $G$", face="#fde0bd", size=big, name="generator")
    sk.arrow(ax, (0.85, 3.81), (0.85, 3.28))
    _thumbs(ax, blob_images(3, 10, 0.3, seed + 1), (0.85, 3.05), size=0.42, gap=0.06)
    ask(ax.text(0.85, 2.76, "가짜 표본 $G(z)$", ha="center", va="top", fontsize=small), "fake_samples")
    _thumbs(ax, blob_images(3, 10, 0.0, seed), (2.5, 3.05), size=0.42, gap=0.06)
    ask(ax.text(2.5, 2.76, "진짜 데이터\n$x \\sim p_{\\mathrm{data}}$", ha="center", va="top", fontsize=small),
        "real_data")
    disc = (1.7, 1.55)
    sk.arrow(ax, (0.85, 2.45), (disc[0] - 0.4, disc[1] + 0.25))
    sk.arrow(ax, (2.5, 2.05), (disc[0] + 0.4, disc[1] + 0.25))
    sk.box(ax, disc, 1.6, 0.5, "판별자 $D$", face=PALE, size=big, name="discriminator")
    sk.arrow(ax, (disc[0], disc[1] - 0.25), (disc[0], 1.0))
    ask(ax.text(disc[0], 0.97, "진짜일 확률", ha="center", va="top", fontsize=layout.text), "probability_real")
    ask(ax.text(disc[0], 0.62, "진짜 → 1, 가짜 → 0으로\n가려내도록 학습", ha="center", va="top", fontsize=small,
                color=ACCENT), "discriminator_objective")
    sk.path(ax, [(disc[0] + 0.8, disc[1]), (3.3, disc[1]), (3.3, 4.05), (1.6, 4.05)], color=RED, ls="--")
    ask(ax.text(2.45, 4.15, "생성자: 판별자를\n속이도록 학습", ha="center", va="bottom", fontsize=small, color=RED),
        "generator_objective")
    sk.inches(ax, fig, (0.05, 3.4), (0.0, 5.3))


@drawer
def gan(*, seed: int, layout: Layout = CARD) -> Figure:
    """Draw noise -> generator -> fake samples and real samples -> discriminator -> real or fake, with what
    each network learns to do."""
    fig = new_figure(4.0, WIDTH)
    if layout.name == "phone":
        _gan_phone(fig, layout, seed)
        return fig
    small, text, big = layout.small, layout.text, layout.big
    ax = sk.canvas(fig)
    fake_y, real_y = 4.2, 1.0
    sk.node(ax, (0.0, fake_y), r=0.45, face="#fff3c4", edge=WARM, text="$z$", size=big)
    ask(ax.text(0.0, fake_y - 0.6, "잡음\n$z \\sim p_z$", ha="center", va="top", fontsize=small), "noise")
    sk.arrow(ax, (0.45, fake_y), (1.2, fake_y))
    sk.box(ax, (2.4, fake_y), 2.3, 1.0, "생성자 $G$", face="#fde0bd", size=big, name="generator")
    sk.arrow(ax, (3.55, fake_y), (4.3, fake_y))
    _thumbs(ax, blob_images(3, 10, 0.3, seed + 1), (5.7, fake_y))
    ask(ax.text(5.7, fake_y + 0.5, "가짜 표본 $G(z)$", ha="center", va="bottom", fontsize=small), "fake_samples")
    _thumbs(ax, blob_images(3, 10, 0.0, seed), (5.7, real_y))
    ask(ax.text(5.7, real_y - 0.5, "진짜 데이터 $x \\sim p_{\\mathrm{data}}$", ha="center", va="top",
                fontsize=small), "real_data")
    disc = (8.7, (fake_y + real_y) / 2)
    sk.arrow(ax, (7.1, fake_y), (disc[0] - 1.2, disc[1] + 0.3))
    sk.arrow(ax, (7.1, real_y), (disc[0] - 1.2, disc[1] - 0.3))
    sk.box(ax, disc, 2.3, 1.0, "판별자 $D$", face=PALE, size=big, name="discriminator")
    sk.arrow(ax, (disc[0] + 1.15, disc[1]), (disc[0] + 1.8, disc[1]))
    ask(ax.text(disc[0] + 1.9, disc[1], "진짜일\n확률", ha="left", va="center", fontsize=text), "probability_real")
    ask(ax.text(disc[0] - 0.7, disc[1] - 0.65, "진짜 → 1, 가짜 → 0으로\n가려내도록 학습", ha="left", va="top",
                fontsize=small, color=ACCENT), "discriminator_objective")
    sk.path(ax, [(disc[0], disc[1] + 0.5), (disc[0], 5.9), (2.4, 5.9), (2.4, fake_y + 0.5)], color=RED, ls="--")
    sk.label(ax, ((disc[0] + 2.4) / 2, 5.9), "생성자: 판별자를 속이도록 학습", size=small, color=RED,
           name="generator_objective")
    if layout.name == "slide":  # the card's drawing, its texts 1.7 × larger on a page 1.35 × wider
        sk.scaled(ax, fig, (-0.9, 12.0), (-0.3, 6.4), 0.6)
    else:
        sk.fit(ax, fig, (-0.9, 12.0), (-0.3, 6.4))
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
    ax = sk.canvas(fig)
    small, text, big, c = layout.small, layout.text, layout.big, 2.55
    clean, noisy, smooth = pictures
    _thumbs(ax, [clean], (0.75, 4.55), size=0.9)
    ask(ax.text(0.75, 4.02, "원래 입력 $x$", ha="center", va="top", fontsize=small), "clean_input")
    sk.arrow(ax, (1.25, 4.55), (2.05, 4.55), color=RED, lw=1.8)
    ask(ax.text(1.65, 4.65, "손상", ha="center", va="bottom", fontsize=small, color=RED), "corruption")
    _thumbs(ax, [noisy], (c, 4.55), size=0.9)
    ask(ax.text(c, 4.02, f"$\\tilde{{x}}$: {what}", ha="center", va="top", fontsize=small, color=RED),
        "corrupted_input")
    sk.arrow(ax, (c, 3.72), (c, 3.5))
    _funnel(ax, 3.5, 2.85, c, 1.3, 0.65, "인코더", "#dbe9f6", name="encoder", size=text, upright=True)
    sk.box(ax, (c, 2.5), 0.55, 0.4, "$h$", face=GREEN, size=big)
    ask(ax.text(c + 0.4, 2.5, "코드", ha="left", va="center", fontsize=small), "code")
    _funnel(ax, 2.15, 1.5, c, 0.65, 1.3, "디코더", "#fde0bd", name="decoder", size=text, upright=True)
    sk.arrow(ax, (c, 1.5), (c, 1.32))
    _thumbs(ax, [smooth], (c, 0.85), size=0.9)
    ask(ax.text(c, 0.33, "복원 $\\hat{x}$", ha="center", va="top", fontsize=small), "reconstruction")
    loss = (0.72, 0.85)
    sk.box(ax, loss, 1.35, 0.45, "손실 $L(x, \\hat{x})$", face="#f6d5d1", size=text, name="loss")
    sk.path(ax, [(0.75, 3.7), (0.75, loss[1] + 0.23)], color=RED, ls="--")
    sk.path(ax, [(c - 0.47, loss[1]), (loss[0] + 0.68, loss[1])], color=RED, ls="--")
    ax.text(0.05, 0.5, "망가진 입력이 아니라\n원래 입력과 비교", ha="left", va="top", fontsize=small, color=RED)
    sk.inches(ax, fig, (0.0, 3.42), (-0.15, 5.05))


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
    ax = sk.canvas(fig)
    y, size = 2.2, 1.5
    _thumbs(ax, [clean], (0.0, y), size=size)
    ask(ax.text(0.0, y - 0.95, "원래 입력 $x$", ha="center", va="top", fontsize=small), "clean_input")
    sk.arrow(ax, (0.8, y), (1.9, y), color=RED, lw=1.8)
    ask(ax.text(1.35, y + 0.2, "손상", ha="center", va="bottom", fontsize=small, color=RED), "corruption")
    ask(ax.text(2.7, y - 0.95, f"$\\tilde{{x}}$: {what}", ha="center", va="top", fontsize=small, color=RED),
        "corrupted_input")
    _thumbs(ax, [noisy], (2.7, y), size=size)
    sk.arrow(ax, (3.5, y), (3.9, y))
    _funnel(ax, 3.9, 5.7, y, 1.8, 0.9, "인코더", "#dbe9f6", name="encoder", size=text)
    sk.box(ax, (6.3, y), 0.6, 0.9, "$h$", face=GREEN, size=big)
    ask(ax.text(6.3, y - 0.6, "코드", ha="center", va="top", fontsize=small), "code")
    _funnel(ax, 6.9, 8.7, y, 0.9, 1.8, "디코더", "#fde0bd", name="decoder", size=text)
    sk.arrow(ax, (8.7, y), (9.1, y))
    _thumbs(ax, [smooth], (9.9, y), size=size)
    ask(ax.text(9.9, y - 0.95, "복원 $\\hat{x}$", ha="center", va="top", fontsize=small), "reconstruction")
    loss = (5.0, 4.6)
    sk.box(ax, loss, 3.4, 0.7, "손실 $L(x, \\hat{x})$", face="#f6d5d1", size=text, name="loss")
    sk.path(ax, [(0.0, y + 0.8), (0.0, loss[1]), (loss[0] - 1.7, loss[1])], color=RED, ls="--")
    sk.path(ax, [(9.9, y + 0.8), (9.9, loss[1]), (loss[0] + 1.7, loss[1])], color=RED, ls="--")
    ax.text(loss[0], loss[1] - 0.45, "망가진 입력이 아니라 원래 입력과 비교", ha="center", va="top",
            fontsize=small, color=RED)
    if layout.name == "slide":  # the card's drawing, as large as a slide's 11.5 × 4.1 in allow
        sk.scaled(ax, fig, (-0.9, 10.8), (0.7, 5.2), min(4.1 / 4.5, 11.5 / 11.7))
    else:
        sk.fit(ax, fig, (-0.9, 10.8), (0.7, 5.2))
    return fig
