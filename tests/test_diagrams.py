"""Tests for the diagram kinds: each draws, with Hangul, deterministically, from computed values."""

from __future__ import annotations

import importlib
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from dlexport.diagrams import KINDS, arguments, sample_folder
from dlexport.diagrams.blocks import feature_map_sizes
from dlexport.diagrams.learned import load_grey, localisation, sample_patches, train_autoencoder
from dlexport.diagrams.networks import dropped_units
from dlexport.diagrams.plots import formula
from dlexport.diagrams.recurrent import gradient_magnitudes
from dlexport.diagrams.style import draw, to_png
from dlexport.model import Asset, Glossary
from dlexport.render import png_size

from .conftest import defaults_drawing, drawn_with_defaults


def drawer(kind: str) -> Callable[..., Figure]:
    """Return the drawing function registered for `kind`."""
    module, _, name = KINDS[kind].drawer.partition(":")
    fn: Callable[..., Figure] = getattr(importlib.import_module(module), name)
    return fn


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an absolute path to a small PNG for the `image` kind."""
    path = tmp_path_factory.mktemp("img") / "그림.png"
    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [1, 0])
    fig.savefig(path, dpi=50, metadata={"Software": None})
    return path


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_with_its_defaults_and_marks_exactly_its_labels(kind: str, picture: Path) -> None:
    """The askable labels a kind draws with its defaults are its declared `Kind.labels` (the names cards and
    `hide:` refer to), and no two of them overlap: each can be covered without covering another."""
    if kind == "image":
        drawing = draw(drawer(kind)(**arguments(KINDS[kind], {"path": picture.name}, picture.parent)))
    else:
        drawing = defaults_drawing(kind)  # drawn again and compared in the kinds' own tests
    width, height = png_size(drawing.png)
    assert 100 < width <= 1700 and 50 < height <= 1700
    boxes = Asset(picture, width, height, "", "", drawing.texts).labels()
    assert sorted(boxes) == sorted(KINDS[kind].labels)
    assert len(set(KINDS[kind].labels)) == len(KINDS[kind].labels)
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name) for name in boxes), list(boxes)
    crossing = [(a, b) for a, b in itertools.combinations(boxes, 2) if _overlap(boxes[a], boxes[b])]
    assert not crossing, crossing


def test_kinds_that_name_their_parts_mark_them() -> None:
    named = {"cnn", "autoencoder", "rnn", "rbm", "feedforward", "dropout", "gru_cell", "dbn", "bptt",
             "bidirectional_rnn", "seq2seq", "transformer_block", "vae", "gan", "denoising_autoencoder", "lstm_cell"}
    assert all(len(KINDS[k].labels) >= 2 for k in named), [k for k in named if len(KINDS[k].labels) < 2]


def test_every_seed_figure_renders(seed_glossary: Glossary) -> None:
    figures = list(seed_glossary.figures())
    assert len(figures) >= 9
    assert {f.kind for f in figures} >= {"activation_functions", "gradient_flow", "dropout", "autoencoder",
                                         "autoencoder_features", "cnn", "rnn", "lstm_cell", "rbm"}
    for fig in figures:
        assert fig.kind != "image"  # would need base_dir resolution (tested in test_render)
        width, _ = png_size(to_png(drawer(fig.kind)(**arguments(KINDS[fig.kind], fig.params, fig.base_dir))))
        assert width <= 1700, fig.id


def test_hangul_with_the_default_font_is_a_missing_glyph_error() -> None:
    fig = Figure()
    fig.text(0.5, 0.5, "입력층")
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}), \
            pytest.raises(UserWarning, match="missing from font"):
        fig.savefig(Path("/dev/null"), format="png")


def test_two_renders_are_byte_identical() -> None:
    for kind in ("dropout", "activation_functions", "lstm_cell"):
        assert to_png(drawer(kind)(**KINDS[kind].defaults)) == drawn_with_defaults(kind)


def test_gradient_shrinks_with_distance_for_sigmoid() -> None:
    grads = gradient_magnitudes(7, 1.0, "sigmoid", 0.5)
    assert all(a > b for a, b in itertools.pairwise(grads))
    s = 1 / (1 + np.exp(-0.5))
    assert grads[2] == pytest.approx((s * (1 - s)) ** 3)
    assert grads[-1] / grads[0] < 1e-3


def test_gradient_is_kept_by_relu_and_by_a_compensating_weight() -> None:
    assert gradient_magnitudes(5, 1.0, "relu", 0.5) == [1.0] * 5
    assert gradient_magnitudes(4, 4.0, "sigmoid", 0.0) == pytest.approx([0.25, 0.25, 0.25, 0.25])
    with pytest.raises(ValueError, match="unknown activation"):
        gradient_magnitudes(3, 1.0, "swish", 0.0)


def test_dropout_is_seeded_and_removes_the_dropped_units_edges() -> None:
    layers = [4, 6, 6, 2]
    dropped = dropped_units(layers, 0.5, 3)
    assert dropped == dropped_units(layers, 0.5, 3)
    assert dropped != dropped_units(layers, 0.5, 4)
    assert dropped_units(layers, 0.0, 3) == set()
    assert not any(i == len(layers) - 1 for i, _ in dropped)
    kept = [n - sum(1 for i, _ in dropped if i == k) for k, n in enumerate(layers)]
    fig = drawer("dropout")(layers=layers, rate=0.5, seed=3)
    collections = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    full = sum(a * b for a, b in itertools.pairwise(layers))
    thinned = sum(a * b for a, b in itertools.pairwise(kept))
    assert sorted(len(c.get_segments()) for c in collections) == sorted([full, thinned])
    assert thinned < full


def test_autoencoder_needs_equal_input_and_output() -> None:
    with pytest.raises(ValueError, match="same size"):
        drawer("autoencoder")(layers=[8, 3, 6])


def test_cnn_sizes_are_computed() -> None:
    assert feature_map_sizes(32, [6, 16], 5, 2) == [
        ("입력", 1, 32), ("합성곱", 6, 28), ("풀링", 6, 14), ("합성곱", 16, 10), ("풀링", 16, 5)]
    with pytest.raises(ValueError, match="does not fit"):
        feature_map_sizes(8, [6, 16], 5, 2)


def test_autoencoder_training_reduces_reconstruction_loss() -> None:
    x = sample_patches(load_grey(str(sample_folder() / "grace_hopper.jpg"))[::2, ::2], 6, 1500, seed=1)
    trained = train_autoencoder(x, 16, 8, seed=1)
    assert trained.weights.shape == (16, 36)
    assert trained.losses[-1] < 0.9 * trained.losses[0]
    again = train_autoencoder(x, 16, 8, seed=1)
    assert np.array_equal(again.weights, trained.weights)


def test_bad_formula_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="mathtext"):
        formula(r"\begin{cases} x \end{cases}")


def test_autoencoder_filters_are_localised_edge_detectors() -> None:
    # The criterion: a filter is localised when one quarter-size window holds > 60% of its energy. Random
    # weights almost never are (< 1%); edge and blob detectors are.
    rng = np.random.default_rng(0)
    assert (localisation(rng.normal(size=(1000, 64)), 8) > 0.6).mean() < 0.01
    grey = load_grey(str(sample_folder() / "grace_hopper.jpg"))[::2, ::2]
    for seed in (0, 1):
        trained = train_autoencoder(sample_patches(grey, 8, 6000, seed), 36, 20, seed)
        local = localisation(trained.weights, 8)
        assert (local > 0.6).mean() >= 2 / 3, seed
        assert local.mean() > 0.65


@pytest.mark.parametrize("seed", range(12))
def test_dropout_keeps_two_units_in_every_layer(seed: int) -> None:
    layers = [4, 6, 6, 2]
    for rate in (0.5, 0.8, 0.95):
        dropped = dropped_units(layers, rate, seed)
        for k, n in enumerate(layers):
            assert n - sum(1 for i, _ in dropped if i == k) >= 2
    assert dropped_units([1, 1, 1], 0.9, seed) == set()


def test_gradient_shading_fades_visibly_over_the_whole_sequence() -> None:
    fig = drawer("gradient_flow")(steps=7, weight=1.0, activation="sigmoid", pre_activation=0.5)
    hidden = sorted((c.center[0], c.get_facecolor()) for c in fig.axes[0].patches
                    if isinstance(c, Circle) and c.center[1] == 2.0)
    grey = [float(np.mean(to_rgb(face))) for _, face in hidden]
    assert len(grey) == 7
    steps = np.diff(grey)
    assert (steps > 0.05).all(), grey  # every step is a visibly lighter shade than the one before
    assert grey[0] < 0.1 and grey[-1] > 0.9
