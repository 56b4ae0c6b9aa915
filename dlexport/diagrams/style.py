"""Shared look of every diagram: Hangul font, colours, figure size, and the PNG encoder."""

from __future__ import annotations

import math
import os
import struct
import zlib
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, wraps
from typing import ParamSpec

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib._tight_bbox import adjust_bbox
from matplotlib.artist import Artist
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser, VectorParse
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Bbox
from numpy.typing import NDArray

from dlexport.fonts import hangul_font
from dlexport.model import Placed

DPI = 200  # 8 in wide -> 1600 px: sharp on a projector and on a phone
WIDTH = 8.0  # inches
INK = "#222222"
ACCENT = "#1f77b4"
PALE = "#dbe9f6"
WARM = "#f2a541"
MUTED = "#9a9a9a"

PAD = 0.08  # inches of white around the tight bounding box
MARGIN = 0.5  # inches of canvas drawn past each edge of a figure, for ink that reaches past it
ZLIB_LEVEL = 3  # PNG compression effort: ≈ 5 × faster than matplotlib's own encoder, no larger files
ASK = "ask:"  # gid prefix of an askable label's text
HIDDEN = "?"  # what a hidden label shows

P = ParamSpec("P")


@cache
def font_family() -> str:
    """Register NanumGothic (regular and bold) with matplotlib and return its family name."""
    for bold in (False, True):
        font_manager.fontManager.addfont(str(hangul_font(bold)))
    return str(font_manager.FontProperties(fname=str(hangul_font())).get_name())


@cache
def mathtext() -> MathTextParser[VectorParse]:
    """The one mathtext parser every drawing in this process lays out and draws with: its cache (keyed by
    the parser, the text, dpi and font) then serves a formula's check, its layout and its drawing with one
    parse, and labels repeated across figures, instead of one parse per renderer."""
    return MathTextParser("path")


# The parser's cached layouts hold matplotlib FT2Font objects, which read their font file through a file
# descriptor; a forked drawing worker shares that descriptor's offset with its parent and siblings, and
# concurrent reads then fail in FreeType ("invalid outline", "too many hints"). Each child starts its own
# parser, as matplotlib itself clears its font cache after a fork.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=mathtext.cache_clear)

def bold(size: float) -> font_manager.FontProperties:
    """Return NanumGothic Bold at `size` points, by file (NanumGothic has no weight named "bold")."""
    font_family()
    return font_manager.FontProperties(fname=str(hangul_font(bold=True)), size=size)


def rc() -> dict[str, object]:
    """Return the rcParams every diagram is drawn and saved with."""
    return {
        # NanumGothic first; DejaVu Sans only for glyphs Nanum lacks (Greek, math arrows).
        "font.family": [font_family(), "DejaVu Sans"],
        "font.size": 11,
        "axes.unicode_minus": False,  # NanumGothic has no U+2212
        "mathtext.fontset": "dejavusans",
        "svg.hashsalt": "dlexport",
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "text.color": INK,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
    }


@cache
def _validated() -> dict[str, object]:
    return dict(matplotlib.RcParams(rc()).items())


@contextmanager
def styled() -> Iterator[None]:
    """Apply the diagram rcParams for the duration of the block, then put back the ones it set (rc_context
    copies and restores all 300 of them: ≈ 2.5 ms a figure, twice per figure)."""
    params = matplotlib.rcParams
    ours = _validated()
    saved = {key: params._get(key) for key in ours}  # type: ignore[arg-type]
    params._update_raw(ours)
    try:
        yield
    finally:
        params._update_raw(saved)


def drawer(fn: Callable[P, Figure]) -> Callable[P, Figure]:
    """Wrap a drawing function so that every text it creates uses the Hangul font."""

    @wraps(fn)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with styled():
            return fn(*args, **kwargs)

    return wrapped


def new_figure(height: float, width: float = WIDTH) -> Figure:
    """Return an empty white figure of the given size in inches."""
    return Figure(figsize=(width, height), dpi=DPI, facecolor="white")


def ask(artist: Text, name: str) -> Text:
    """Mark a text as the askable label `name` (snake_case: "forget_gate"): a card may hide and ask for it.

    Mark the parts of a picture (gate, layer and block names), never axis ticks or captions. Two texts
    may share a name: the label is then both of them.
    """
    artist.set_gid(ASK + name)
    return artist


