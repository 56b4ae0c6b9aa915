"""Tests for the hand-laid architecture kinds: each draws legibly, deterministically, and never names its term."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

from dlexport import legibility
from dlexport.diagrams import KINDS, arguments, generative, sequences, sketch, transformer
from dlexport.diagrams.style import ACCENT, DPI, to_png
from dlexport.model import Asset, Glossary
from dlexport.render import png_size, render_image

from .conftest import drawn_with_defaults

# kind -> the term it illustrates, and words of that term's names that would give the answer away
TERMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "gru_cell": ("gru", ("게이트 순환",)),
    "dbn": ("dbn", ("신뢰", "belief")),
    "bptt": ("bptt", ("시간 역전파", "through time")),
    "bidirectional_rnn": ("bidirectional-rnn", ("양방향", "bidirectional")),
    "seq2seq": ("seq2seq", ("시퀀스-투-시퀀스", "sequence-to-sequence", "sequence to sequence")),
    "transformer_block": ("transformer", ("트랜스포머", "transformer")),
    "vae": ("vae", ("변분", "variational")),
    "gan": ("gan", ("적대", "adversarial")),
    "denoising_autoencoder": ("denoising-sparse-autoencoder", ("디노이징", "denoising", "희소", "sparse")),
}
VARIANTS: list[tuple[str, dict[str, object]]] = [
    *((kind, {}) for kind in TERMS),
    ("transformer_block", {"decoder": True}),
    ("denoising_autoencoder", {"corruption": "gaussian", "rate": 0.3}),
    ("bptt", {"steps": 6}),
    ("bidirectional_rnn", {"steps": 2}),
    ("dbn", {"layers": [9, 7, 5, 3, 2]}),
    ("seq2seq", {"source": ["A", "B", "C"], "target": ["W", "X", "Y", "Z"]}),
]
CARD = 760  # px: the width a desktop card shows a figure at
LETTER = 0.75  # a Hangul syllable or a capital is at least this fraction of the font size
MAX_RATIO = 0.9  # height / width: the figure fits a 1280×800 card window without scrolling


def draw(kind: str, **params: object) -> Figure:
    """Draw `kind` with its defaults overridden by `params`."""
    module, _, name = KINDS[kind].drawer.partition(":")
    fn: Callable[..., Figure] = getattr(importlib.import_module(module), name)
    return fn(**arguments(KINDS[kind], params, Path(".")))


def texts(fig: Figure) -> list[Text]:
    """Return every visible, non-empty text the figure draws: its own and every axes' (ticks included)."""
    fig.draw_without_rendering()
    found = [*fig.texts, *(t for ax in fig.axes for t in ax.texts), *fig.findobj(Text)]
    return [t for t in dict.fromkeys(found) if t.get_visible() and t.get_text().strip()]


def test_every_architecture_kind_is_registered_in_its_module() -> None:
    modules = {"sequences": sequences, "transformer": transformer, "generative": generative}
    for kind in TERMS:
        module, _, name = KINDS[kind].drawer.removeprefix("dlexport.diagrams.").partition(":")
        assert name == kind and kind in modules[module].__all__


@pytest.mark.parametrize(("kind", "params"), VARIANTS, ids=lambda v: str(v) if isinstance(v, str) else "")
def test_draws_legibly_within_the_card_and_reproducibly(kind: str, params: dict[str, object]) -> None:
    fig = draw(kind, **params)
    data = to_png(fig)
    assert data == (to_png(draw(kind, **params)) if params else drawn_with_defaults(kind))  # a separate drawing
    width, height = png_size(data)
    assert 800 <= width <= 1300 and height <= MAX_RATIO * width, (width, height)
    labels = texts(fig)
    assert len(labels) >= 5
    for t in labels:
        letters = float(t.get_fontsize()) / 72 * DPI * CARD / width * LETTER
        assert letters >= 14, (t.get_text(), t.get_fontsize(), width)


@pytest.mark.parametrize("layout", ["slide", "phone"])
@pytest.mark.parametrize(("kind", "params"), VARIANTS, ids=lambda v: str(v) if isinstance(v, str) else "")
def test_each_variant_draws_legible_slide_and_phone_layouts(kind: str, params: dict[str, object], layout: str,
                                                            seed_glossary: Glossary) -> None:
    args = arguments(KINDS[kind], params, Path("."))
    image = render_image(kind, args, layout=layout)
    asset = Asset(Path("x.png"), image.width, image.height, "", "", image.texts)
    assert legibility.problem(asset, layout) == ""
    assert legibility.overlaps(image.texts) == []
    words = _forbidden(seed_glossary, kind)
    assert not [t.text for t in image.texts if any(w in t.text.lower() for w in words)]
    assert image.png == render_image(kind, args, layout=layout).png  # as reproducible as the card
    card = {t.label for t in render_image(kind, args).texts if t.label}
    laid_out = {t.label for t in image.texts if t.label}
    assert laid_out <= card  # a quiz hides a layout's labels by the card's names
    if layout == "slide":
        assert laid_out == card  # a slide shows the figure whole
    else:
        assert len(laid_out) >= 3  # what is left still names the parts a learner must recognise


def _forbidden(glossary: Glossary, kind: str) -> list[str]:
    term_id, words = TERMS[kind]
    term = next(t for t in glossary.terms if t.id == term_id)
    return [w.lower() for w in (term.ko, term.en, term.abbr, *words) if w]


