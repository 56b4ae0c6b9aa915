"""An incremental build (memos, the last outputs' zip members, the figure cache) writes exactly the bytes of a
cold build of the same sources: after a text edit, an insertion, a deletion and a figure's new params."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import synth  # writes the fixture glossary

from .conftest import run_cli

TERMS = 5


def outputs(out: Path) -> dict[str, bytes]:
    """Return every file a build left in `out` by relative path (.apkg, .pptx, .md, .html, figures, manifest)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)}


def build(sources: Path, out: Path, *, process: bool = False) -> dict[str, bytes]:
    """Build `all` from `sources` into `out` (SOURCE_DATE_EPOCH fixed by `run_cli`) and return its outputs."""
    result = run_cli("all", "--sources", sources, "--out", out, "-q", process=process)
    assert result.returncode == 0, result.stderr
    return outputs(out)


def edit_text(src: Path) -> None:
    """Change one term's summary."""
    path = src / "terms" / "00003.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^summary: ", "summary: 고친 요약 ", text), encoding="utf-8")


def insert_term(src: Path) -> None:
    """Add a term first in its section (files load in name order) whose heading has the anchor of the term
    after it ("!" is no part of an anchor): anchors are numbered in document order, so the existing term's
    anchor, and the links to it from the term that names it as related, change."""
    names = re.findall(r"(?m)^(?:ko|en|abbr): .*$", (src / "terms" / "00002.yaml").read_text(encoding="utf-8"))
    names[1] += "!"
    text = synth.term_yaml(90, random.Random(90), 1).replace("related: [term-00089]", "related: [term-00001]")
    text = re.sub(r"(?m)^ko: .*\nen: .*\nabbr: .*$", "\n".join(names), text)
    (src / "terms" / "00000-inserted.yaml").write_text(text, encoding="utf-8")


def delete_term(src: Path) -> None:
    """Remove the last term (no other term names it as related)."""
    (src / "terms" / f"{TERMS - 1:05d}.yaml").unlink()


def change_figure(src: Path) -> None:
    """Give the first term's feedforward figure new layers (its middle layer had at least 3 units)."""
    path = src / "terms" / "00000.yaml"
    text = path.read_text(encoding="utf-8")
    assert "kind: feedforward" in text
    path.write_text(re.sub(r"params: \{layers: \[[0-9, ]+\]\}", "params: {layers: [2, 2, 2]}", text, count=1),
                    encoding="utf-8")


STEPS: list[tuple[Callable[[Path], None], set[str]]] = [
    (edit_text, {".md", ".html", ".apkg", ".pptx"}),
    (insert_term, {".md", ".html", ".apkg", ".pptx", ".png"}),
    (delete_term, {".md", ".html", ".apkg", ".pptx", ".png"}),
    (change_figure, {".md", ".html", ".apkg", ".pptx", ".png"}),
]


def test_incremental_builds_are_byte_identical_to_cold_builds(tmp_path: Path) -> None:
    src = synth.write(tmp_path / "sources", TERMS, max_figures=1)
    first = build(src, tmp_path / "A", process=True)
    incremental = build(src, tmp_path / "B")
    assert incremental == first
    assert {Path(name).suffix for name in first} >= {".apkg", ".pptx", ".md", ".html", ".png", ".json"}
    for n, (edit, touched) in enumerate(STEPS):
        edit(src)
        before, incremental = incremental, build(src, tmp_path / "B")
        cold = build(src, tmp_path / f"cold-{n}", process=True)
        what = edit.__name__
        assert sorted(incremental) == sorted(cold), what
        differing = [name for name in cold if incremental[name] != cold[name]]
        assert differing == [], what
        # The edit reached the outputs (else this compares nothing new): each output it changes, changed.
        changed = {Path(name).suffix for name in incremental.keys() | before.keys()
                   if incremental.get(name) != before.get(name)}
        assert touched <= changed, (what, changed)
        shutil.rmtree(tmp_path / f"cold-{n}")


@pytest.mark.parametrize("edit", [edit_text, delete_term], ids=lambda e: e.__name__)
def test_an_edit_and_its_undo_give_back_the_first_outputs(tmp_path: Path, edit: Callable[[Path], None]) -> None:
    """Memos and reused zip members may not keep anything of the edited state once it is undone."""
    src = synth.write(tmp_path / "sources", TERMS, max_figures=1)
    original = {p: p.read_bytes() for p in (src / "terms").iterdir()}
    first = build(src, tmp_path / "B")
    edit(src)
    build(src, tmp_path / "B")
    shutil.rmtree(src / "terms")
    (src / "terms").mkdir()
    for path, data in original.items():
        path.write_bytes(data)
    assert build(src, tmp_path / "B") == first
