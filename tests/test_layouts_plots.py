"""The computed plots' slide and phone layouts hold beyond their defaults: legible, nothing drawn over, cheap."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlexport import diagrams, legibility
from dlexport.model import Asset
from dlexport.render import render_image

# Parameters at the edges of each kind's limits: longest loops, most bars, other activations.
EDGES: list[tuple[str, dict[str, object]]] = [
    ("init_statistics", {"layers": 40, "activation": "tanh"}),
    ("init_statistics", {"layers": 3}),
    ("batchnorm_statistics", {"layers": 40, "activation": "relu", "scheme": "he"}),
    ("batchnorm_statistics", {"layers": 2}),
    ("residual_gradients", {"layers": 40}),
    ("residual_gradients", {"layers": 5}),
    ("perceptron_xor", {"hidden": 16, "epochs": 300}),
    ("softmax_temperature", {"logits": [3.0, 2.5, 2.0, 1.0, 0.5, 0.0, -0.5, -1.0],
                             "temperatures": [0.25, 0.5, 1.0, 4.0]}),
    ("softmax_temperature", {"logits": [1.0, -1.0], "temperatures": [2.0]}),
    ("attention_weights", {"scaled": False}),
    ("gradient_clipping", {"steps": 40, "threshold": 5.0, "weight": -2.0}),
    ("word_vectors", {"words": ["king", "queen", "cat"], "window": 1}),
]


@pytest.mark.parametrize("layout", ["slide", "phone"])
@pytest.mark.parametrize(("name", "params"), EDGES)
def test_a_plot_layout_stays_legible_at_its_parameters_edges(name: str, params: dict[str, object],
                                                             layout: str) -> None:
    kind = diagrams.KINDS[name]
    assert layout in kind.layouts
    image = render_image(name, diagrams.arguments(kind, params, Path("sources")), layout=layout)
    asset = Asset(Path("x.png"), image.width, image.height, "", "", image.texts)
    assert legibility.problem(asset, layout) == ""
    assert legibility.overlaps(image.texts) == []


def test_a_phone_quiz_hides_the_same_labels_as_the_card() -> None:
    kind = diagrams.KINDS["residual_gradients"]
    image = render_image("residual_gradients", dict(kind.defaults), ("residual_net",), "phone")
    assert [t.text for t in image.texts if t.label == "residual_net"] == ["?"]
    assert [t.text for t in image.texts if t.label == "plain_net"] == ["층을 그대로 쌓은 망"]


def test_the_phone_leaves_out_the_secondary_panel() -> None:
    """The phone's loss curves are the losses alone; the slide keeps their gradients too."""
    kind = diagrams.KINDS["loss_curves"]
    phone = {t.label for t in render_image("loss_curves", dict(kind.defaults), layout="phone").texts}
    slide = {t.label for t in render_image("loss_curves", dict(kind.defaults), layout="slide").texts}
    assert phone - {""} == {"squared_error", "cross_entropy"}
    assert slide - {""} == set(kind.labels)
