"""Word vectors computed from the small corpus that ships with dlexport: co-occurrence, PPMI, SVD, 2-D plot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from matplotlib.figure import Figure

from dlexport.diagrams.kit import SMALL, TEXT, WIDTH, Array, tidy
from dlexport.diagrams.style import ACCENT, INK, drawer, new_figure

CORPUS = "corpus.txt"


@cache
def corpus_lines() -> tuple[str, ...]:
    """Return the sentences of dlexport/diagrams/data/corpus.txt (package data, never downloaded)."""
    text = files("dlexport.diagrams").joinpath("data", CORPUS).read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line.strip() and not line.startswith("#"))


@dataclass(frozen=True)
class Embedding:
    """Word vectors (one row per word of `vocab`) from a truncated SVD of the PPMI matrix."""

    vocab: tuple[str, ...]
    vectors: Array

    def vector(self, word: str) -> Array:
        """Return the vector of `word`; ValueError if the corpus does not have it."""
        if word not in self.vocab:
            raise ValueError(f"the corpus has no word {word!r}")
        row: Array = self.vectors[self.vocab.index(word)]
        return row

    def similarity(self, a: str, b: str) -> float:
        """Return the cosine similarity of two words' vectors."""
        u, v = self.vector(a), self.vector(b)
        return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def embed(lines: Sequence[str], window: int = 3, dims: int = 5) -> Embedding:
    """Count co-occurrences within `window` words, weight them by positive PMI, keep `dims` SVD dimensions."""
    sentences = [line.lower().split() for line in lines]
    vocab = tuple(sorted({w for s in sentences for w in s}))
    index = {w: i for i, w in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)))
    for s in sentences:
        for i, w in enumerate(s):
            for c in s[max(0, i - window):i] + s[i + 1:i + 1 + window]:
                counts[index[w], index[c]] += 1
    total = counts.sum()
    row, col = counts.sum(axis=1, keepdims=True), counts.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore"):
        pmi = np.log(counts * total / (row * col))
    ppmi = np.where(counts > 0, np.maximum(pmi, 0.0), 0.0)
    u, singular, _ = np.linalg.svd(ppmi)
    vectors: Array = u[:, :dims] * np.sqrt(singular[:dims])
    return Embedding(vocab, vectors)


def project(vectors: Array) -> Array:
    """Return 2-D coordinates of the rows' directions by their first two principal components (signs fixed)."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    centred = unit - unit.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    xy: Array = centred @ vt[:2].T
    xy *= np.where(xy[np.abs(xy).argmax(axis=0), [0, 1]] < 0, -1.0, 1.0)  # the largest coordinate is positive
    return xy


PLACES = ((8.0, 0.0, "left"), (-8.0, 0.0, "right"), (0.0, 14.0, "center"), (0.0, -14.0, "center"),
          (8.0, 12.0, "left"), (8.0, -12.0, "left"), (-8.0, 12.0, "right"), (-8.0, -12.0, "right"))


def label_places(words: list[str], at: Array,
                 size: tuple[float, float] = (400.0, 290.0)) -> list[tuple[float, float, str]]:
    """Return an offset (points) and alignment for each word's label, greedily clear of the points and labels.

    `at` holds the points in axes fractions; `size` is the axes' size in points; a letter is taken as 7 points wide.
    """
    points = at * np.array(size)
    boxes: list[tuple[Array, Array]] = [(p, np.array([5.0, 5.0])) for p in points]  # (centre, half extent)
    out = []
    for word, p in zip(words, points, strict=True):
        half = np.array([3.5 * len(word), 8.0])
        best, best_gap = PLACES[0], -np.inf
        for dx, dy, ha in PLACES:
            centre = p + np.array([dx + {"left": half[0], "right": -half[0], "center": 0.0}[ha], dy])
            gap = min(float(np.max(np.abs(centre - c) - half - e)) for c, e in boxes)
            if gap > best_gap:
                best, best_gap = (dx, dy, ha), gap
        dx, dy, ha = best
        boxes.append((p + np.array([dx + {"left": half[0], "right": -half[0], "center": 0.0}[ha], dy]), half))
        out.append(best)
    return out


@drawer
def word_vectors(*, words: Sequence[str], window: int) -> Figure:
    """Compute PPMI-SVD word vectors from the shipped corpus and plot the chosen words in 2-D."""
    if not 3 <= len(words) <= 12 or len(set(words)) != len(words):
        raise ValueError(f"give 3 to 12 different words, got {list(words)}")
    if not 1 <= window <= 6:
        raise ValueError(f"window must be from 1 to 6, got {window}")
    emb = embed(corpus_lines(), window)
    xy = project(np.array([emb.vector(w) for w in words]))
    fig = new_figure(4.8, WIDTH)
    ax = fig.add_axes((0.04, 0.04, 0.92, 0.84))
    pad = 0.15 * float(np.ptp(xy, axis=0).max())
    lo, hi = xy.min(axis=0) - pad, xy.max(axis=0) + pad
    hi[0] += pad
    ax.plot(xy[:, 0], xy[:, 1], "o", color=ACCENT, ms=8)
    for w, (dx, dy, ha) in zip(words, label_places(list(words), (xy - lo) / (hi - lo)), strict=True):
        ax.annotate(w, xy[list(words).index(w)], xytext=(dx, dy), textcoords="offset points", fontsize=TEXT,
                    color=INK, ha=ha, va="center")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    tidy(ax, f"문장 {len(corpus_lines())}개, 앞뒤 {window}단어 동시 등장 → PPMI → SVD", grid=False)
    ax.text(0.99, 0.01, f"{emb.vectors.shape[1]}차원 벡터의 방향을 2차원으로 투영", transform=ax.transAxes, ha="right",
            va="bottom", fontsize=SMALL, color=INK)
    return fig
