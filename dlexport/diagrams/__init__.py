"""Diagram kinds: each declares its drawer, parameters (types, defaults, limits), files, labels and cache inputs.

This module must stay light: it is imported by the loader, so it never imports matplotlib.
Each kind's drawer is `module:function`, a pure function `(**params) -> matplotlib.figure.Figure` whose
parameters are keyword-only and have no defaults: the renderer passes the kind's defaults merged with
the figure's `params` (with file parameters resolved to absolute paths by `resolve_file`). A kind that
lists `layouts` ("slide", "phone") also takes `layout: legibility.Layout = CARD` and draws for that place
(its size, its font sizes) when given one.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from dlexport import codehash

SOURCES = "sources"  # a file parameter naming a file inside sources/, relative to it
SAMPLE = "sample"  # a file parameter naming one of the sample images matplotlib ships
MAX_LIST = 12  # longest list any parameter takes unless its Param says less


@dataclass(frozen=True)
class Param:
    """One parameter of a kind: default (its type is `type`, or for a list its items' type) and limits.

    Numbers (and numbers in a list) must lie in [minimum, maximum]: a typo such as `epochs: 30000` must
    be a file:line error, not a build that never ends. `file` says the value names a file (SOURCES or SAMPLE).
    """

    default: object
    type: builtins.type
    minimum: float | None = None
    maximum: float | None = None
    max_items: int | None = None  # set for (and only for) list parameters
    file: str = ""

    @property
    def is_list(self) -> bool:
        """Return whether the parameter takes a list."""
        return self.max_items is not None


def num(default: float, maximum: float, minimum: float = 0) -> Param:
    """Return a number parameter (int or float, as its default) between `minimum` and `maximum`."""
    return Param(default, type(default), minimum, maximum)


def flag(default: bool) -> Param:
    """Return a true/false parameter."""
    return Param(default, bool)


def text(default: str) -> Param:
    """Return a text parameter."""
    return Param(default, str)


def items(default: list[object], maximum: float | None = None, minimum: float | None = 0,
          max_items: int = MAX_LIST) -> Param:
    """Return a list parameter (of the type of its default's items), each item within the limits."""
    return Param(default, type(default[0]), minimum if maximum is not None else None, maximum, max_items)


def sample_image() -> Param:
    """Return the `image` parameter of kinds drawn from a sample photo that ships with matplotlib."""
    return Param("grace_hopper.jpg", str, file=SAMPLE)


@dataclass(frozen=True)
class Kind:
    """A diagram kind: its drawer, its parameters, what it draws, its askable labels and its cache inputs.

    `data` lists the files besides Python code that change the drawing (paths relative to the drawer
    module's folder, globs allowed); the code hashed is the drawer's module and the dlexport modules it
    imports (see `cache_inputs`).
    """

    drawer: str
    params: Mapping[str, Param]
    doc: str
    labels: tuple[str, ...] = ()  # names of the parts a card may ask for (image occlusion)
    data: tuple[str, ...] = ()
    layouts: tuple[str, ...] = ()  # the places besides a card its drawer draws for (legibility.LAYOUTS)

    @property
    def defaults(self) -> Mapping[str, object]:
        """Return each parameter's default value."""
        return MappingProxyType({name: p.default for name, p in self.params.items()})

    @property
    def files(self) -> tuple[str, ...]:
        """Return the names of the parameters that name files."""
        return tuple(name for name, p in self.params.items() if p.file)


def kind(drawer: str, doc: str, *, labels: tuple[str, ...] = (), data: tuple[str, ...] = (),
         layouts: tuple[str, ...] = (), **params: Param) -> Kind:
    """Return a Kind (a short spelling for the registry)."""
    return Kind(drawer, MappingProxyType(params), doc, labels, data, layouts)


class FileProblem(ValueError):
    """A file parameter names no usable file: `message` and the author's `fix`."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message, fix)
        self.message, self.fix = message, fix


def sample_folder() -> Path:
    """Return matplotlib's sample-data folder, found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    return Path(next(iter(spec.submodule_search_locations or []), "")) / "mpl-data" / "sample_data" \
        if spec else Path()


def resolve_file(param: Param, value: str, sources: Path) -> Path:
    """Return the absolute file a file parameter names, or raise FileProblem: the one fence for figure files.

    SOURCES: a path relative to `sources` that stays inside it (links followed). SAMPLE: the name of one
    of matplotlib's sample images.
    """
    if param.file == SAMPLE:
        names = sorted(p.name for p in sample_folder().glob("*") if p.suffix in (".jpg", ".png"))
        if value not in names:
            raise FileProblem(f"`{value}` is not one of matplotlib's sample images", f"use one of: {', '.join(names)}")
        return sample_folder() / value
    if not value:
        raise FileProblem("the picture's path is missing", "give the picture's path relative to sources/")
    target = (sources / value).resolve()
    if Path(value).is_absolute() or value.startswith("~") or not target.is_relative_to(sources.resolve()):
        raise FileProblem(f"`{value}` points outside the sources directory",
                          "use a path relative to sources/ with no `..`, `/` or links leading out")
    if not target.is_file():
        raise FileProblem(f"`{value}` does not exist",
                          "put the file under sources/ and give its path relative to sources/")
    return target


def _module_file(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ValueError(f"cannot find the module {module!r}")
    return Path(spec.origin)


def dlexport_imports(module: str, source: str) -> set[str]:
    """Return the dlexport modules that `source` (the code of `module`) imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dlexport") \
                and node.level == 0:
            names.add(node.module)
            if _is_package(node.module):  # `from dlexport.diagrams import kit`: kit may be a module
                names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return {n for n in names if n.startswith("dlexport.") and _exists(n)} - {module}


def _exists(module: str) -> bool:
    parent = module.rpartition(".")[0]
    return (not parent or _is_package(parent)) and importlib.util.find_spec(module) is not None


def _is_package(module: str) -> bool:
    """Return whether `module` is a package (found without importing anything but its parents)."""
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        return False
    return spec is not None and spec.submodule_search_locations is not None


@cache
def code_digest(module: str) -> str:
    """Return a hash of a module's source and of every dlexport module it imports, transitively.

    Its imports are followed (each module parsed, 0.1–0.5 s) only when dlexport's code or the module's own file
    changed since the last run: the hash is kept by `codehash` (which reads no file whose stamp is unchanged)."""
    inputs = f"{codehash.digest()} {codehash.file_digest(_module_file(module))}"
    return codehash.derived(f"code_digest {module}", inputs, lambda: _code_digest(module))


def _code_digest(module: str) -> str:
    seen: dict[str, bytes] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen[name] = _module_file(name).read_bytes()
        todo.extend(dlexport_imports(name, seen[name].decode("utf-8")))
    h = hashlib.sha256()
    for name in sorted(seen):
        h.update(name.encode() + b"\0" + seen[name] + b"\0")
    return h.hexdigest()


@cache
def data_digest(module: str, data: tuple[str, ...]) -> str:
    """Return a hash of the data files (globs relative to the module's folder) a drawer reads."""
    folder = _module_file(module).parent
    h = hashlib.sha256()
    for pattern in data:
        paths = sorted(folder.glob(pattern))
        if not paths:
            raise ValueError(f"{module}: no data file matches {pattern!r}")
        for path in paths:
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def arguments(k: Kind, params: Mapping[str, object], sources: Path) -> dict[str, object]:
    """Return the drawer's keyword arguments: the kind's defaults, then `params`, file parameters resolved.

    Raises FileProblem when a file parameter names no usable file (the loader reports it first).
    """
    out = {**k.defaults, **params}
    for name in k.files:
        out[name] = str(resolve_file(k.params[name], str(out[name]), sources))
    return out


def cache_inputs(k: Kind) -> str:
    """Return a hash of exactly what a kind's pixels depend on besides params: its code and its data files."""
    module = k.drawer.partition(":")[0]
    return code_digest(module) + data_digest(module, k.data)



KINDS: dict[str, Kind] = {
    "activation_functions": kind(
        "dlexport.diagrams.plots:activation_functions",
        "Activation functions and (optionally) their derivatives, plotted from their formulas.",
        labels=("sigmoid", "tanh", "relu", "softplus", "sigmoid_derivative", "tanh_derivative", "relu_derivative",
                "softplus_derivative"), layouts=("slide", "phone"),
        functions=items(["sigmoid", "tanh", "relu", "softplus"]), x_min=num(-5.0, 1000.0, -1000.0),
        x_max=num(5.0, 1000.0, -1000.0), derivatives=flag(True),
    ),
    "gradient_flow": kind(
        "dlexport.diagrams.recurrent:gradient_flow",
        "An unrolled RNN, each node shaded by the computed gradient reaching it from the first input.",
        labels=("output_layer", "hidden_layer", "input_layer"),
        layouts=("slide", "phone"),
        steps=num(6, 40), weight=num(1.0, 100.0, -100.0), activation=text("sigmoid"),
        pre_activation=num(0.5, 100.0, -100.0),
    ),
    "dropout": kind(
        "dlexport.diagrams.networks:dropout",
        "A fully connected net beside the same net with randomly dropped units.",
        labels=("standard_net", "thinned_net"),
        layouts=("slide", "phone"),
        layers=items([4, 6, 6, 2], 40), rate=num(0.5, 1.0), seed=num(3, 2**31),
    ),
    "feedforward": kind(
        "dlexport.diagrams.networks:feedforward",
        "A fully connected feed-forward network.",
        labels=("input_layer", "hidden_layer_1", "hidden_layer_2", "output_layer", "forward_direction"),
        layouts=("slide", "phone"), layers=items([3, 5, 5, 2], 40),
    ),
    "autoencoder": kind(
        "dlexport.diagrams.networks:autoencoder",
        "Encoder, bottleneck (code) and decoder; input and output layers of equal size.",
        labels=("encoder", "decoder", "input_layer", "hidden_layer_1", "code", "hidden_layer_2", "output_layer"),
        layouts=("slide", "phone"),
        layers=items([8, 5, 3, 5, 8], 40),
    ),
    "autoencoder_features": kind(
        "dlexport.diagrams.learned:autoencoder_features",
        "Weights of a small k-sparse autoencoder actually trained with numpy on whitened image patches.",
        hidden=num(36, 400), patch=num(8, 24), epochs=num(20, 300), seed=num(0, 2**31), image=sample_image(),
        active=num(3, 400), layouts=("slide", "phone"),
    ),
    "cnn": kind(
        "dlexport.diagrams.networks:cnn",
        "Input -> convolution -> pooling -> convolution -> pooling -> fully connected -> output.",
        labels=("input_image", "convolution_1", "feature_map_1", "pooling_1", "feature_map_2", "convolution_2",
                "feature_map_3", "pooling_2", "feature_map_4", "fully_connected", "output"),
        layouts=("phone",),
        input_size=num(32, 256), channels=items([6, 16], 256), kernel=num(5, 15), pool=num(2, 8),
        hidden=num(120, 400), classes=num(10, 100),
    ),
    "rnn": kind(
        "dlexport.diagrams.recurrent:rnn",
        "A recurrent layer with its self-connection, and optionally the unrolled view.",
        labels=("input_layer", "hidden_layer", "output_layer", "recurrent_weight"),
        layouts=("slide", "phone"),
        steps=num(3, 40), unrolled=flag(True),
    ),
    "lstm_cell": kind(
        "dlexport.diagrams.networks:lstm_cell",
        "The LSTM memory block: input, forget and output gates, the cell and its self-loop.",
        labels=("input_gate", "output_gate", "forget_gate", "cell", "cec", "cell_input", "cell_output",
                "memory_block"),
        layouts=("slide", "phone"),
        peepholes=flag(False),
    ),
    "rbm": kind(
        "dlexport.diagrams.networks:rbm",
        "The bipartite graph of visible and hidden units with biases.",
        labels=("visible_bias", "hidden_bias", "visible_layer", "hidden_layer"),
        layouts=("slide", "phone"), visible=num(5, 40), hidden=num(3, 400),
    ),
    "optimizer_paths": kind(
        "dlexport.diagrams.training:optimizer_paths",
        "Gradient descent, momentum, RMSProp and Adam run on one elongated 2-D bowl (names or A–D in the legend).",
        labels=("gradient_descent", "momentum", "rmsprop", "adam"),
        layouts=("slide", "phone"), iterations=num(40, 300), named=flag(True),
    ),
    "learning_rates": kind(
        "dlexport.diagrams.training:learning_rates",
        "Gradient steps on the loss w² with a too small, a good and a too large learning rate.",
        layouts=("slide", "phone"), rates=items([0.05, 0.3, 1.05], 10.0), steps=num(8, 40),
    ),
    "fitting": kind(
        "dlexport.diagrams.training:fitting",
        "Polynomial fits of three degrees to seeded noisy points, and training/validation error by degree.",
        labels=("training_error", "validation_error"), layouts=("slide", "phone"),
        degrees=items([1, 3, 9], 20), points=num(12, 200), noise=num(0.25, 5.0), seed=num(0, 2**31),
    ),
    "early_stopping": kind(
        "dlexport.diagrams.training:early_stopping",
        "Training and validation loss of an over-parameterised model trained by gradient descent; best epoch marked.",
        labels=("training_loss", "validation_loss"), layouts=("slide", "phone"),
        epochs=num(300, 300), seed=num(0, 2**31),
    ),
    "init_statistics": kind(
        "dlexport.diagrams.deepnets:init_statistics",
        "Each layer's output spread in a deep net under small-random, Xavier and He initial weights (relu or tanh).",
        labels=("small_random", "xavier", "he"), layouts=("slide", "phone"),
        layers=num(10, 40), units=num(256, 512), activation=text("relu"), seed=num(0, 2**31),
    ),
    "batchnorm_statistics": kind(
        "dlexport.diagrams.deepnets:batchnorm_statistics",
        "The same deep net's pre-activation distributions layer by layer, without and with batch normalisation.",
        layouts=("slide", "phone"),
        layers=num(10, 40), units=num(256, 512), activation=text("tanh"), scheme=text("small"), seed=num(0, 2**31),
    ),
    "residual_gradients": kind(
        "dlexport.diagrams.deepnets:residual_gradients",
        "Weight-gradient norm per layer, by backpropagation, in a deep plain sigmoid net and a residual one.",
        labels=("plain_net", "residual_net"), layouts=("slide", "phone"),
        layers=num(20, 40), units=num(64, 512), seed=num(0, 2**31),
    ),
    "perceptron_xor": kind(
        "dlexport.diagrams.classic:perceptron_xor",
        "Decision regions of a perceptron trained on AND, OR and XOR, and of a small MLP (backprop) on XOR.",
        layouts=("slide", "phone"),
        epochs=num(20, 300), hidden=num(4, 400), seed=num(1, 2**31),
    ),
    "softmax_temperature": kind(
        "dlexport.diagrams.classic:softmax_temperature",
        "Softmax probabilities of a set of logits at several temperatures (grouped bars).",
        layouts=("slide", "phone"),
        logits=items([2.0, 1.0, 0.5, -1.0], 100.0, minimum=-100.0), temperatures=items([0.5, 1.0, 4.0], 100.0),
    ),
    "loss_curves": kind(
        "dlexport.diagrams.classic:loss_curves",
        "Squared error and cross-entropy against the predicted probability, and their gradients at the logit.",
        labels=("squared_error", "cross_entropy", "squared_error_gradient", "cross_entropy_gradient"),
        layouts=("slide", "phone"),
    ),
    "attention_weights": kind(
        "dlexport.diagrams.classic:attention_weights",
        "Heat map of softmax(QK^T/sqrt(d)) for stated 4-d vectors of Korean queries and English keys.",
        layouts=("slide", "phone"),
        scaled=flag(True),
    ),
    "gradient_clipping": kind(
        "dlexport.diagrams.classic:gradient_clipping",
        "Gradients before and after norm clipping: 2-D vectors, and per-step norms of a linear recurrence.",
        labels=("original_norm", "clipped_norm"), layouts=("slide", "phone"),
        threshold=num(1.0, 100.0), steps=num(30, 40), weight=num(1.3, 100.0, -100.0), seed=num(0, 2**31),
    ),
    "convolution_pooling": kind(
        "dlexport.diagrams.images:convolution_pooling",
        "A 3x3 kernel (vertical, horizontal, laplacian, blur) applied to a sample photo, then max pooling.",
        layouts=("slide", "phone"), kernel=text("vertical"), pool=num(2, 8), image=sample_image(),
    ),
    "conv_grid": kind(
        "dlexport.diagrams.images:conv_grid",
        "Kernel, stride and zero padding on a small grid, with the output size floor((N-F+2P)/S)+1 computed.",
        layouts=("slide", "phone"), input_size=num(5, 256), kernel=num(3, 15), stride=num(2, 8), padding=num(1, 8),
    ),
    "augmentation": kind(
        "dlexport.diagrams.images:augmentation",
        "A sample photo flipped, cropped, rotated, colour-jittered and all together (seeded).",
        layouts=("slide", "phone"), seed=num(0, 2**31), image=sample_image(),
    ),
    "word_vectors": kind(
        "dlexport.diagrams.words:word_vectors",
        "Word vectors from co-occurrence counts (PPMI, SVD) of the corpus in dlexport/diagrams/data, in 2-D.",
        data=("data/*",), layouts=("slide", "phone"),
        words=items(["king", "queen", "prince", "cat", "dog", "kitten", "apple", "banana", "car", "train", "seoul",
                     "paris"]),
        window=num(3, 6),
    ),
    "image": kind(
        "dlexport.diagrams.plots:image",
        "A picture file from inside sources/ (path relative to sources/), shown as is.",
        path=Param("", str, file=SOURCES),
    ),
    "gru_cell": kind(
        "dlexport.diagrams.sequences:gru_cell",
        "A gated recurrent cell: reset and update gates, the candidate state, the mix of old state and candidate.",
        labels=("keep_old_state", "add_candidate", "reset_gate", "update_gate", "candidate_state"),
        layouts=("slide", "phone"),
    ),
    "dbn": kind(
        "dlexport.diagrams.generative:dbn",
        "A stack of RBMs (3 to 5 layers, visible first) with the greedy layer-wise pre-training order.",
        labels=("visible_layer", "hidden_layer_1", "hidden_layer_2", "hidden_layer_3", "rbm_1", "rbm_2", "rbm_3",
                "greedy_pretraining"),
        layouts=("slide", "phone"), layers=items([6, 5, 4, 3], 40),
    ),
    "bptt": kind(
        "dlexport.diagrams.sequences:bptt",
        "An RNN unrolled over 2 to 6 time steps: forward arrows and the gradient's path back through time.",
        labels=("forward_pass", "backward_pass", "shared_weight_gradient"),
        layouts=("slide", "phone"), steps=num(4, 40),
    ),
    "bidirectional_rnn": kind(
        "dlexport.diagrams.sequences:bidirectional_rnn",
        "Forward and backward recurrent layers over the same 2 to 6 inputs, both feeding each output.",
        labels=("forward_layer", "backward_layer", "output_layer", "input_layer"),
        layouts=("slide", "phone"), steps=num(4, 40),
    ),
    "seq2seq": kind(
        "dlexport.diagrams.sequences:seq2seq",
        "Encoder RNN -> context vector -> decoder RNN emitting the target tokens up to <EOS> (at most 7 tokens).",
        labels=("encoder", "decoder", "context_vector"),
        layouts=("slide", "phone"), source=items(["나는", "학생이다"]), target=items(["I", "am", "a", "student"]),
    ),
    "transformer_block": kind(
        "dlexport.diagrams.transformer:transformer_block",
        "Embedding + positional encoding, self-attention, add & norm, feed-forward, add & norm (x N); "
        "optionally the decoder layer with masked and encoder-decoder attention.",
        labels=("positional_encoding", "encoder_layer", "self_attention", "add_norm_1", "feed_forward", "add_norm_2",
                "input_embedding"),
        layouts=("slide", "phone"), decoder=flag(False),
    ),
    "vae": kind(
        "dlexport.diagrams.generative:vae",
        "Encoder -> mu, sigma -> z = mu + sigma * eps with eps ~ N(0, I) drawn outside -> decoder; the gradient path.",
        labels=("input", "noise", "reparameterization", "reconstruction", "gradient_path", "loss", "encoder",
                "decoder"),
        layouts=("slide", "phone"),
    ),
    "gan": kind(
        "dlexport.diagrams.generative:gan",
        "Noise -> generator -> fake samples, and real samples, -> discriminator -> probability of real.",
        labels=("noise", "fake_samples", "real_data", "probability_real", "discriminator_objective", "generator",
                "discriminator", "generator_objective"),
        layouts=("slide", "phone"), seed=num(0, 2**31),
    ),
    "denoising_autoencoder": kind(
        "dlexport.diagrams.generative:denoising_autoencoder",
        "Clean picture -> seeded corruption (mask: zero a fraction `rate`; gaussian: noise of std `rate`) -> "
        "encoder -> code -> decoder -> reconstruction, compared with the clean picture.",
        labels=("clean_input", "corruption", "corrupted_input", "code", "reconstruction", "encoder", "decoder", "loss"),
        layouts=("slide", "phone"), corruption=text("mask"), rate=num(0.4, 1.0), seed=num(0, 2**31),
    ),
}



def _shown(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
        return str(int(value))
    return str(value)


def describe(name: str, param: Param) -> str:
    """Return one parameter as the README's kind table shows it: name, default and limits."""
    if param.file == SOURCES:
        return f"`{name}` (required): a picture file inside `sources/`, relative to it"
    limits = ""
    if param.minimum is not None and param.maximum is not None:
        limits = f"{_shown(param.minimum)}–{_shown(param.maximum)}"
    if param.is_list:
        limits = f"≤ {param.max_items} items" + (f", each {limits}" if limits else "")
    if param.file == SAMPLE:
        limits = "a matplotlib sample image"
    return f"`{name}` {_shown(param.default)}" + (f" ({limits})" if limits else "")


def kind_table() -> str:
    """Return the README's table of diagram kinds, generated from KINDS."""
    rows = ["| kind | parameters: default (limits) | draws |", "|---|---|---|"]
    for name, k in KINDS.items():
        params = ", ".join(describe(p, param) for p, param in k.params.items()) or "none"
        doc = k.doc.replace("|", "\\|")
        if k.labels:
            doc += " Labels: " + ", ".join(f"`{label}`" for label in k.labels) + "."
        if k.layouts:
            doc += " Also drawn for: " + ", ".join(k.layouts) + "."
        rows.append(f"| `{name}` | {params} | {doc} |")
    return "\n".join(rows) + "\n"
