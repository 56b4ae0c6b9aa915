"""Scale: a synthetic glossary of 2,000 terms (a handful with cheap figures) builds through the CLI."""

from __future__ import annotations

import json
import time
from pathlib import Path

import yaml

from .conftest import copy_basic, leftovers, run_cli

TERMS = 2000
FIGURES = 6  # the first terms get one cheap figure each


def synthetic_term(i: int) -> dict[str, object]:
    """Return term number `i`: Hangul text, three key points, a cloze fact, related to its neighbour."""
    term: dict[str, object] = {
        "id": f"term-{i:04d}", "section": "basics" if i % 2 else "models",
        "ko": f"합성 용어 {i}", "en": f"Synthetic Term {i}",
        "summary": f"{i}번째 합성 용어의 한 줄 요약이다.",
        "definition": f"{i}번째 용어는 규모 시험을 위해 만들어졌다. " * 3,
        "key_points": [f"요점 {k}: 가중치와 편향 {i}" for k in range(3)],
        "related": [f"term-{(i + 1) % TERMS:04d}"],
        "cloze": [f"합성 용어 {i}의 번호는 [[{i}]]이다."],
    }
    if i < FIGURES:
        term["figures"] = [{"kind": "rbm", "params": {"visible": 2 + i, "hidden": 2},
                            "caption": f"그림 {i}", "alt": f"그림 {i}의 설명"}]
    return term


def test_two_thousand_terms_build(tmp_path: Path) -> None:
    root = copy_basic(tmp_path / "용어" / "sources")
    for i in range(TERMS):
        data = yaml.safe_dump(synthetic_term(i), allow_unicode=True, sort_keys=False)
        (root / "terms" / f"{100 + i:05d}-term.yaml").write_text(data, encoding="utf-8")
    out = tmp_path / "out"
    start = time.perf_counter()
    result = run_cli("all", "--sources", root, "--out", out, "--cache", tmp_path / "cache", "--quiet",
                     process=True)  # a real process: its parallel drawing must not fork this test process
    seconds = time.perf_counter() - start
    print(f"{TERMS + 3} terms: {seconds:.1f} s")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and leftovers(out) == []
    counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert counts["terms"] == TERMS + 3 and counts["figures"] == FIGURES + 2
    # a term and a cloze note per term, the fixture's 6 notes, and an image-occlusion note per labelled rbm figure
    assert counts["notes"] == 2 * TERMS + 6 + FIGURES
