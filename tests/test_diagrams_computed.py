"""Tests for the computed diagram kinds: each draws legibly and deterministically, and its computed claim holds."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from dlexport.diagrams import KINDS, arguments, sample_folder
from dlexport.diagrams import classic as cl
from dlexport.diagrams import deepnets as dn
from dlexport.diagrams import images as im
from dlexport.diagrams import training as tr
from dlexport.diagrams import words as wv
from dlexport.diagrams.kit import MAX_HEIGHT, WIDTH, softmax
from dlexport.diagrams.learned import sample_rgb
from dlexport.diagrams.style import DPI, to_png
from dlexport.render import png_size

from .conftest import drawn_with_defaults

COMPUTED = ["optimizer_paths", "learning_rates", "fitting", "early_stopping", "init_statistics",
            "batchnorm_statistics", "residual_gradients", "perceptron_xor", "softmax_temperature", "loss_curves",
            "attention_weights", "gradient_clipping", "convolution_pooling", "conv_grid", "augmentation",
            "word_vectors", "autoencoder_features"]
CARD = 760  # px: the width a desktop card shows a figure at
LETTER = 0.75  # a Hangul syllable or a capital is at least this fraction of the font size


def draw(kind: str, **params: object) -> Figure:
    """Draw `kind` with its defaults overridden by `params`."""
    module, _, name = KINDS[kind].drawer.partition(":")
    fn: Callable[..., Figure] = getattr(importlib.import_module(module), name)
    return fn(**arguments(KINDS[kind], params, Path(".")))


def texts(fig: Figure) -> list[Text]:
    """Return every visible, non-empty text the figure draws (tick labels included)."""
    fig.draw_without_rendering()  # creates the tick labels
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("kind", COMPUTED)
def test_draws_legibly_within_bounds_and_reproducibly(kind: str) -> None:
    fig = draw(kind)
    data = to_png(fig)
    assert data == drawn_with_defaults(kind)  # a second, separate drawing
    width, height = png_size(data)
    assert height <= MAX_HEIGHT / WIDTH * width * 1.02, (width, height)
    labels = texts(fig)
    assert labels
    for t in labels:
        letters = t.get_fontsize() / 72 * DPI * CARD / width * LETTER
        assert letters >= 14, (t.get_text(), t.get_fontsize(), width)


def test_adam_and_friends_reach_the_minimum() -> None:
    for name in tr.OPTIMIZERS:
        end = tr.optimizer_path(name, 40)[-1]
        assert float(tr.bowl_loss(end[0], end[1])) < 0.05, name
    gd = tr.optimizer_path("gd", 10)
    assert np.sign(gd[1:, 1]).tolist()[:4] == [1, -1, 1, -1]  # it zig-zags across the steep direction
    momentum, plain = tr.optimizer_path("momentum", 40)[-1], tr.optimizer_path("gd", 40)[-1]
    assert np.linalg.norm(momentum) < np.linalg.norm(plain)
    with pytest.raises(ValueError, match="unknown optimizer"):
        tr.optimizer_path("lbfgs", 3)


def test_unnamed_legend_hides_the_optimizer_names() -> None:
    words = " ".join(t.get_text() for t in texts(draw("optimizer_paths", named=False)))
    assert "Adam" not in words and "모멘텀" not in words and "A" in words


def test_learning_rate_panels_say_what_happens() -> None:
    titles = [ax.get_title() for ax in draw("learning_rates").axes]
    assert titles == ["$\\eta$ = 0.05: 수렴", "$\\eta$ = 0.3: 수렴", "$\\eta$ = 1.05: 발산"]
    with pytest.raises(ValueError, match="one to four"):
        draw("learning_rates", rates=[])


def test_fitting_errors_show_under_and_overfitting() -> None:
    fits = tr.fit_errors(12, 0.25, 0, 9)
    assert all(a >= b - 1e-12 for a, b in zip(fits.train, fits.train[1:], strict=False))
    best = int(np.argmin(fits.val))
    assert 2 <= best <= 6
    assert fits.val[9] > 2 * fits.val[best] and fits.val[1] > 1.5 * fits.val[best]
    with pytest.raises(ValueError, match="three degrees"):
        draw("fitting", degrees=[1, 3, 12])


def test_early_stopping_point_is_the_validation_minimum() -> None:
    curves = tr.early_stopping_curves(300, 0)
    assert 5 < curves.best < 150
    assert curves.val[-1] > 1.2 * curves.val[curves.best - 1]
    assert curves.train[-1] < 0.5 * curves.train[curves.best - 1] < curves.train[0]
    assert curves.best == tr.early_stopping_curves(300, 0).best


def test_he_keeps_the_spread_where_small_random_weights_collapse() -> None:
    def spread(scheme: str, activation: str = "relu") -> list[float]:
        return [float(h.std()) for h in dn.forward(scheme, activation, 10, 256, 0)[1]]

    he, xavier, small = spread("he"), spread("xavier"), spread("small")
    assert 0.5 < he[-1] / he[0] < 2
    assert xavier[-1] / xavier[0] < 0.1
    assert small[-1] < 1e-6 * small[0]
    assert spread("xavier", "tanh")[-1] > 0.2 and spread("small", "tanh")[-1] < 1e-6  # tanh: Xavier keeps it
    with pytest.raises(ValueError, match="unknown activation"):
        dn.forward("he", "gelu", 3, 8, 0)


def test_batch_normalisation_restores_unit_spread_in_every_layer() -> None:
    raw = dn.forward("small", "tanh", 10, 256, 0)[0]
    normed = dn.forward("small", "tanh", 10, 256, 0, normalize=True)[0]
    assert raw[-1].std() < 1e-6
    for z in normed:
        assert abs(float(z.std()) - 1) < 0.01 and abs(float(z.mean())) < 0.01


def test_skip_connections_keep_the_gradient_at_the_input_side() -> None:
    plain = dn.gradient_norms(20, 64, False, 0)
    skip = dn.gradient_norms(20, 64, True, 0)
    assert skip[0] > 1e6 * plain[0]
    assert plain[0] < 1e-6 * plain[-1]  # the plain net's gradient vanishes toward the input
    assert skip[0] > 0.01 * skip[-1]


def test_perceptron_learns_and_or_but_not_xor_which_an_mlp_learns() -> None:
    def accuracy(w: np.ndarray, b: float, targets: np.ndarray) -> float:
        return float(((cl.INPUTS @ w + b > 0) == targets).mean())

    for gate in ("AND", "OR"):
        assert accuracy(*cl.perceptron(cl.GATES[gate], 20), cl.GATES[gate]) == 1.0
    for epochs in (5, 20, 300):
        assert accuracy(*cl.perceptron(cl.GATES["XOR"], epochs), cl.GATES["XOR"]) < 1.0
    for seed in range(1, 6):
        mlp = cl.train_mlp(cl.GATES["XOR"], 4, seed)
        assert ((mlp(cl.INPUTS) > 0.5) == cl.GATES["XOR"]).all(), seed
    titles = [ax.get_title() for ax in draw("perceptron_xor").axes]
    assert titles[2].endswith("2/4 맞춤") and titles[3].endswith("4/4 맞춤")


def test_temperature_flattens_or_sharpens_the_softmax() -> None:
    z = np.array([2.0, 1.0, 0.5, -1.0])
    cold, warm = softmax(z / 0.5), softmax(z / 4.0)
    assert cold.sum() == pytest.approx(1) and warm.sum() == pytest.approx(1)
    assert cold[0] > softmax(z)[0] > warm[0] > 0.25
    assert np.ptp(warm) < np.ptp(cold)


def test_cross_entropy_gradient_grows_where_squared_error_fades() -> None:
    bars = [p for p in draw("loss_curves").axes[1].get_lines()]
    x, mse = bars[0].get_data()
    _, ce = bars[1].get_data()
    wrong = np.asarray(x) < 0.05
    assert (np.asarray(ce)[wrong] > 0.9).all() and (np.asarray(mse)[wrong] < 0.1).all()


def test_attention_rows_are_distributions_aligned_with_the_translation() -> None:
    q, k = np.array(list(cl.QUERIES.values())), np.array(list(cl.KEYS.values()))
    weights = cl.attention(q, k)
    assert weights.sum(axis=1) == pytest.approx(np.ones(3))
    keys = list(cl.KEYS)
    assert [keys[int(i)] for i in weights.argmax(axis=1)] == ["I", "school", "go"]
    assert cl.attention(q, k, scaled=False).max() > weights.max()  # without 1/sqrt(d) it is sharper


def test_clipping_bounds_the_norm_and_keeps_the_direction() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        g = rng.normal(0, 5, 3)
        c = cl.clip(g, 1.0)
        assert np.linalg.norm(c) <= 1.0 + 1e-12
        assert np.allclose(c / np.linalg.norm(c), g / np.linalg.norm(g))
    small = np.array([0.3, 0.4])
    assert np.array_equal(cl.clip(small, 1.0), small)
    assert cl.rnn_gradient_norms(30, 1.3, 0).max() > 50


def test_convolution_finds_edges_and_pooling_halves_the_map() -> None:
    step = np.zeros((6, 8))
    step[:, 4:] = 1.0
    feature = im.convolve(step, im.KERNELS["vertical"])
    assert feature.shape == (4, 6)
    assert np.abs(feature[:, [0, 5]]).max() == 0 and np.abs(feature[:, 2:4]).min() == 4  # only at the edge
    assert im.max_pool(np.arange(16.0).reshape(4, 4), 2).tolist() == [[5.0, 7.0], [13.0, 15.0]]
    assert im.convolve(np.ones((5, 5)), np.ones((3, 3)), stride=2, padding=1).shape == (3, 3)
    titles = [ax.get_title() for ax in draw("convolution_pooling").axes]
    assert titles[2] == "(c) 특징 맵 101×118" and titles[3] == "(d) 2×2 최댓값 50×59"


@pytest.mark.parametrize(("n", "f", "s", "p"), [(5, 3, 2, 1), (7, 3, 1, 0), (6, 2, 2, 0), (9, 5, 3, 2)])
def test_conv_grid_output_size_matches_a_real_convolution(n: int, f: int, s: int, p: int) -> None:
    assert im.output_size(n, f, s, p) == im.convolve(np.zeros((n, n)), np.zeros((f, f)), s, p).shape[0]
    with pytest.raises(ValueError, match="does not fit"):
        im.output_size(2, 5, 1, 0)


def test_augmentations_are_seeded_and_change_the_picture() -> None:
    rgb = sample_rgb(str(sample_folder() / "grace_hopper.jpg"))[::8, ::8]
    first, again = im.augment(rgb, 0), im.augment(rgb, 0)
    assert [n for n, _ in first] == [n for n, _ in again]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(first, again, strict=True))
    assert not np.array_equal(im.augment(rgb, 1)[2][1], first[2][1])
    for _, picture in first[1:]:
        assert picture.shape != rgb.shape or not np.allclose(picture, rgb)
        assert picture.min() >= 0.0 and picture.max() <= 1.0
    assert np.array_equal(im.rotate(rgb, 0.0), rgb)


def test_ppmi_svd_puts_related_words_nearer_than_unrelated_ones() -> None:
    emb = wv.embed(wv.corpus_lines())
    for a, near, far in [("cat", "dog", "car"), ("king", "queen", "banana"), ("seoul", "paris", "kitten"),
                         ("apple", "banana", "train")]:
        assert emb.similarity(a, near) > emb.similarity(a, far) + 0.3, (a, near, far)
    assert 200 <= len(wv.corpus_lines()) <= 1000
    with pytest.raises(ValueError, match="no word"):
        draw("word_vectors", words=["king", "queen", "zebra"])


def test_word_labels_do_not_overlap() -> None:
    fig = draw("word_vectors")
    fig.draw_without_rendering()
    words = [t for t in fig.axes[0].texts if t.get_text() in KINDS["word_vectors"].defaults["words"]]  # type: ignore[operator]
    assert len(words) == 12
    boxes = [t.get_window_extent() for t in words]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


# What each computed figure must not say: the names of the term it is drawn for (FIGURES-FOR-TERMS.yaml).
GIVEAWAYS = {
    "optimizer_paths": ("옵티마이저", "최적화", "optimizer"),
    "learning_rates": ("경사 하강", "gradient descent"),
    "fitting": ("과적합", "과대적합", "과소적합", "overfit"),
    "early_stopping": ("규제", "조기 종료", "early stop", "regulari"),
    "init_statistics": ("초기화", "initiali"),
    "batchnorm_statistics": ("배치 정규화", "정규화", "batch norm"),
    "softmax_temperature": ("소프트맥스", "softmax"),
    "loss_curves": ("손실 함수", "loss function", "비용 함수"),
    "perceptron_xor": ("퍼셉트론", "perceptron"),
    "conv_grid": ("합성곱", "컨볼루션", "convolution"),
    "convolution_pooling": ("풀링", "pooling"),
    "residual_gradients": ("잔차", "resnet", "residual"),
    "attention_weights": ("어텐션", "attention", "주의 집중"),
    "word_vectors": ("임베딩", "embedding", "단어 벡터"),
    "augmentation": ("증강", "augment"),
    "gradient_clipping": ("기울기 폭발", "폭발", "exploding"),
}


@pytest.mark.parametrize("kind", sorted(GIVEAWAYS))
def test_figure_does_not_name_its_term(kind: str) -> None:
    words = " ".join(t.get_text() for t in texts(draw(kind))).lower()
    assert words.strip()
    for name in GIVEAWAYS[kind]:
        assert name not in words, (kind, name)


def test_every_computed_kind_is_checked_for_giveaways() -> None:
    assert set(GIVEAWAYS) == set(COMPUTED) - {"autoencoder_features"}
