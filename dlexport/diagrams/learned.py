"""Features really learned by a small sparse autoencoder trained with numpy on image patches."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib import cbook
from matplotlib.figure import Figure
from matplotlib.image import imread
from numpy.typing import NDArray

from dlexport.diagrams.style import drawer, new_figure

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Trained:
    """The learned tied weights (hidden x inputs) and the reconstruction loss after each epoch."""

    weights: Array
    losses: tuple[float, ...]


def sample_patches(pixels: Array, patch: int, count: int, seed: int) -> Array:
    """Return `count` whitened, flattened `patch`x`patch` patches drawn from a grey image."""
    if patch < 2 or patch > min(pixels.shape):
        raise ValueError(f"patch must be between 2 and {min(pixels.shape)}, got {patch}")
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, pixels.shape[0] - patch + 1, count)
    cols = rng.integers(0, pixels.shape[1] - patch + 1, count)
    x = np.stack([pixels[r:r + patch, c:c + patch].ravel() for r, c in zip(rows, cols, strict=True)])
    x = x - x.mean(axis=1, keepdims=True)
    cov = x.T @ x / count
    vals, vecs = np.linalg.eigh(cov)
    # partial ZCA whitening: flattens the spectrum without amplifying pixel noise
    zca = vecs @ np.diag(1.0 / np.sqrt(vals + 10.0 * vals.mean())) @ vecs.T
    white: Array = x @ zca
    out: Array = white / white.std()
    return out


def train_autoencoder(x: Array, hidden: int, epochs: int, seed: int, *, sparsity: float = 0.05,
                      beta: float = 3.0, decay: float = 1e-4, rate: float = 0.03, batch: int = 128,
                      init: float = 0.01) -> Trained:
    """Train a tied-weight sparse autoencoder (sigmoid code, linear decoder) with Adam; return its weights."""
    if hidden < 1 or epochs < 1:
        raise ValueError(f"hidden and epochs must be positive, got {hidden} and {epochs}")
    rng = np.random.default_rng(seed)
    n, d = x.shape
    w = rng.normal(0.0, init, (hidden, d))
    b = np.zeros(hidden)
    c = np.zeros(d)
    params = [w, b, c]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    losses: list[float] = []
    t = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            xb = x[order[start:start + batch]]
            h = 1.0 / (1.0 + np.exp(-(xb @ w.T + b)))
            err = h @ w + c - xb
            rho = np.clip(h.mean(axis=0), 1e-6, 1 - 1e-6)
            dkl = beta * (-sparsity / rho + (1 - sparsity) / (1 - rho)) / len(xb)
            dh = (err @ w.T / len(xb) + dkl) * h * (1 - h)
            grads = [dh.T @ xb + h.T @ err / len(xb) + decay * w, dh.sum(axis=0), err.mean(axis=0)]
            t += 1
            for p, g, (m, v) in zip(params, grads, moments, strict=True):
                m *= 0.9
                m += 0.1 * g
                v *= 0.999
                v += 0.001 * g * g
                p -= rate * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        recon = 1.0 / (1.0 + np.exp(-(x @ w.T + b))) @ w + c
        losses.append(float(0.5 * np.mean(np.sum((recon - x) ** 2, axis=1))))
    return Trained(weights=w.copy(), losses=tuple(losses))


def sample_rgb(name: str) -> Array:
    """Return one of matplotlib's sample images as RGB levels in [0, 1] (height x width x 3)."""
    try:
        path = Path(str(cbook.get_sample_data(name, asfileobj=False)))
        pixels = np.asarray(imread(path), dtype=np.float64)
    except (OSError, SyntaxError, ValueError) as e:
        raise ValueError(f"cannot read matplotlib's sample image {name!r}: {e}") from None
    if pixels.max() > 1.0:
        pixels = pixels / 255.0
    rgb: Array = pixels[..., :3] if pixels.ndim == 3 else np.repeat(pixels[..., None], 3, axis=2)
    return rgb


def load_grey(name: str) -> Array:
    """Return one of matplotlib's sample images as grey levels in [0, 1]."""
    grey: Array = sample_rgb(name).mean(axis=2)
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


@drawer
def autoencoder_features(hidden: int = 36, patch: int = 8, epochs: int = 30, seed: int = 0,
                         image: str = "grace_hopper.jpg") -> Figure:
    """Train a sparse autoencoder on patches of a sample image and show each hidden unit's weights."""
    grey = load_grey(image)[::2, ::2]  # half size: more structure per patch
    x = sample_patches(grey, patch, 6000, seed)
    trained = train_autoencoder(x, hidden, epochs, seed)
    fig = new_figure(4.2, 8.0)
    left = fig.add_axes((0.02, 0.1, 0.3, 0.76))
    left.imshow(grey, cmap="gray", interpolation="antialiased")
    left.set_axis_off()
    left.set_title(f"학습 데이터: {image}\n에서 뽑은 {patch}×{patch} 패치 6000개", fontsize=9)
    ax = fig.add_axes((0.36, 0.1, 0.36, 0.76))
    ax.imshow(tile(trained.weights, patch), cmap="gray", interpolation="nearest", vmin=0.0, vmax=1.0)
    ax.set_axis_off()
    ax.set_title(f"은닉 유닛 {hidden}개의 가중치 (학습된 특징)", fontsize=9)
    curve = fig.add_axes((0.8, 0.22, 0.18, 0.5))
    curve.plot(range(1, len(trained.losses) + 1), trained.losses, color="#1f77b4", lw=1.6)
    curve.set_title("복원 오차", fontsize=9)
    curve.set_xlabel("에폭", fontsize=8)
    curve.tick_params(labelsize=7)
    for side in ("top", "right"):
        curve.spines[side].set_visible(False)
    return fig
