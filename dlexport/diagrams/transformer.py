"""The Transformer's encoder (and decoder) layer drawn by hand: its sublayers, residual paths and positional
encoding named but not the architecture, at card width, and laid out again for a slide or a phone."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from dlexport.diagrams import sketch as sk
from dlexport.diagrams.sketch import BIG, LILAC, SMALL, TEXT, WIDTH
from dlexport.diagrams.style import ACCENT, INK, MUTED, PALE, ask, bold, drawer, new_figure
from dlexport.legibility import CARD, Layout

__all__ = ["transformer_block"]


def _stack(ax: Axes, x: float, y0: float, blocks: Sequence[tuple[str, str, str]], side: float = -1.0,
           w: float = 3.4, prefix: str = "") -> tuple[float, list[float]]:
    """Draw sub-layer blocks (text, colour, askable label) bottom-up at column `x`, each followed by an add &
    norm bar, with the residual path on the left (side -1) or right (+1); return the top of the stack and each
    block's centre height. Askable labels start with `prefix`; the k-th add & norm bar is `add_norm_k`."""
    y = y0
    centres = []
    edge, rail = x + side * w / 2, x + side * (w / 2 + 0.3)
    for k, (text, face, name) in enumerate(blocks, start=1):
        sk.arrow(ax, (x, y), (x, y + 0.35))
        sk.box(ax, (x, y + 0.75), w, 0.8, text, face=face, size=TEXT, name=prefix + name)
        centres.append(y + 0.75)
        sk.arrow(ax, (x, y + 1.15), (x, y + 1.45))
        sk.box(ax, (x, y + 1.7), w, 0.5, "더하기 & 층 정규화", face="#f3f0c8", size=SMALL, name=f"{prefix}add_norm_{k}")
        sk.path(ax, [(x, y + 0.18), (rail, y + 0.18), (rail, y + 1.7), (edge, y + 1.7)], lw=1.2)
        y += 1.95
    return y, centres


def _embedding(ax: Axes, x: float, side: float, prefix: str = "") -> None:
    """Draw the input embedding plus the positional encoding (a sine wave on `side` of the column)."""
    sk.box(ax, (x, 0.0), 3.0, 0.6, "입력 임베딩", face=PALE, size=TEXT, name=prefix + "input_embedding")
    sk.arrow(ax, (x, 0.3), (x, 0.78))
    sk.op(ax, (x, 1.0), "+")
    ax.plot([x + side * 1.1, x + side * 0.24], [1.0, 1.0], color=INK, lw=1.3)
    t = np.linspace(0, 1, 60)
    ax.plot(x + side * (1.25 + 0.7 * t), 1.0 + 0.22 * np.sin(2 * np.pi * 1.5 * t), color=ACCENT, lw=1.6)
    ask(ax.text(x + side * 1.6, 0.7, "위치 인코딩", ha="center", va="top", fontsize=SMALL, color=ACCENT),
        prefix + "positional_encoding")


ATTENTION = ("멀티헤드 셀프 어텐션", "#fde0bd", "self_attention")
FEED_FORWARD = ("위치별 피드포워드", "#d9f0d3", "feed_forward")
DECODER_BLOCKS = (("마스크 셀프 어텐션", "#fde0bd", "masked_self_attention"),
                  ("인코더–디코더 어텐션", LILAC, "cross_attention"), FEED_FORWARD)
NORM = "더하기 & 층 정규화"


def _wave(ax: Axes, x0: float, x1: float, y: float, height: float) -> None:
    """Draw one and a half periods of a sine wave from x0 to x1 (the positional encoding's sign)."""
    t = np.linspace(0, 1, 60)
    ax.plot(x0 + (x1 - x0) * t, y + height * np.sin(2 * np.pi * 1.5 * t), color=ACCENT, lw=1.8)


