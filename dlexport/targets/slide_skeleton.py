"""A slide's XML as a skeleton with slots: made once per slide shape with lxml, then filled in per slide as bytes.

Building a slide's element tree (copying its layout's placeholders, adding pictures, text boxes and the footer)
and serialising it costs ≈ 1 ms; slides of the same shape — the same layout, pictures, text boxes and footer —
differ only in numbers (positions and sizes), alt texts and paragraphs. The slides target builds each shape
once with sentinel values in those places (`sentinel`, `descr_sentinel`, one paragraph marker per text
shape), serialises it, and cuts the bytes at the sentinels (`Skeleton.of`). A slide is then the skeleton
joined with its own values, escaped as libxml2 escapes them: the same bytes as building its tree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_BASE = 987650000000  # a sentinel number: no EMU value or template id comes near it (checked by `Skeleton.of`)
_SLOTS = re.compile(rb'(?<=")98765(\d{7})(?=")|\xee\x80\x82(\d+)\xee\x80\x82|<!--dlexport paragraph (\d+)-->')
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})  # as libxml2 escapes text
_SPECIAL = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                       "\t": "&#9;"})  # as libxml2 escapes an attribute's value


def sentinel(k: int) -> int:
    """Return the number that stands for number slot `k` in a skeleton's tree."""
    return _BASE + k


def descr_sentinel(k: int) -> str:
    """Return the text that stands for text slot `k` (an attribute's value) in a skeleton's tree."""
    return f"\ue002{k}\ue002"


def escaped(text: str) -> bytes:
    """Return `text` as libxml2 writes it in an element (UTF-8); raise ValueError on a character XML forbids."""
    return _encoded(text, _TEXT_SPECIAL, _TEXT)


def attribute(value: str) -> bytes:
    """Return `value` as lxml writes it inside a double-quoted attribute (UTF-8)."""
    return _encoded(value, _SPECIAL, _ATTR)


def _encoded(text: str, special: re.Pattern[str], table: dict[int, str]) -> bytes:
    if special.search(text) is None:  # most texts: one search (`str.translate` is slow on Hangul)
        return text.encode()
    if _NOT_XML.search(text):
        raise ValueError(f"not a character XML allows in {text!r}")
    return text.translate(table).encode()


@dataclass(frozen=True)
class Skeleton:
    """A serialised part cut at its slots: `literals[0]`, slot `order[0]`, `literals[1]`, … `literals[-1]`.

    Slots are numbered numbers first, then texts, then paragraph groups (`fill`'s `values` in that order).
    """

    literals: tuple[bytes, ...]
    order: tuple[int, ...]

    @classmethod
    def of(cls, xml: bytes, numbers: int, texts: int, paragraphs: int) -> Skeleton | None:
        """Return `xml` cut at its sentinels, or None unless each of the slots occurs exactly once."""
        literals, order, at = [], [], 0
        for m in _SLOTS.finditer(xml):
            literals.append(xml[at:m.start()])
            at = m.end()
            number, text, para = m.groups()
            order.append(int(number) if number is not None else
                         numbers + int(text) if text is not None else numbers + texts + int(para))
        literals.append(xml[at:])
        if sorted(order) != list(range(numbers + texts + paragraphs)):
            return None
        return cls(tuple(literals), tuple(order))

    def fill(self, values: Sequence[bytes]) -> bytes:
        """Return the part with `values[k]` in slot `k`."""
        out = [self.literals[0]]
        for k, literal in zip(self.order, self.literals[1:], strict=True):
            out += (values[k], literal)
        return b"".join(out)
