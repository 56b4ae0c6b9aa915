"""Diagram kinds: their parameters (checked by the loader) and where their drawing code lives.

This module must stay light: it is imported by the loader, so it never imports matplotlib.
Each kind's drawer is `module:function`, a pure function `(**params) -> matplotlib.figure.Figure`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A diagram kind: its drawer and its parameters with their defaults (the default's type is the type)."""

    drawer: str
    defaults: Mapping[str, object]
    doc: str


# Largest value any number (or number in a list) may take, and longest list: a typo such as
# `epochs: 30000` must be a file:line error, not a build that never ends.
LIMITS: Mapping[str, float] = {"steps": 40, "epochs": 300, "hidden": 400, "visible": 40, "patch": 24,
                               "layers": 40, "channels": 256, "input_size": 256, "kernel": 15, "pool": 8,
                               "classes": 100, "weight": 100.0, "pre_activation": 100.0, "rate": 1.0,
                               "x_min": 1000.0, "x_max": 1000.0, "seed": 2**31}
MAX_LIST = 12


KINDS: dict[str, Kind] = {
    "activation_functions": Kind(
        "dlexport.diagrams.plots:activation_functions",
        {"functions": ["sigmoid", "tanh", "relu", "softplus"], "x_min": -5.0, "x_max": 5.0,
         "derivatives": True},
        "Activation functions and (optionally) their derivatives, plotted from their formulas.",
    ),
    "gradient_flow": Kind(
        "dlexport.diagrams.networks:gradient_flow",
        {"steps": 6, "weight": 1.0, "activation": "sigmoid", "pre_activation": 0.5},
        "An unrolled RNN, each node shaded by the computed gradient reaching it from the first input.",
    ),
    "dropout": Kind(
        "dlexport.diagrams.networks:dropout",
        {"layers": [4, 6, 6, 2], "rate": 0.5, "seed": 3},
        "A fully connected net beside the same net with randomly dropped units.",
    ),
    "feedforward": Kind(
        "dlexport.diagrams.networks:feedforward",
        {"layers": [3, 5, 5, 2]},
        "A fully connected feed-forward network.",
    ),
    "autoencoder": Kind(
        "dlexport.diagrams.networks:autoencoder",
        {"layers": [8, 5, 3, 5, 8]},
        "Encoder, bottleneck (code) and decoder; input and output layers of equal size.",
    ),
    "autoencoder_features": Kind(
        "dlexport.diagrams.learned:autoencoder_features",
        {"hidden": 36, "patch": 8, "epochs": 30, "seed": 0, "image": "grace_hopper.jpg"},
        "Weights of a small autoencoder actually trained with numpy on image patches.",
    ),
    "cnn": Kind(
        "dlexport.diagrams.networks:cnn",
        {"input_size": 32, "channels": [6, 16], "kernel": 5, "pool": 2, "hidden": 120, "classes": 10},
        "Input -> convolution -> pooling -> convolution -> pooling -> fully connected -> output.",
    ),
    "rnn": Kind(
        "dlexport.diagrams.networks:rnn",
        {"steps": 3, "unrolled": True},
        "A recurrent layer with its self-connection, and optionally the unrolled view.",
    ),
    "lstm_cell": Kind(
        "dlexport.diagrams.networks:lstm_cell",
        {"peepholes": False},
        "The LSTM memory block: input, forget and output gates, the cell and its self-loop.",
    ),
    "rbm": Kind(
        "dlexport.diagrams.networks:rbm",
        {"visible": 5, "hidden": 3},
        "The bipartite graph of visible and hidden units with biases.",
    ),
    "image": Kind(
        "dlexport.diagrams.plots:image",
        {"path": ""},
        "A picture file from inside sources/ (path relative to sources/), shown as is.",
    ),
    # Hand-laid architecture diagrams (dlexport/diagrams/architectures.py): they name parts, never the term.
    "gru_cell": Kind(
        "dlexport.diagrams.architectures:gru_cell",
        {},
        "A gated recurrent cell: reset and update gates, the candidate state, the mix of old state and candidate.",
    ),
    "dbn": Kind(
        "dlexport.diagrams.architectures:dbn",
        {"layers": [6, 5, 4, 3]},
        "A stack of RBMs (3 to 5 layers, visible first) with the greedy layer-wise pre-training order.",
    ),
    "bptt": Kind(
        "dlexport.diagrams.architectures:bptt",
        {"steps": 4},
        "An RNN unrolled over 2 to 6 time steps: forward arrows and the gradient's path back through time.",
    ),
    "bidirectional_rnn": Kind(
        "dlexport.diagrams.architectures:bidirectional_rnn",
        {"steps": 4},
        "Forward and backward recurrent layers over the same 2 to 6 inputs, both feeding each output.",
    ),
    "seq2seq": Kind(
        "dlexport.diagrams.architectures:seq2seq",
        {"source": ["나는", "학생이다"], "target": ["I", "am", "a", "student"]},
        "Encoder RNN -> context vector -> decoder RNN emitting the target tokens up to <EOS> (at most 7 tokens).",
    ),
    "transformer_block": Kind(
        "dlexport.diagrams.architectures:transformer_block",
        {"decoder": False},
        "Embedding + positional encoding, self-attention, add & norm, feed-forward, add & norm (x N); "
        "optionally the decoder layer with masked and encoder-decoder attention.",
    ),
    "vae": Kind(
        "dlexport.diagrams.architectures:vae",
        {},
        "Encoder -> mu, sigma -> z = mu + sigma * eps with eps ~ N(0, I) drawn outside -> decoder; the gradient path.",
    ),
    "gan": Kind(
        "dlexport.diagrams.architectures:gan",
        {"seed": 0},
        "Noise -> generator -> fake samples, and real samples, -> discriminator -> probability of real.",
    ),
    "denoising_autoencoder": Kind(
        "dlexport.diagrams.architectures:denoising_autoencoder",
        {"corruption": "mask", "rate": 0.4, "seed": 0},
        "Clean picture -> seeded corruption (mask: zero a fraction `rate`; gaussian: noise of std `rate`) -> "
        "encoder -> code -> decoder -> reconstruction, compared with the clean picture.",
    ),
}