def _layer_row(ax: Axes, y: float, blocks: Sequence[tuple[str, str, str]], layout: Layout,
               prefix: str = "") -> float:
    """Draw a layer left to right for a slide (inches): input embedding, + positional encoding, then each
    sub-layer and its add & norm box, residual paths above, in a dashed box; return where its output leaves."""
    small, h, rise = layout.small, 0.72, 0.22
    sk.box(ax, (0.5, y), 0.95, h, "입력\n임베딩", face=PALE, size=small, name=prefix + "input_embedding")
    sk.arrow(ax, (0.98, y), (1.18, y), scale=14)
    sk.op(ax, (1.35, y), "+", r=0.17, size=layout.big)
    _wave(ax, 1.05, 1.65, y - 0.62, 0.1)
    ax.plot([1.35, 1.35], [y - 0.5, y - 0.17], color=INK, lw=1.3)
    ask(ax.text(1.2, y - 0.78, "위치 인코딩", ha="center", va="top", fontsize=small, color=ACCENT),
        prefix + "positional_encoding")
    x = 1.52
    for k, (text, face, name) in enumerate(blocks, start=1):
        w = 1.85 if name == "cross_attention" else 1.45
        sk.arrow(ax, (x, y), (x + 0.23, y), scale=14)
        sk.box(ax, (x + 0.23 + w / 2, y), w, h, text.replace(" ", "\n", 1) if "–" not in text else
             text.replace(" ", "\n"), face=face, size=small, name=prefix + name)
        norm = x + w + 0.46 + 0.6
        sk.arrow(ax, (x + w + 0.23, y), (norm - 0.6, y), scale=14)
        sk.box(ax, (norm, y), 1.2, h, NORM.replace(" 층", "\n층"), face="#f3f0c8", size=small,
             name=f"{prefix}add_norm_{k}")
        sk.path(ax, [(x + 0.1, y), (x + 0.1, y + h / 2 + rise), (norm, y + h / 2 + rise), (norm, y + h / 2)],
              lw=1.3)
        x = norm + 0.6
    ax.add_patch(FancyBboxPatch((1.5, y - h / 2 - 0.12), x - 1.42, h + rise + 0.2,
                                boxstyle="round,pad=0,rounding_size=0.12", facecolor="none", edgecolor=MUTED,
                                lw=1.2, ls="--", zorder=1))
    sk.arrow(ax, (x, y), (x + 0.3, y), scale=14)
    return x


def _transformer_slide(fig: Figure, layout: Layout, decoder: bool) -> None:
    """The layers of `transformer_block` as rows for a slide (inches): the encoder's below the decoder's, its
    output rising into the decoder's encoder–decoder attention (the card's side notes left to the caption)."""
    ax = sk.canvas(fig)
    y_enc, y_dec, h = 0.85, 2.6, 0.72
    end = _layer_row(ax, y_enc, [ATTENTION, FEED_FORWARD], layout)
    ask(ax.text(end + 0.45, y_enc, "인코더 층", ha="left", va="center", fontproperties=bold(layout.text)),
        "encoder_layer")
    ax.text(end - 0.05, y_enc - h / 2 - 0.15, "×$N$", ha="right", va="top", fontsize=layout.big)
    right, top = end + 1.75, 1.6
    if decoder:
        out = _layer_row(ax, y_dec, DECODER_BLOCKS, layout, prefix="decoder_")
        ax.text(out - 0.05, y_dec + h / 2 + 0.3, "×$N$", ha="right", va="bottom", fontsize=layout.big)
        ask(ax.text(0.02, y_dec + h / 2 + 0.3, "디코더 층", ha="left", va="bottom",
                    fontproperties=bold(layout.text)), "decoder_layer")
        cross, purple = 1.52 + 3.09 + 0.23 + 1.85 / 2, "#6a3d9a"
        sk.path(ax, [(end + 0.15, y_enc), (end + 0.15, 1.7), (cross, 1.7), (cross, y_dec - h / 2)], color=purple,
              lw=2.0)
        sk.label(ax, (cross + 0.1, 1.98), "키·값", size=layout.small, color=purple, ha="left", name="keys_values")
        right, top = 11.75, 3.95
    sk.inches(ax, fig, (-0.05, right), (-0.32, top))


