"""Features really learned by a small sparse autoencoder trained with numpy on whitened image patches."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.image import imread
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from dlexport.diagrams.kit import CARD, SMALL, TEXT, WIDTH, Layout, axes_at, bare
from dlexport.diagrams.style import drawer, new_figure

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Trained:
    """The learned tied weights (hidden x inputs) and the reconstruction loss before training and after each epoch."""

    weights: Array
    losses: tuple[float, ...]


def sample_patches(pixels: Array, patch: int, count: int, seed: int, *, keep: float = 0.5,
                   epsilon: float = 0.01) -> Array:
    """Return `count` ZCA-whitened, flattened `patch`x`patch` patches of a grey image.

    Twice as many patches are drawn and the `keep` share with the most contrast is kept (flat patches of a
    photo are mostly JPEG noise once whitened). ZCA whitening with `epsilon` times the largest eigenvalue
    added flattens the spectrum, so that the autoencoder sees edges rather than the mean brightness.
    """
    if patch < 2 or patch > min(pixels.shape):
        raise ValueError(f"patch must be between 2 and {min(pixels.shape)}, got {patch}")
    rng = np.random.default_rng(seed)
    drawn = int(count / keep)
    rows = rng.integers(0, pixels.shape[0] - patch + 1, drawn)
    cols = rng.integers(0, pixels.shape[1] - patch + 1, drawn)
    x = sliding_window_view(pixels, (patch, patch))[rows, cols].reshape(drawn, patch * patch)
    x = x - x.mean(axis=1, keepdims=True)
    x = x[np.argsort(-x.var(axis=1), kind="stable")[:count]]
    vals, vecs = np.linalg.eigh(x.T @ x / count)
    zca = vecs @ np.diag(1.0 / np.sqrt(vals + epsilon * vals.max())) @ vecs.T
    white: Array = x @ zca
    out: Array = white / white.std()
    return out


def train_autoencoder(x: Array, hidden: int, epochs: int, seed: int, *, active: int = 3, rate: float = 0.03,
                      batch: int = 750) -> Trained:
    """Train a tied-weight k-sparse autoencoder with Adam and return its weights.

    The code keeps each input's `active` largest hidden pre-activations and zeroes the rest (Makhzani and
    Frey, 2013); the decoder is linear and uses the encoder's weights transposed. Batches of 750 at rate 0.03
    reach the filters (and loss) that batches of 128 at 0.01 did, in a sixth of the steps: each step's numpy
    calls cost more than its arithmetic at this size.
    """
    if hidden < 1 or epochs < 1 or not 1 <= active <= hidden:
        raise ValueError(f"hidden and epochs must be positive and active from 1 to hidden, got {hidden}, "
                         f"{epochs} and {active}")
    rng = np.random.default_rng(seed)
    n, d = x.shape
    w = rng.normal(0.0, 1.0 / np.sqrt(d), (hidden, d))
    b = np.zeros(hidden)
    params = [w, b]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    losses = [_loss(x, w, b, active)]
    t = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            xb = x[order[start:start + batch]]
            h, mask = _sparse_code(xb, w, b, active)
            err = h @ w - xb
            dh = (err @ w.T) * mask / len(xb)
            grads = [dh.T @ xb + h.T @ err / len(xb), dh.sum(axis=0)]
            t += 1
            for p, g, (m, v) in zip(params, grads, moments, strict=True):
                m *= 0.9
                m += 0.1 * g
                v *= 0.999
                v += 0.001 * g * g
                p -= rate * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        losses.append(_loss(x, w, b, active))
    return Trained(weights=w.copy(), losses=tuple(losses))


def _loss(x: Array, w: Array, b: Array, active: int) -> float:
    recon = _sparse_code(x, w, b, active)[0] @ w
    return float(0.5 * np.mean(np.sum((recon - x) ** 2, axis=1)))


def _sparse_code(x: Array, w: Array, b: Array, active: int) -> tuple[Array, Array]:
    """Return the k-sparse code of each row of x and the mask of its kept units."""
    z = x @ w.T + b
    threshold = -np.partition(-z, active - 1, axis=1)[:, active - 1:active]
    mask = (z >= threshold).astype(np.float64)
    return z * mask, mask


def localisation(weights: Array, patch: int) -> Array:
    """Return, per filter, the largest share of its energy (squared weights) inside one half-size window.

    Edge and blob detectors concentrate their energy in a small region; random weights spread it (≈ 0.4 for
    8x8 filters and 4x4 windows).
    """
    window = max(1, patch // 2)
    energy = weights.reshape(len(weights), patch, patch) ** 2
    sums = sliding_window_view(energy, (window, window), axis=(1, 2)).sum(axis=(3, 4))
    out: Array = sums.reshape(len(weights), -1).max(axis=1) / energy.sum(axis=(1, 2))
    return out


def sample_rgb(path: str) -> Array:
    """Return a picture (an absolute path, resolved by `diagrams.arguments`) as RGB levels in [0, 1] (h x w x 3)."""
    try:
        pixels = np.asarray(imread(Path(path)), dtype=np.float64)
    except (OSError, SyntaxError, ValueError) as e:
        raise ValueError(f"cannot read the sample image {Path(path).name!r}: {e}") from None
    if pixels.max() > 1.0:
        pixels = pixels / 255.0
    rgb: Array = pixels[..., :3] if pixels.ndim == 3 else np.repeat(pixels[..., None], 3, axis=2)
    return rgb


def load_grey(path: str) -> Array:
    """Return a picture (an absolute path) as grey levels in [0, 1]."""
    grey: Array = sample_rgb(path).mean(axis=2)
    return grey


def tile(weights: Array, patch: int, gap: int = 1) -> Array:
    """Return one image with each hidden unit's weights as a contrast-stretched tile on a grid."""
    count = weights.shape[0]
    cols = math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    step = patch + gap
    out = np.ones((rows * step + gap, cols * step + gap))
    for k, row in enumerate(weights):
        img = row.reshape(patch, patch)
        img = (img - img.min()) / (np.ptp(img) or 1.0)
        r, c = divmod(k, cols)
        out[gap + r * step:gap + r * step + patch, gap + c * step:gap + c * step + patch] = img
    return out


