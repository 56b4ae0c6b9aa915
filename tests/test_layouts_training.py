"""Slide and phone layouts of the training, image, activation and learned-feature kinds, with the real figures'
parameters (tests/test_layouts.py draws each kind's defaults only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlexport import diagrams, legibility
from dlexport.diagrams import learned
from dlexport.model import Asset
from dlexport.render import Image, render_image

from .test_diagrams_computed import GIVEAWAYS

KINDS = ("optimizer_paths", "fitting", "early_stopping", "learning_rates", "activation_functions",
         "convolution_pooling", "conv_grid", "augmentation", "autoencoder_features")
# What the real sources draw besides the defaults, and the edges of what the layouts arrange differently.
VARIANTS: list[tuple[str, dict[str, object]]] = [
    ("activation_functions", {"functions": ["sigmoid", "tanh", "relu", "leaky_relu"], "derivatives": False}),
    ("activation_functions", {"functions": ["sigmoid", "tanh"], "derivatives": True}),
    ("activation_functions", {"functions": ["sigmoid", "tanh", "relu", "softplus", "leaky_relu"], "x_min": -10.0,
                              "x_max": 3.0, "derivatives": True}),
    ("learning_rates", {"rates": [0.05, 0.3, 0.9, 1.05]}),
    ("learning_rates", {"rates": [0.5]}),
    ("conv_grid", {"input_size": 9, "kernel": 5, "stride": 1, "padding": 2}),
    ("optimizer_paths", {"named": False}),
]


def draw(kind: str, params: dict[str, object], layout: str, hide: tuple[str, ...] = ()) -> Image:
    """Draw `kind` with its defaults overridden by `params` in `layout`."""
    k = diagrams.KINDS[kind]
    return render_image(kind, diagrams.arguments(k, {**k.defaults, **params}, Path("sources")), hide, layout)


def test_each_kind_draws_for_a_slide_and_a_phone() -> None:
    for kind in KINDS:
        assert diagrams.KINDS[kind].layouts == ("slide", "phone"), kind


@pytest.mark.parametrize("layout", ["slide", "phone"])
@pytest.mark.parametrize(("kind", "params"), VARIANTS)
def test_a_variant_is_legible_where_it_is_shown(kind: str, params: dict[str, object], layout: str) -> None:
    image = draw(kind, params, layout)
    asset = Asset(Path("x.png"), image.width, image.height, "", "", image.texts)
    assert legibility.problem(asset, layout) == ""
    assert legibility.overlaps(image.texts) == []


@pytest.mark.parametrize("kind", ["optimizer_paths", "fitting", "early_stopping", "activation_functions"])
def test_a_slide_keeps_every_askable_label_of_the_card(kind: str) -> None:
    params: dict[str, object] = {"derivatives": False} if kind == "activation_functions" else {}
    card, slide = draw(kind, params, "card"), draw(kind, params, "slide")
    labels = {t.label for t in card.texts if t.label}
    assert labels and {t.label for t in slide.texts if t.label} == labels


def test_a_phone_quiz_hides_the_legend_names() -> None:
    names = ("gradient_descent", "momentum", "rmsprop", "adam")
    texts = draw("optimizer_paths", {}, "phone", names).texts
    assert [t.text for t in texts if t.label in names] == ["?"] * 4
    assert not any("Adam" in t.text or "모멘텀" in t.text for t in texts)


@pytest.mark.parametrize("layout", ["slide", "phone"])
@pytest.mark.parametrize("kind", sorted(set(KINDS) & set(GIVEAWAYS)))
def test_a_layout_does_not_name_its_term(kind: str, layout: str) -> None:
    words = " ".join(t.text for t in draw(kind, {}, layout).texts).lower()
    assert words.strip()
    for name in GIVEAWAYS[kind]:
        assert name not in words, (kind, layout, name)


def test_a_figures_layouts_share_one_training() -> None:
    learned._features.cache_clear()
    params: dict[str, object] = {"epochs": 2, "hidden": 16}
    drawings = [draw("autoencoder_features", params, layout) for layout in ("card", "slide", "phone")]
    assert learned._features.cache_info().misses == 1
    assert drawings[0].png == draw("autoencoder_features", params, "card").png
    assert any("16개" in t.text for t in drawings[2].texts)  # the phone shows the filters