@dataclass(frozen=True)
class Drawing:
    """A figure as saved: its PNG bytes and every text it shows, where it shows it."""

    png: bytes
    texts: tuple[Placed, ...]


@contextmanager
def _spying(drawn: list[Text]) -> Iterator[None]:
    """Record every Text that draws itself (not the ticks outside the view, not invisible or empty ones)."""
    original = Text.draw

    def spy(self: Text, renderer: RendererBase) -> None:
        if self.get_visible() and self.get_text():
            drawn.append(self)
        original(self, renderer)

    Text.draw = spy  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        Text.draw = original  # type: ignore[method-assign]


def _label(artist: Artist) -> str:
    gid = artist.get_gid() or ""
    return gid[len(ASK):] if gid.startswith(ASK) else ""


def draw(fig: Figure, hide: Collection[str] = ()) -> Drawing:
    """Draw a figure once and encode it as PNG bytes cropped to its ink plus PAD (identical for identical
    figures: no timestamps, no version), with the box of every text it placed; the askable labels named in
    `hide` show HIDDEN instead.
    """
    with styled():
        for t in fig.findobj(Text) if hide else ():  # findobj makes every axis's ticks: only when asked
            if _label(t) in hide and _label(t):
                t.set_text(HIDDEN)
        margin = MARGIN
        while True:  # a second pass only for ink reaching more than `margin` past the figure's edges
            pixels, tight, extents = _rasterize(fig, margin)
            pad = PAD * DPI
            left, bottom = math.floor(tight.x0 - pad), math.floor(tight.y0 - pad)
            right, top = math.ceil(tight.x1 + pad), math.ceil(tight.y1 + pad)
            height, width = pixels.shape[:2]
            if left >= 0 and bottom >= 0 and right <= width and top <= height:
                break
            margin += max(-left, -bottom, right - width, top - height) / DPI
    texts = tuple(Placed(t.get_text(), float(t.get_fontsize()),
                         (int(e.x0 - left), int(top - e.y1), int(e.x1 - left + 0.999), int(top - e.y0 + 0.999)),
                         _label(t)) for t, e in extents)
    return Drawing(encode_png(pixels[height - top:height - bottom, left:right]), texts)


def _rasterize(fig: Figure, margin: float) -> tuple[NDArray[np.uint8], Bbox, list[tuple[Text, Bbox]]]:
    """Draw `fig` once on a white canvas `margin` inches larger on every side (as savefig's bbox_inches does);
    return its RGBA pixels, the tight box of its ink and the extent of every text drawn, in canvas pixels
    (y up)."""
    width, height = fig.get_size_inches()
    canvas = FigureCanvasAgg(fig)
    dpi, face = fig.dpi, fig.patch.get_facecolor()
    fig.set_dpi(DPI)
    grown = Bbox.from_extents(-margin, -margin, width + margin, height + margin)
    restore = adjust_bbox(fig, grown, canvas.get_renderer(), DPI)  # type: ignore[no-untyped-call]
    fig.patch.set_facecolor("white")
    try:
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]  # a new one, the enlarged canvas's size
        renderer.mathtext_parser = mathtext()
        drawn: list[Text] = []
        with _spying(drawn):
            fig.draw(renderer)
        tight = fig.get_tightbbox(renderer).transformed(Affine2D().scale(DPI))
        extents = [(t, t.get_window_extent(renderer)) for t in drawn]
        pixels = np.asarray(renderer.buffer_rgba())
    finally:
        restore()
        fig.patch.set_facecolor(face)
        fig.set_dpi(dpi)
    return pixels, tight, extents


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(rgba: NDArray[np.uint8]) -> bytes:
    """Encode RGBA pixels (rows top down) as a PNG: RGB when every pixel is opaque, no filter, zlib level
    ZLIB_LEVEL, no metadata; the same pixels always give the same bytes."""
    height, width = rgba.shape[:2]
    opaque = bool((rgba[..., 3] == 255).all())
    channels = rgba[..., :3] if opaque else rgba
    rows = np.zeros((height, 1 + width * channels.shape[2]), dtype=np.uint8)  # filter byte 0 (None) per row
    rows[:, 1:] = channels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), ZLIB_LEVEL)) + _chunk(b"IEND", b""))


def to_png(fig: Figure) -> bytes:
    """Encode a figure as PNG bytes, identical for identical figures (no timestamps, no version)."""
    return draw(fig).png

