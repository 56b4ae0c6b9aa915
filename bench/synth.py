"""Write a synthetic sources/ tree of N Hangul terms with 1–2 cheap figures each, for benchmarks."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초"
KINDS = [
    ("feedforward", lambda r: {"layers": [r.randint(2, 5), r.randint(3, 6), r.randint(2, 4)]}),
    ("rbm", lambda r: {"visible": r.randint(3, 6), "hidden": r.randint(2, 4)}),
    ("dropout", lambda r: {"layers": [3, r.randint(4, 6), 2], "seed": r.randint(0, 10**6)}),
]


def words(r: random.Random, n: int) -> str:
    """Return `n` random Hangul pseudo-words."""
    return " ".join("".join(r.choice(SYLLABLES) for _ in range(r.randint(2, 4))) for _ in range(n))


def flow(items: dict[str, object]) -> str:
    """Return a YAML flow mapping for simple params."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in items.items()) + "}"


def term_yaml(i: int, r: random.Random, figures: int) -> str:
    """Return the source text of synthetic term `i`."""
    lines = [
        f"id: term-{i:05d}", f"section: {'theory' if i % 2 else 'architectures'}",
        f"ko: {words(r, 2)} {i}", f"en: Synthetic Term {i}", f"abbr: ST{i}",
        f"summary: {words(r, 8)}.", "definition: |", f"  {words(r, 40)}.", "", f"  {words(r, 30)}.",
        "key_points:", *[f"  - {words(r, 4)}" for _ in range(r.randint(3, 5))],
        "formulas:", f"  - latex: 'y_{{{i}}} = \\sigma(w x + b)'", "    label: 출력",
        "figures:",
    ]
    for k in range(figures):
        kind, params = KINDS[(i + k) % len(KINDS)]
        lines += [f"  - id: fig-{i:05d}-{k}", f"    kind: {kind}", f"    params: {flow(params(r))}",
                  f"    caption: {words(r, 6)}", f"    alt: {words(r, 10)}."]
    lines += [f"related: [term-{i - 1:05d}]" if i else "related: []",
              "references:", "  - authors: Kim, Lee", f"    year: {1990 + i % 30}", f"    title: Paper {i}",
              "cloze:", f"  - {words(r, 3)} [[{words(r, 1)}]] {words(r, 2)}."]
    return "\n".join(lines) + "\n"


def write(dest: Path, count: int, *, seed: int = 0, max_figures: int = 2) -> Path:
    """Write `count` terms (1..max_figures figures each) plus glossary.yaml under `dest`; return it."""
    r = random.Random(seed)
    (dest / "terms").mkdir(parents=True, exist_ok=True)
    (dest / "glossary.yaml").write_text(
        "id: synthetic\nname: synthetic\ntitle: 합성 용어집\nsubtitle: 벤치마크\nauthor: bench\n"
        "version: 0.0.0\nlanguage: ko\ntag_prefix: syn\nsections:\n"
        "  - {id: theory, ko: 이론, en: Theory}\n  - {id: architectures, ko: 구조, en: Architectures}\n",
        encoding="utf-8")
    for i in range(count):
        path = dest / "terms" / f"{i:05d}.yaml"
        path.write_text(term_yaml(i, r, r.randint(1, max_figures)), encoding="utf-8")
    return dest


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("count", type=int)
    args = parser.parse_args()
    print(write(args.dest, args.count))