@pytest.mark.parametrize(("kind", "params"), VARIANTS, ids=lambda v: str(v) if isinstance(v, str) else "")
def test_no_label_names_the_term(kind: str, params: dict[str, object], seed_glossary: Glossary) -> None:
    words = _forbidden(seed_glossary, kind)
    assert len(words) >= 3
    for t in texts(draw(kind, **params)):
        label = t.get_text().lower()
        assert not any(w in label for w in words), (kind, label)


def test_the_sources_figures_use_these_kinds_without_naming_their_terms(seed_glossary: Glossary) -> None:
    used = {kind: term for kind, (term, _) in TERMS.items()}
    seen = set()
    for fig in seed_glossary.figures():
        if fig.kind in TERMS:
            assert fig.term_id == used[fig.kind], fig.id
            words = _forbidden(seed_glossary, fig.kind)
            for t in texts(draw(fig.kind, **fig.params)):
                assert not any(w in t.get_text().lower() for w in words), (fig.id, t.get_text())
            seen.add(fig.kind)
    assert seen == set(TERMS)


def test_labels_name_the_parts() -> None:
    def words(kind: str, **params: object) -> str:
        return " ".join(t.get_text() for t in texts(draw(kind, **params)))

    assert "리셋 게이트" in words("gru_cell") and "업데이트 게이트" in words("gru_cell")
    assert "생성자" in words("gan") and "판별자" in words("gan")
    assert "인코더–디코더 어텐션" in words("transformer_block", decoder=True)
    assert "인코더–디코더 어텐션" not in words("transformer_block")
    assert "일부를 0으로" in words("denoising_autoencoder")
    assert "잡음을 더함" in words("denoising_autoencoder", corruption="gaussian")
    assert words("seq2seq").count("student") == 2  # emitted, then fed back as the next input


def test_seq2seq_ends_with_eos_and_refuses_unreadable_lengths() -> None:
    labels = [t.get_text() for t in draw("seq2seq", source=["a"], target=["x", "y"]).axes[0].texts]
    assert labels.count("<EOS>") == 1 and "<시작>" in labels
    with pytest.raises(ValueError, match="at most 7"):
        draw("seq2seq", source=["a", "b", "c", "d"], target=["w", "x", "y", "z"])
    with pytest.raises(ValueError, match="1 to 5 target"):
        draw("seq2seq", target=[])


def _red_arrows(fig: Figure) -> int:
    return sum(1 for p in fig.axes[0].patches
               if isinstance(p, FancyArrowPatch) and to_hex(p.get_edgecolor()) == sketch.RED)


@pytest.mark.parametrize("steps", [2, 4, 6])
def test_bptt_gradient_path_reaches_every_time_step(steps: int) -> None:
    # per step: loss -> output -> hidden; between steps: hidden t -> hidden t-1
    assert _red_arrows(draw("bptt", steps=steps)) == 2 * steps + steps - 1


def test_bidirectional_layers_run_opposite_ways() -> None:
    def shift(color: str) -> list[float]:
        """Return how far right each arrow of `color` runs (its shaft is a 3-point curve)."""
        out = []
        for p in draw("bidirectional_rnn", steps=3).axes[0].patches:
            if isinstance(p, FancyArrowPatch) and to_hex(p.get_edgecolor()) == color:
                xs = np.asarray(p.get_path().vertices, dtype=float)[:, 0]
                out.append(float(xs[2] - xs[0]))
        return out

    assert sum(dx < -1.0 for dx in shift(sketch.RED)) == 2  # the backward layer's arrows, from t+1 to t
    assert sum(dx > 1.0 for dx in shift(ACCENT)) == 2  # the forward layer's, from t to t+1
    assert not any(dx > 1.0 for dx in shift(sketch.RED)) and not any(dx < -1.0 for dx in shift(ACCENT))
    with pytest.raises(ValueError, match="steps must be 2 to 6"):
        draw("bidirectional_rnn", steps=7)


def test_dbn_layer_count_is_bounded() -> None:
    assert len(draw("dbn", layers=[4, 3, 2]).axes) == 1
    for bad in ([4, 3], [4, 3, 2, 2, 2, 2], [4, 0, 2]):
        with pytest.raises(ValueError, match="3 to 5 positive"):
            draw("dbn", layers=bad)


def test_corruption_is_seeded_and_does_what_it_says() -> None:
    clean = generative.blob_images(1, 12, 0.0, 0)[0]
    masked = generative.corrupt(clean, "mask", 0.4, 0)
    assert np.array_equal(masked, generative.corrupt(clean, "mask", 0.4, 0))
    changed = masked != clean
    assert (masked[changed] == 0).all() and changed.any()
    zeroed = float(np.mean(generative.corrupt(np.ones((50, 50)), "mask", 0.4, 0) == 0))
    assert 0.35 < zeroed < 0.45
    noisy = generative.corrupt(clean, "gaussian", 0.3, 0)
    assert noisy.min() >= 0.0 and noisy.max() <= 1.0 and not np.allclose(noisy, clean)
    with pytest.raises(ValueError, match="unknown corruption"):
        generative.corrupt(clean, "blur", 0.3, 0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        draw("denoising_autoencoder", rate=1.5)


def test_gan_fake_samples_are_noisier_than_the_real_ones() -> None:
    pictures = [np.asarray(im.get_array()) for im in draw("gan").axes[0].images]
    assert len(pictures) == 6
    fake, real = pictures[:3], pictures[3:]
    roughness = [float(np.abs(np.diff(p, axis=1)).mean()) for p in fake + real]
    assert min(roughness[:3]) > max(roughness[3:])