@lru_cache(maxsize=4)
def _features(image: str, stamp: tuple[int, int], hidden: int, patch: int, epochs: int, seed: int,
              active: int) -> tuple[Array, Trained]:
    """Return the half-size grey picture and the autoencoder trained on its patches, once per process for the
    same picture file (`stamp`: its size and modification time) and parameters: a card, a slide and a phone
    drawing of one figure share one training."""
    grey = load_grey(image)[::2, ::2]  # half size: more structure per patch
    x = sample_patches(grey, patch, 6000, seed)
    trained = train_autoencoder(x, hidden, epochs, seed, active=active)
    grey.setflags(write=False)
    trained.weights.setflags(write=False)
    return grey, trained


@drawer
def autoencoder_features(*, hidden: int, patch: int, epochs: int, seed: int, image: str, active: int,
                         layout: Layout = CARD) -> Figure:
    """Train a sparse autoencoder on whitened patches of a sample image and show each hidden node's weights."""
    try:
        st = Path(image).stat()
    except OSError as e:
        raise ValueError(f"cannot read the sample image {Path(image).name!r}: {e}") from None
    grey, trained = _features(image, (st.st_size, st.st_mtime_ns), hidden, patch, epochs, seed, active)
    if layout != CARD:
        return _features_at(grey, trained, patch, epochs, layout)
    fig = new_figure(3.7, WIDTH)
    left = fig.add_axes((0.0, 0.14, 0.34, 0.72))
    left.imshow(grey, cmap="gray", interpolation="antialiased")
    left.set_axis_off()
    left.set_title(f"입력: {patch}×{patch} 조각 6000개", fontsize=TEXT)
    ax = fig.add_axes((0.4, 0.14, 0.6, 0.72))
    ax.imshow(tile(trained.weights, patch), cmap="gray", interpolation="nearest", vmin=0.0, vmax=1.0)
    ax.set_axis_off()
    ax.set_title(f"은닉 노드 {hidden}개의 가중치", fontsize=TEXT)
    fig.text(0.7, 0.02, f"복원 오차 {trained.losses[0]:.1f} → {trained.losses[-1]:.1f} ({epochs} 에포크)",
             ha="center", fontsize=SMALL)
    return fig


def _features_at(grey: Array, trained: Trained, patch: int, epochs: int, layout: Layout) -> Figure:
    """Draw the learned filters for a slide (the photo, the filters and the loss side by side) or a phone (the
    filters and the loss alone: the photo is secondary)."""
    slide = layout.width > layout.height
    hidden = len(trained.weights)
    change = f"{trained.losses[0]:.1f} → {trained.losses[-1]:.1f}"
    if slide:
        fig = new_figure(layout.height, layout.width)
        left = axes_at(fig, 0.1, 0.1, 3.3, 3.6)
        left.imshow(grey, cmap="gray", interpolation="antialiased")
        bare(left, f"입력: {patch}×{patch} 조각 6000개", layout.text)
        ax = axes_at(fig, 4.2, 0.1, 3.6, 3.6)
        fig.text(8.2 / layout.width, 0.5, f"복원 오차\n{change}\n({epochs} 에포크)", va="center", fontsize=layout.small)
    else:
        fig = new_figure(4.35, layout.width)
        ax = axes_at(fig, 0.1, 0.45, 3.4, 3.4)
        fig.text(0.5, 0.02, f"복원 오차 {change} ({epochs} 에포크)", ha="center", fontsize=layout.small)
    ax.imshow(tile(trained.weights, patch), cmap="gray", interpolation="nearest", vmin=0.0, vmax=1.0)
    bare(ax, f"은닉 노드 {hidden}개의 가중치", layout.text)
    return fig
