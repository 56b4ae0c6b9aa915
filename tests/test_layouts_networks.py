"""The network kinds' slide and phone layouts beyond their defaults: other parameters, their limits, what they keep."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlexport import diagrams, legibility
from dlexport.model import Asset
from dlexport.render import Image, render_image

DPI = legibility.IMAGE_DPI
CASES: list[tuple[str, dict[str, object]]] = [
    ("feedforward", {"layers": [3, 1]}),  # a perceptron: no hidden layer
    ("feedforward", {"layers": [2, 12, 12, 3]}),  # layers taller than MAX_NODES
    ("autoencoder", {"layers": [20, 12, 6, 12, 20]}),
    ("autoencoder", {"layers": [4, 2, 4]}),
    ("dropout", {"layers": [3, 12, 2], "rate": 0.3, "seed": 1}),
    ("rnn", {"steps": 3, "unrolled": False}),
    ("rnn", {"steps": 8, "unrolled": True}),
    ("gradient_flow", {"steps": 7, "weight": 1.5, "activation": "tanh", "pre_activation": 0.0}),  # exploding
    ("gradient_flow", {"steps": 40, "weight": 3.0, "activation": "relu", "pre_activation": 1.0}),  # 2.4e+02 values
    ("gradient_flow", {"steps": 1, "weight": 0.5, "activation": "tanh", "pre_activation": 0.0}),
    ("lstm_cell", {"peepholes": True}),
    ("rbm", {"visible": 12, "hidden": 2}),
    ("cnn", {"input_size": 64, "channels": [8, 32], "kernel": 3, "pool": 2, "hidden": 200, "classes": 100}),
]
LAID_OUT = [(name, params, layout) for name, params in CASES for layout in diagrams.KINDS[name].layouts]
# What a phone leaves out of the card's askable labels (secondary parts with no room beside them).
PHONE_DROPS = {"rbm": {"visible_bias", "hidden_bias"}, "lstm_cell": {"cell_input", "cell_output"}}


def _draw(name: str, params: dict[str, object], layout: str) -> Image:
    kind = diagrams.KINDS[name]
    return render_image(name, diagrams.arguments(kind, params, Path("sources")), layout=layout)


@pytest.mark.parametrize(("name", "params", "layout"), LAID_OUT)
def test_a_network_layout_is_legible_and_fits_its_place(name: str, params: dict[str, object], layout: str) -> None:
    image = _draw(name, params, layout)
    asset = Asset(Path("x.png"), image.width, image.height, "", "", image.texts)
    assert legibility.problem(asset, layout) == ""
    assert legibility.overlaps(image.texts) == []
    place = legibility.LAYOUTS[layout]
    assert image.width <= place.width * DPI + 1 and image.height <= place.height * DPI + 1, (image.width,
                                                                                              image.height)
    assert {t.label for t in image.texts if t.label} <= set(diagrams.KINDS[name].labels)


@pytest.mark.parametrize("name", sorted({name for name, _ in CASES}))
def test_a_phone_keeps_the_cards_askable_labels(name: str) -> None:
    if "phone" not in diagrams.KINDS[name].layouts:
        pytest.skip(f"{name} draws no phone layout")
    params = next(p for n, p in CASES if n == name)
    card, phone = (_draw(name, params, layout) for layout in ("card", "phone"))
    kept = {t.label for t in card.texts if t.label} - PHONE_DROPS.get(name, set())
    assert kept <= {t.label for t in phone.texts if t.label}


def test_a_layout_is_drawn_the_same_every_time() -> None:
    params = {"steps": 7, "weight": 1.0, "activation": "sigmoid", "pre_activation": 0.5}
    for layout in ("slide", "phone"):
        assert _draw("gradient_flow", params, layout).png == _draw("gradient_flow", params, layout).png


def _steps(image: Image) -> list[str]:
    """The step numbers under an unrolled net: the lowest row of texts that are numbers."""
    numbers = [t for t in image.texts if t.text.isdigit()]
    low = max(t.box[1] for t in numbers)
    return [t.text for t in numbers if abs(t.box[1] - low) < 5]


def test_a_slide_of_long_values_shows_fewer_steps_further_apart() -> None:
    exploding = dict(CASES[8][1])
    assert _steps(_draw("gradient_flow", exploding, "slide")) == [str(t) for t in range(1, 9)]  # 2.4e+02 …
    assert _steps(_draw("gradient_flow", {**exploding, "weight": 0.5}, "slide")) == [str(t) for t in range(1, 11)]
