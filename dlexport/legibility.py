"""How large a figure's texts are where it is shown (a card, a slide), and the bounds the build enforces.

Pure arithmetic on `Asset.texts` (each text's font size in points at IMAGE_DPI) and the image's size: no
matplotlib, no file IO. A text's letters (a Hangul syllable, a capital) are LETTER of its font size tall.

Where a card shows a figure (templates/anki/style.css): at most CARD_WIDTH px wide (the 40 em column at
19 px) and CARD_HEIGHT px tall (`max-height`), never enlarged. CARD_HEIGHT is what a 1280×800 Anki window
leaves the figure on the figure → term card's front without scrolling: 800 px less Anki's top toolbar and
answer bar (~90 px), the column's top padding and the question line (~89 px) and the figure's margins and the
column's bottom padding (~57 px) ≈ 564 px. A 390×844 phone shows the column ~360 px wide and has more height
than that to spare, so the desktop bound is the binding one.
"""

from __future__ import annotations

from dlexport.model import Asset, Placed

IMAGE_DPI = 200  # diagrams.style.DPI (not imported: it would load matplotlib)
LETTER = 0.75  # letter height / font size
CARD_WIDTH, CARD_HEIGHT = 760, 560  # px: the largest a desktop card shows a figure
PHONE_WIDTH = 360  # px: a phone card's column
MIN_CARD_LETTER = 14.0  # px: the smallest letters a card may show
MIN_SLIDE_POINTS = 18.0  # pt: the smallest text a slide may show, as placed


def card_scale(width: int, height: int, card_width: int = CARD_WIDTH, card_height: int = CARD_HEIGHT) -> float:
    """Return the factor a card shows an image at: shrunk to fit card_width × card_height, never enlarged."""
    return min(1.0, card_width / width, card_height / height)


def letters(text: Placed, scale: float) -> float:
    """Return how tall a text's letters are, in px, when its image is shown at `scale`."""
    return text.points / 72 * IMAGE_DPI * scale * LETTER


def smallest(asset: Asset) -> Placed | None:
    """Return the text of the smallest font size (the first, if several), or None for an image without text."""
    return min(asset.texts, key=lambda t: t.points, default=None)


def card_problem(asset: Asset) -> str:
    """Return why a card can't show this figure legibly ("" if it can): its smallest text, and how tall its
    letters are at the size the card shows it."""
    text = smallest(asset)
    if text is None:
        return ""
    scale = card_scale(asset.width, asset.height)
    size = letters(text, scale)
    if size >= MIN_CARD_LETTER:
        return ""
    shown = f"{round(asset.width * scale)}×{round(asset.height * scale)}"
    return (f"\"{' '.join(text.text.split())}\" ({text.points:g} pt) is {size:.1f} px tall on a card that shows the "
            f"{asset.width}×{asset.height} figure at {shown} px; cards need ≥ {MIN_CARD_LETTER:g} px")


def slide_points(text: Placed, image_width: int, placed_width: float) -> float:
    """Return a text's size in points on a slide that shows its image `placed_width` inches wide."""
    return text.points * placed_width / (image_width / IMAGE_DPI)


def min_slide_width(asset: Asset) -> float:
    """Return the width in inches a slide must give a figure for its smallest text to be ≥ MIN_SLIDE_POINTS."""
    text = smallest(asset)
    return 0.0 if text is None else MIN_SLIDE_POINTS / text.points * asset.width / IMAGE_DPI
