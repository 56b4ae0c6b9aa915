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
                               "x_min": 1000.0, "x_max": 1000.0, "seed": 2**31, "iterations": 300,
                               "rates": 10.0, "degrees": 20, "points": 200, "noise": 5.0,
                               "units": 512, "logits": 100.0, "temperatures": 100.0, "threshold": 100.0,
                               "stride": 8, "padding": 8, "window": 6, "active": 400}
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
        {"hidden": 36, "patch": 8, "epochs": 20, "seed": 0, "image": "grace_hopper.jpg", "active": 3},
        "Weights of a small k-sparse autoencoder actually trained with numpy on whitened image patches.",
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
    "optimizer_paths": Kind(
        "dlexport.diagrams.training:optimizer_paths",
        {"iterations": 40, "named": True},
        "Gradient descent, momentum, RMSProp and Adam run on one elongated 2-D bowl (names or A–D in the legend).",
    ),
    "learning_rates": Kind(
        "dlexport.diagrams.training:learning_rates",
        {"rates": [0.05, 0.3, 1.05], "steps": 8},
        "Gradient steps on the loss w² with a too small, a good and a too large learning rate.",
    ),
    "fitting": Kind(
        "dlexport.diagrams.training:fitting",
        {"degrees": [1, 3, 9], "points": 12, "noise": 0.25, "seed": 0},
        "Polynomial fits of three degrees to seeded noisy points, and training/validation error by degree.",
    ),
    "early_stopping": Kind(
        "dlexport.diagrams.training:early_stopping",
        {"epochs": 300, "seed": 0},
        "Training and validation loss of an over-parameterised model trained by gradient descent; best epoch marked.",
    ),
    "init_statistics": Kind(
        "dlexport.diagrams.deepnets:init_statistics",
        {"layers": 10, "units": 256, "activation": "relu", "seed": 0},
        "Each layer's output spread in a deep net under small-random, Xavier and He initial weights (relu or tanh).",
    ),
    "batchnorm_statistics": Kind(
        "dlexport.diagrams.deepnets:batchnorm_statistics",
        {"layers": 10, "units": 256, "activation": "tanh", "scheme": "small", "seed": 0},
        "The same deep net's pre-activation distributions layer by layer, without and with batch normalisation.",
    ),
    "residual_gradients": Kind(
        "dlexport.diagrams.deepnets:residual_gradients",
        {"layers": 20, "units": 64, "seed": 0},
        "Weight-gradient norm per layer, by backpropagation, in a deep plain sigmoid net and a residual one.",
    ),
    "perceptron_xor": Kind(
        "dlexport.diagrams.classic:perceptron_xor",
        {"epochs": 20, "hidden": 4, "seed": 1},
        "Decision regions of a perceptron trained on AND, OR and XOR, and of a small MLP (backprop) on XOR.",
    ),
    "softmax_temperature": Kind(
        "dlexport.diagrams.classic:softmax_temperature",
        {"logits": [2.0, 1.0, 0.5, -1.0], "temperatures": [0.5, 1.0, 4.0]},
        "Softmax probabilities of a set of logits at several temperatures (grouped bars).",
    ),
    "loss_curves": Kind(
        "dlexport.diagrams.classic:loss_curves",
        {},
        "Squared error and cross-entropy against the predicted probability, and their gradients at the logit.",
    ),
    "attention_weights": Kind(
        "dlexport.diagrams.classic:attention_weights",
        {"scaled": True},
        "Heat map of softmax(QK^T/sqrt(d)) for stated 4-d vectors of Korean queries and English keys.",
    ),
    "gradient_clipping": Kind(
        "dlexport.diagrams.classic:gradient_clipping",
        {"threshold": 1.0, "steps": 30, "weight": 1.3, "seed": 0},
        "Gradients before and after norm clipping: 2-D vectors, and per-step norms of a linear recurrence.",
    ),
    "convolution_pooling": Kind(
        "dlexport.diagrams.images:convolution_pooling",
        {"kernel": "vertical", "pool": 2, "image": "grace_hopper.jpg"},
        "A 3x3 kernel (vertical, horizontal, laplacian, blur) applied to a sample photo, then max pooling.",
    ),
    "conv_grid": Kind(
        "dlexport.diagrams.images:conv_grid",
        {"input_size": 5, "kernel": 3, "stride": 2, "padding": 1},
        "Kernel, stride and zero padding on a small grid, with the output size floor((N-F+2P)/S)+1 computed.",
    ),
    "augmentation": Kind(
        "dlexport.diagrams.images:augmentation",
        {"seed": 0, "image": "grace_hopper.jpg"},
        "A sample photo flipped, cropped, rotated, colour-jittered and all together (seeded).",
    ),
    "word_vectors": Kind(
        "dlexport.diagrams.words:word_vectors",
        {"words": ["king", "queen", "prince", "cat", "dog", "kitten", "apple", "banana", "car", "train", "seoul",
                   "paris"], "window": 3},
        "Word vectors from co-occurrence counts (PPMI, SVD) of the corpus in dlexport/diagrams/data, in 2-D.",
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
