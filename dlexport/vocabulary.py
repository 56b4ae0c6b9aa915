"""Find the words a glossary has agreed not to use (sources/vocabulary.yaml) in a term's texts.

The rule, in one place:

- Every `avoid` word found in a text is reported with the `ko` word to write instead.
- Matching is literal. Where reported words overlap, only the longest is reported
  (경사하강법, not also 경사), and text that lies inside any entry's preferred word is never
  reported (경사 inside 경사 하강법), nor inside a word listed under `except` (로스 inside 크로스).
- A synonym may be given once per term, inside parentheses written right after its preferred word:
  "기울기 소실(경사 소멸, 경사 사라짐)", "손실 함수 (비용 함수)". A second such mention is reported.

Nothing here reads files: `scan` takes texts and returns where the avoided words are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FILE = "vocabulary.yaml"


@dataclass(frozen=True)
class Word:
    """One idea: the Korean word to write, its English name, and the variants to avoid."""

    ko: str
    en: str = ""
    avoid: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()  # longer words that merely contain an avoided one (크로스 for 로스)
    note: str = ""


@dataclass(frozen=True)
class Hit:
    """An avoided word at [start, end) of text number `text` in the sequence given to `scan`."""

    text: int
    start: int
    end: int
    found: str
    word: Word

    def message(self) -> tuple[str, str]:
        """Return what is wrong and how to fix it, for a file:line:col report."""
        en = f" ({self.word.en})" if self.word.en else ""
        return (f"`{self.found}` is not the glossary's word",
                f"write `{self.word.ko}`{en} (sources/{FILE})")


def _spans(text: str, needle: str) -> Iterable[tuple[int, int]]:
    start = text.find(needle)
    while start >= 0 and needle:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


def _opening(text: str, start: int) -> int:
    """Return the index of the "(" whose group encloses position `start`, or -1."""
    depth = 0
    for i in range(start - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            if depth == 0:
                return i
            depth -= 1
    return -1


def _is_synonym(text: str, start: int, word: Word) -> bool:
    """Return whether the text at `start` sits in parentheses that follow `word.ko` directly."""
    opening = _opening(text, start)
    return opening >= 0 and text[:opening].rstrip(" ").endswith(word.ko)


def _candidates(words: Sequence[Word], text: str) -> list[tuple[int, int, str, Word]]:
    """Return every avoided word in `text` that no preferred word or exception covers, longest first."""
    shelter = [s for w in words for phrase in (w.ko, *w.exceptions) for s in _spans(text, phrase)]
    found = [(a, b, v, w) for w in words for v in w.avoid for a, b in _spans(text, v)
             if not any(s <= a and b <= e for s, e in shelter)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str, Word]] = []
    for f in sorted(found, key=lambda f: -(f[1] - f[0])):
        if not any(k[0] < f[1] and f[0] < k[1] for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f[0])


def scan(words: Sequence[Word], texts: Sequence[str]) -> list[Hit]:
    """Return the avoided words in the texts of one term, in order; the first parenthesised synonym is allowed."""
    hits: list[Hit] = []
    used: set[tuple[str, str]] = set()
    for n, text in enumerate(texts):
        for start, end, found, word in _candidates(words, text):
            if (word.ko, found) not in used and _is_synonym(text, start, word):
                used.add((word.ko, found))
                continue
            hits.append(Hit(n, start, end, found, word))
    return hits
