"""`dlexport new`: write a complete, commented term file with TODO text where the content belongs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from dlexport.errors import UsageError, shown
from dlexport.load import GLOSSARY_FILE, MAX_ID, SLUG, TERMS_DIR

MODELINE = "# yaml-language-server: $schema=../schema/term.schema.json"
PREFIX = re.compile(r"^(\d{2})-")

TEMPLATE = """{modeline}
# A new term: replace every TODO (`python -m dlexport check --strict` lists those left), delete what you
# don't need among the optional keys, then run `python -m dlexport all` (or keep `serve` open).
# The file name's number orders the terms within their section.
id: {id}  # the term's id (lowercase letters, digits, hyphens); `related:` in other terms names it
section: {section}  # a section id from glossary.yaml
ko: {ko}  # the Korean name (the card's front, the slide title)
en: {en}  # the English name
abbr: ""  # optional abbreviation, e.g. CNN ("" for none)
summary: TODO 한 문장 요약 (카드 앞면과 목차에 쓰인다).
definition: |  # several paragraphs; a blank line separates them
  TODO 정의를 쓴다. 무엇인지, 왜 필요한지, 어떻게 동작하는지.
key_points:  # 3 to 6 short bullets (slides and the card's back)
  - TODO 핵심 1
  - TODO 핵심 2
formulas: []  # - latex: 'y = \\sigma(Wx + b)'
              #   label: 무엇을 계산하는지 한 줄
figures: []  # - kind: feedforward (a kind from the README's "Diagram kinds" table)
             #   params: {{layers: [3, 4, 2]}}
             #   caption: 그림 설명
             #   alt: 화면 낭독기가 읽을 그림 설명
related: []  # ids of other terms, e.g. [perceptron, backpropagation]
references: []  # - authors: …
                #   year: 1986
                #   title: …
                #   venue: …
cloze:  # facts to remember; the part in [[double brackets]] is hidden on the Anki card
  - TODO {id}에 관한 사실 한 문장, 가릴 부분은 [[이렇게]] 표시한다.
"""


def _quoted(text: str) -> str:
    """Return `text` as one YAML scalar on one line (quoted when plain YAML would read it otherwise)."""
    try:
        plain = yaml.safe_load(f"k: {text}") == {"k": text} and "#" not in text
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def term_text(term_id: str, section: str, ko: str | None = None, en: str | None = None) -> str:
    """Return the text of a new term file (every key, TODO where content belongs)."""
    return TEMPLATE.format(modeline=MODELINE, id=term_id, section=section,
                           ko=_quoted(ko or f"TODO {term_id}"), en=_quoted(en or f"TODO {term_id}"))


def next_prefix(used: Iterable[int]) -> int | None:
    """Return the number after the section's last one (10 for an empty section), or None past 99."""
    taken = set(used)
    start = max(taken, default=0) + 1 if taken else 10
    return next((n for n in range(start, 100) if n not in taken), None)


def _existing(terms: Path) -> list[tuple[Path, str, str]]:
    """Return (file, id, section) of every readable term file (broken ones are the loader's business)."""
    out = []
    for path in sorted(terms.glob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            data = None
        if isinstance(data, dict):
            out.append((path, str(data.get("id", "")), str(data.get("section", ""))))
    return out


def _sections(sources: Path) -> list[str]:
    """Return the section ids glossary.yaml lists, or raise UsageError when it can't be read."""
    path = sources / GLOSSARY_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise UsageError(f"{shown(path)} can't be read ({type(e).__name__}); run `check` to see why") from e
    sections = data.get("sections") if isinstance(data, dict) else None
    return [str(s["id"]) for s in sections or [] if isinstance(s, dict) and "id" in s]


def create(sources: Path, term_id: str, section: str, ko: str | None = None, en: str | None = None) -> Path:
    """Write sources/terms/NN-<id>.yaml for a new term and return its path; UsageError if it can't be."""
    if not SLUG.match(term_id) or len(term_id) > MAX_ID:
        raise UsageError(f"`{term_id}` is not a valid term id: use lowercase ASCII letters, digits and single "
                         f"hyphens (at most {MAX_ID}), e.g. `vanishing-gradient`")
    sections = _sections(sources)
    if section not in sections:
        raise UsageError(f"unknown section `{section}`: {GLOSSARY_FILE} has {', '.join(sections) or 'none'}")
    terms = sources / TERMS_DIR
    existing = _existing(terms)
    for path, tid, _ in existing:
        if tid == term_id:
            raise UsageError(f"term id `{term_id}` already exists: {shown(path)}")
    used = [int(m[1]) for path, _, s in existing if s == section and (m := PREFIX.match(path.name))]
    prefix = next_prefix(used)
    if prefix is None:
        raise UsageError(f"section `{section}` has no free number after {max(used)}: renumber its files")
    path = terms / f"{prefix:02d}-{term_id}.yaml"
    if path.exists():
        raise UsageError(f"{shown(path)} already exists")
    terms.mkdir(parents=True, exist_ok=True)
    path.write_text(term_text(term_id, section, ko, en), encoding="utf-8")
    return path
