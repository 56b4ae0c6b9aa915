"""Shared look of every diagram: Hangul font, colours, figure size, and the PNG encoder."""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, wraps
from typing import ParamSpec

import matplotlib
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

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
ASK = "ask:"  # gid prefix of an askable label's text
HIDDEN = "?"  # what a hidden label shows

P = ParamSpec("P")


@cache
def font_family() -> str:
    """Register NanumGothic (regular and bold) with matplotlib and return its family name."""
    for bold in (False, True):
        font_manager.fontManager.addfont(str(hangul_font(bold)))
    return str(font_manager.FontProperties(fname=str(hangul_font())).get_name())


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


@contextmanager
def styled() -> Iterator[None]:
    """Apply the diagram rcParams for the duration of the block."""
    with matplotlib.rc_context(rc()):  # type: ignore[arg-type]
        yield


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

    Text.draw = spy  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Text.draw = original  # type: ignore[method-assign]


def _label(artist: Artist) -> str:
    gid = artist.get_gid() or ""
    return gid[len(ASK):] if gid.startswith(ASK) else ""


def draw(fig: Figure, hide: Collection[str] = ()) -> Drawing:
    """Lay out and encode a figure as PNG bytes (identical for identical figures: no timestamps, no version),
    with the box of every text it placed; the askable labels named in `hide` show HIDDEN instead.
    """
    with styled():
        for t in fig.findobj(Text):
            if _label(t) in hide and _label(t):
                t.set_text(HIDDEN)
        renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
        drawn: list[Text] = []
        with _spying(drawn):
            fig.draw(renderer)
        bbox = fig.get_tightbbox(renderer).padded(PAD)  # inches, as savefig's bbox_inches="tight" takes it
        left, top = bbox.x0 * DPI, bbox.y1 * DPI
        texts = []
        for t in drawn:
            e = t.get_window_extent(renderer)
            box = (int(e.x0 - left), int(top - e.y1), int(e.x1 - left + 0.999), int(top - e.y0 + 0.999))
            texts.append(Placed(t.get_text(), float(t.get_fontsize()), box, _label(t)))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white", bbox_inches=bbox)
    return Drawing(buf.getvalue(), tuple(texts))


def to_png(fig: Figure) -> bytes:
    """Encode a figure as PNG bytes, identical for identical figures (no timestamps, no version)."""
    return draw(fig).png

