"""Image-occlusion masks from a figure's label boxes: margins, Anki's normalised coordinates and cloze syntax.

Pure: no file IO. Anki's stock Image Occlusion note type keeps every mask in one field as
`{{cN::image-occlusion:rect:left=…:top=…:width=…:height=…:oi=1}}`, coordinates as fractions of the image's
size written the way its mask editor writes them (`floatToDisplay`: four decimals, zeros trimmed), one cloze
number per card; `oi=1` ("occlude inactive") keeps the other masks on the question: "hide all, guess one".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from dlexport.cards import Card

MARGIN = 8  # pixels (at 200 dpi) of mask around a label's text, less where another label is closer
PLACES = Decimal("0.0001")  # Anki's editor keeps four decimals of each fraction
Box = tuple[int, int, int, int]  # left, top, right, bottom in the image's pixels, y down, right/bottom exclusive


@dataclass(frozen=True)
class Mask:
    """One label's mask: the label, its cloze number, and its rectangle as fractions of the image's size."""

    label: str
    ordinal: int
    left: Decimal
    top: Decimal
    width: Decimal
    height: Decimal

    def pixels(self, width: int, height: int) -> tuple[float, float, float, float]:
        """Return the mask as (left, top, right, bottom) in pixels of an image `width` × `height`."""
        return (float(self.left * width), float(self.top * height), float((self.left + self.width) * width),
                float((self.top + self.height) * height))


def _overlaps(a: tuple[float, float, float, float], b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _normal(box: Box, width: int, height: int) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Return a pixel box as (left, top, width, height) fractions, rounded outwards to four decimals."""
    def down(v: int, size: int) -> Decimal:
        return (Decimal(v) / Decimal(size)).quantize(PLACES, ROUND_FLOOR)

    def up(v: int, size: int) -> Decimal:
        return (Decimal(v) / Decimal(size)).quantize(PLACES, ROUND_CEILING)

    left, top = down(box[0], width), down(box[1], height)
    return left, top, up(box[2], width) - left, up(box[3], height) - top


def masks(cards: Sequence[Card], boxes: Mapping[str, Box], width: int, height: int,
          margin: int = MARGIN) -> tuple[Mask, ...]:
    """Return each card's mask: its label's box grown by up to `margin` pixels (inside the image), never so far
    that it touches another askable label's box (`boxes`: every askable label the image shows)."""
    out = []
    for card in cards:
        x0, y0, x1, y1 = boxes[card.key]
        others = [b for name, b in boxes.items() if name != card.key]
        for m in range(margin, -1, -1):
            grown = (max(0, x0 - m), max(0, y0 - m), min(width, x1 + m), min(height, y1 + m))
            left, top, w, h = _normal(grown, width, height)
            mask = Mask(card.key, card.ordinal, left, top, w, h)
            if m == 0 or not any(_overlaps(mask.pixels(width, height), b) for b in others):
                break
        out.append(mask)
    return tuple(out)


def display(value: Decimal) -> str:
    """Return a fraction as Anki's mask editor writes it: four decimals, leading and trailing zeros trimmed."""
    if value == 0:
        return ".0000"
    return f"{value.quantize(PLACES, ROUND_HALF_UP):f}".strip("0")


def shape(mask: Mask, hide_all: bool) -> str:
    """Return a mask's shape text, e.g. `rect:left=.1:top=.25:width=.2:height=.05:oi=1`."""
    text = (f"rect:left={display(mask.left)}:top={display(mask.top)}"
            f":width={display(mask.width)}:height={display(mask.height)}")
    return text + (":oi=1" if hide_all else "")


def occlusion_field(all_masks: Iterable[Mask], hide_all: bool) -> str:
    """Return the Occlusion field: one cloze per mask, each followed by `<br>`, as Anki's mask editor saves it."""
    return "".join(f"{{{{c{m.ordinal}::image-occlusion:{shape(m, hide_all)}}}}}<br>" for m in all_masks)


def rendered(all_masks: Iterable[Mask], ordinal: int, question: bool, hide_all: bool) -> str:
    """Return what Anki's `{{cloze:Occlusion}}` shows on one side of card `ordinal`: a div per mask carrying
    its shape as data attributes ("cloze" the asked one on the question, "cloze-highlight" on the answer,
    "cloze-inactive" the others), each followed by the field's `<br>`; the reviewer's script paints them
    on a canvas over the image."""
    out = []
    for m in all_masks:
        role = ("cloze" if question else "cloze-highlight") if m.ordinal == ordinal else "cloze-inactive"
        data = (f'data-shape="rect" data-left="{display(m.left)}" data-top="{display(m.top)}" '
                f'data-width="{display(m.width)}" data-height="{display(m.height)}" ')
        oi = 'data-occludeInactive="1" ' if hide_all else ""
        out.append(f'<div class="{role}" data-ordinal="{m.ordinal}" {data}{oi}></div><br>')
    return "".join(out)
