"""Word vectors computed from the small corpus that ships with dlexport: co-occurrence, PPMI, SVD, 2-D plot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from matplotlib.figure import Figure

from dlexport.diagrams.kit import CARD, PHONE, SMALL, WIDTH, Array, Layout, tidy_for
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


def label_places(words: list[str], at: Array, size: tuple[float, float] = (400.0, 290.0),
                 scale: float = 1.0) -> list[tuple[float, float, str]]:
    """Return an offset (points) and alignment for each word's label, greedily clear of the points and labels.

    `at` holds the points in axes fractions; `size` is the axes' size in points; a letter is taken as 7 points
    wide, the offsets and boxes are for 12 pt labels and 8 pt markers, all times `scale`.
    """
    points = at * np.array(size)
    boxes: list[tuple[Array, Array]] = [(p, np.array([5.0, 5.0]) * scale) for p in points]  # (centre, half extent)
    places = [(dx * scale, dy * scale, ha) for dx, dy, ha in PLACES]
    out = []
    for word, p in zip(words, points, strict=True):
        half = np.array([3.5 * len(word), 8.0]) * scale
        best, best_gap = places[0], -np.inf
        for dx, dy, ha in places:
            centre = p + np.array([dx + {"left": half[0], "right": -half[0], "center": 0.0}[ha], dy])
            gap = min(float(np.max(np.abs(centre - c) - half - e)) for c, e in boxes)
            if gap > best_gap:
                best, best_gap = (dx, dy, ha), gap
        dx, dy, ha = best
        boxes.append((p + np.array([dx + {"left": half[0], "right": -half[0], "center": 0.0}[ha], dy]), half))
        out.append(best)
    return out


# Each layout's figure size (inches) and the plot's place in it (figure fractions).
WORD_PLACES = {
    "card": ((WIDTH, 4.8), (0.04, 0.04, 0.92, 0.84)),
    "slide": ((11.8, 4.3), (0.02, 0.02, 0.96, 0.86)),
    "phone": ((3.3, 5.2), (0.05, 0.02, 0.9, 0.86)),
}


@drawer
def word_vectors(*, words: Sequence[str], window: int, layout: Layout = CARD) -> Figure:
    """Compute PPMI-SVD word vectors from the shipped corpus and plot the chosen words in 2-D."""
    if not 3 <= len(words) <= 12 or len(set(words)) != len(words):
        raise ValueError(f"give 3 to 12 different words, got {list(words)}")
    if not 1 <= window <= 6:
        raise ValueError(f"window must be from 1 to 6, got {window}")
    emb = embed(corpus_lines(), window)
    xy = project(np.array([emb.vector(w) for w in words]))
    (width, height), rect = WORD_PLACES[layout.name]
    fig = new_figure(height, width)
    ax = fig.add_axes(rect)
    pad = 0.15 * float(np.ptp(xy, axis=0).max())
    lo, hi = xy.min(axis=0) - pad, xy.max(axis=0) + pad
    hi[0] += pad
    if layout is not CARD:  # room for a label left of the leftmost word too (larger words)
        lo[0] -= pad
    scale = layout.text / CARD.text
    ax.plot(xy[:, 0], xy[:, 1], "o", color=ACCENT, ms=8 * scale)
    size = (400.0, 290.0) if layout is CARD else (rect[2] * width * 72, rect[3] * height * 72)  # card: as it was
    for w, (dx, dy, ha) in zip(words, label_places(list(words), (xy - lo) / (hi - lo), size, scale), strict=True):
        ax.annotate(w, xy[list(words).index(w)], xytext=(dx, dy), textcoords="offset points", fontsize=layout.text,
                    color=INK, ha=ha, va="center")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    how = f"문장 {len(corpus_lines())}개, 앞뒤 {window}단어 동시 등장 → PPMI → SVD"
    projected = f"{emb.vectors.shape[1]}차원 벡터의 방향을 2차원으로 투영"
    if layout is not CARD:  # no corner note that larger words could run into: the title says it
        how = how.replace(" 동시", "\n동시") if layout is PHONE else f"{how}, {projected}"
    tidy_for(layout, ax, how, grid=False)
    if layout is CARD:
        ax.text(0.99, 0.01, projected, transform=ax.transAxes, ha="right", va="bottom", fontsize=SMALL, color=INK)
    return fig
