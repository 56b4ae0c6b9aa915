"""How large a figure's texts are where it is shown (a card, a slide), and the bounds the build enforces.

Pure arithmetic on `Asset.texts` (each text's font size in points at IMAGE_DPI) and the image's size: no
matplotlib, no file IO. A text's letters (a Hangul syllable, a capital) are LETTER of its font size tall.

Where a card shows a figure (templates/anki/style.css): at most CARD_WIDTH px wide (the 40 em column at
19 px) and CARD_HEIGHT px tall (`max-height`), never enlarged. CARD_HEIGHT is what a 1280×800 Anki window
leaves the figure on the figure → term card's front without scrolling: 800 px less Anki's top toolbar and
answer bar (~90 px), the column's top padding and the question line (~89 px) and the figure's margins and the
column's bottom padding (~57 px) ≈ 564 px.

Two places show a figure smaller than a card, so a kind draws a layout of its own for each (`Layout`, passed
to its drawer as `layout=`; `diagrams.Kind.layouts` says which it draws):
- SLIDE: a figure slide of its own (`slide_plan.figure_slide`) shows it in the body less a one-line caption,
  12.0 × 4.39 in on the default 16:9 deck; its texts must be ≥ MIN_SLIDE_POINTS there.
- PHONE: a 390×844 phone shows the figure → term card's front (its quiz side) at most PHONE_WIDTH px wide and
  PHONE_HEIGHT px tall: 844 px less the status bar (47), the app's top bar (44), its answer bar and home
  indicator (~84), the question line (~60) and the column's paddings and the figure's margins (~69). Its
  letters must be ≥ MIN_CARD_LETTER px there.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from dlexport.model import Asset, Placed

IMAGE_DPI = 200  # diagrams.style.DPI (not imported: it would load matplotlib)
LETTER = 0.75  # letter height / font size
CARD_WIDTH, CARD_HEIGHT = 760, 560  # px: the largest a desktop card shows a figure
PHONE_WIDTH, PHONE_HEIGHT = 360, 540  # px: the largest a phone shows the figure -> term card's front
PHONE_MEDIA = 480  # px: the card CSS shows phone variants on screens at most this wide
MIN_CARD_LETTER = 14.0  # px: the smallest letters a card may show
MIN_SLIDE_POINTS = 18.0  # pt: the smallest text a slide may show, as placed
SLIDE_AREA = (12.0, 4.39)  # in: where the default deck's figure slide shows a figure (tests/test_layouts.py)


def card_scale(width: int, height: int, card_width: int = CARD_WIDTH, card_height: int = CARD_HEIGHT) -> float:
    """Return the factor a card shows an image at: shrunk to fit card_width × card_height, never enlarged."""
    return min(1.0, card_width / width, card_height / height)


def letters(text: Placed, scale: float) -> float:
    """Return how tall a text's letters are, in px, when its image is shown at `scale`."""
    return text.points / 72 * IMAGE_DPI * scale * LETTER


def smallest(asset: Asset) -> Placed | None:
    """Return the text of the smallest font size (the first, if several), or None for an image without text."""
    return min(asset.texts, key=lambda t: t.points, default=None)


def card_problem(asset: Asset, width: int = CARD_WIDTH, height: int = CARD_HEIGHT, where: str = "a card") -> str:
    """Return why a card (`width` × `height` px at most: a desktop's, or a phone's for `where` = "a phone") can't
    show this figure legibly ("" if it can): its smallest text, and how tall its letters are at the size shown."""
    text = smallest(asset)
    if text is None:
        return ""
    scale = card_scale(asset.width, asset.height, width, height)
    size = letters(text, scale)
    if size >= MIN_CARD_LETTER:
        return ""
    shown = f"{round(asset.width * scale)}×{round(asset.height * scale)}"
    return (f"\"{_said(text)}\" ({text.points:g} pt) is {size:.1f} px tall on {where} that shows the "
            f"{asset.width}×{asset.height} figure at {shown} px; cards need ≥ {MIN_CARD_LETTER:g} px")


def phone_problem(asset: Asset) -> str:
    """Return why a phone can't show this figure → term card's front legibly ("" if it can)."""
    return card_problem(asset, PHONE_WIDTH, PHONE_HEIGHT, "a phone")


def slide_width(asset: Asset, area: tuple[float, float] = SLIDE_AREA) -> float:
    """Return how wide, in inches, a figure slide whose picture area is `area` (in) shows `asset`."""
    return min(area[0], area[1] * asset.width / asset.height)


def slide_problem(asset: Asset, placed_width: float) -> str:
    """Return why a slide showing `asset` `placed_width` inches wide shows a text below MIN_SLIDE_POINTS ("" if
    it doesn't)."""
    text = smallest(asset)
    if text is None:
        return ""
    size = slide_points(text, asset.width, placed_width)
    if size >= MIN_SLIDE_POINTS:
        return ""
    return (f"\"{_said(text)}\" ({text.points:g} pt) is {size:.1f} pt on a slide that shows the {asset.width}×"
            f"{asset.height} figure {placed_width:.2f} in wide; slides need ≥ {MIN_SLIDE_POINTS:g} pt")


def problem(asset: Asset, layout: str) -> str:
    """Return why the place `layout` ("card", "slide", "phone") can't show `asset` legibly ("" if it can); a
    slide as the default deck places it."""
    if layout == "slide":
        return slide_problem(asset, slide_width(asset))
    return phone_problem(asset) if layout == "phone" else card_problem(asset)


def overlaps(texts: tuple[Placed, ...]) -> list[tuple[str, str]]:
    """Return the pairs of texts drawn over each other: their boxes intersect by more than a pixel each way."""
    out = []
    for a, b in combinations(texts, 2):
        wide = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
        tall = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
        if wide > 1 and tall > 1:
            out.append((_said(a), _said(b)))
    return out


def _said(text: Placed) -> str:
    return " ".join(text.text.split())


def slide_points(text: Placed, image_width: int, placed_width: float) -> float:
    """Return a text's size in points on a slide that shows its image `placed_width` inches wide."""
    return text.points * placed_width / (image_width / IMAGE_DPI)


@dataclass(frozen=True)
class Layout:
    """A place that shows figures, as a drawer sees it: the largest figure to draw (inches, drawn at the size
    the place shows it, so a text of `small` points is legible there) and the font sizes to draw with."""

    name: str
    width: float  # in
    height: float  # in
    small: float  # pt: ticks, legends, cell numbers: the smallest text
    text: float  # pt: axis labels, panel titles, box labels
    big: float  # pt: headings


# A card shows a 6 in figure 760 px wide: 11 pt letters are 14.7 px there.
CARD = Layout("card", 6.0, 6.6, 11.0, 12.0, 13.0)
# A figure slide shows up to 12.0 × 4.39 in; drawn a little smaller, it is only ever enlarged.
SLIDE = Layout("slide", 11.8, 4.3, 18.5, 20.0, 22.0)
# A phone shows 3.6 in (720 px at IMAGE_DPI) at 360 px: 14 pt letters are 14.6 px there; 5.4 in = 540 px.
PHONE = Layout("phone", 3.6, 5.4, 14.0, 15.0, 16.0)
LAYOUTS = {layout.name: layout for layout in (CARD, SLIDE, PHONE)}