def _transformer_phone(fig: Figure, layout: Layout) -> None:
    """The encoder layer of `transformer_block` upright for a phone (inches); the decoder beside it and the
    card's side notes left out."""
    ax = sk.canvas(fig)
    small, text, x, w = layout.small, layout.text, 1.9, 2.3
    sk.box(ax, (x, 0.05), 1.35, 0.42, "입력 임베딩", face=PALE, size=text, name="input_embedding")
    sk.arrow(ax, (x, 0.26), (x, 0.7))
    sk.op(ax, (x, 0.85), "+", r=0.15, size=layout.big)
    ax.plot([x + 0.15, x + 0.38], [0.85, 0.85], color=INK, lw=1.3)
    _wave(ax, 2.45, 3.05, 0.85, 0.09)
    ask(ax.text(2.75, 0.66, "위치 인코딩", ha="center", va="top", fontsize=small, color=ACCENT),
        "positional_encoding")
    y, rail = 1.0, x - w / 2 - 0.2
    for k, (body, face, name) in enumerate((ATTENTION, FEED_FORWARD), start=1):
        sk.arrow(ax, (x, y), (x, y + 0.2))
        sk.box(ax, (x, y + 0.42), w, 0.44, body, face=face, size=text, name=name)
        sk.arrow(ax, (x, y + 0.64), (x, y + 0.81))
        sk.box(ax, (x, y + 1.0), w, 0.38, NORM, face="#f3f0c8", size=small, name=f"add_norm_{k}")
        sk.path(ax, [(x, y + 0.1), (rail, y + 0.1), (rail, y + 1.0), (x - w / 2, y + 1.0)], lw=1.2)
        y += 1.19
    sk.arrow(ax, (x, y), (x, y + 0.3))
    ax.add_patch(FancyBboxPatch((rail - 0.12, 1.02), w + 0.52, y - 1.0, boxstyle="round,pad=0,rounding_size=0.15",
                                facecolor="none", edgecolor=MUTED, lw=1.2, ls="--", zorder=1))
    ax.text(rail - 0.2, (1.0 + y) / 2, "$N$×", ha="right", va="center", fontsize=layout.big)
    ask(ax.text(x, y + 0.35, "인코더 층", ha="center", va="bottom", fontproperties=bold(text)), "encoder_layer")
    sk.inches(ax, fig, (0.0, 3.4), (-0.2, y + 0.72))


@drawer
def transformer_block(*, decoder: bool, layout: Layout = CARD) -> Figure:
    """Draw the encoder layer (self-attention, add & norm, feed-forward, add & norm) over embeddings plus
    positional encodings, and optionally the decoder layer beside it, reading the encoder's output."""
    fig = new_figure(4.0, WIDTH)
    if layout.name == "slide":
        _transformer_slide(fig, layout, decoder)
        return fig
    if layout.name == "phone":
        _transformer_phone(fig, layout)
        return fig
    ax = sk.canvas(fig)
    attn, ffn = ("멀티헤드 셀프 어텐션", "#fde0bd", "self_attention"), ("위치별 피드포워드", "#d9f0d3", "feed_forward")
    enc_top, enc_mid = _stack(ax, 0.0, 1.24, [attn, ffn])
    _embedding(ax, 0.0, 1.0)
    heads = [(0.0, enc_top, -1.0, "인코더 층", "encoder_layer")]
    if decoder:
        dx = 6.4
        dec_top, dec_mid = _stack(ax, dx, 1.24, [("마스크 셀프 어텐션", "#fde0bd", "masked_self_attention"),
                                                 ("인코더–디코더 어텐션", LILAC, "cross_attention"), ffn],
                                  side=1.0, prefix="decoder_")
        _embedding(ax, dx, -1.0, prefix="decoder_")
        heads.append((dx, dec_top, 1.0, "디코더 층", "decoder_layer"))
        purple = "#6a3d9a"
        turn = (1.7 + dx - 1.7) / 2
        sk.path(ax, [(0.0, enc_top + 0.4), (0.0, enc_top + 0.6), (turn, enc_top + 0.6), (turn, dec_mid[1]),
                   (dx - 1.7, dec_mid[1])], color=purple, lw=1.8)
        sk.label(ax, (turn + 0.15, dec_mid[1] + 0.25), "키·값", color=purple, ha="left", va="bottom",
               name="keys_values")
    else:
        notes = ["모든 위치가 서로를\n한 번에 참조", "입력을 더해(잔차 연결)\n정규화",
                 "위치마다 같은\n완전 연결층 두 개"]
        for y, text in zip([enc_mid[0], enc_mid[0] + 0.95, enc_mid[1]], notes, strict=True):
            ax.text(2.45, y, text, ha="left", va="center", fontsize=SMALL, color="#444444")
    for x, top, side, name, label in heads:
        sk.arrow(ax, (x, top - 0.05), (x, top + 0.4))
        ax.add_patch(FancyBboxPatch((x - 2.2, 1.2), 4.4, top - 1.25, boxstyle="round,pad=0,rounding_size=0.2",
                                    facecolor="none", edgecolor=MUTED, lw=1.2, ls="--", zorder=1))
        ax.text(x + side * 2.35, (1.2 + top) / 2, "$N$×" if side < 0 else "×$N$",
                ha="right" if side < 0 else "left", va="center", fontsize=BIG)
        ask(ax.text(x, top + (0.85 if decoder and side < 0 else 0.5), name, ha="center", va="bottom",
                    fontproperties=bold(TEXT)), label)
    if decoder:
        sk.fit(ax, fig, (-3.0, 9.4), (-0.5, max(h[1] for h in heads) + 1.1))
    else:
        sk.fit(ax, fig, (-3.0, 6.3), (-0.5, enc_top + 1.1))
    return fig


