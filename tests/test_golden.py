"""Golden files for the fixture (tests/roots/basic): every Anki note's fields and every slide's title.

Compared exactly, so a change to what a learner sees shows up as a reviewed diff of tests/golden/.
After an intended change, regenerate them with `DLEXPORT_UPDATE_GOLDEN=1 pytest tests/test_golden.py`.
Images are stand-ins of a fixed size (no drawing): the files depend on the content and the code only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dlexport.diagrams import KINDS
from dlexport.model import Asset, Assets, Glossary, Placed
from dlexport.targets import anki, slide_plan

GOLDEN = Path(__file__).resolve().parent / "golden"


def stand_in_assets(glossary: Glossary) -> Assets:
    """Return an Asset per figure and formula with a fixed name and size, as if they had been drawn; a figure
    shows each askable label of its kind in a row of boxes."""
    def labels(kind: str) -> tuple[Placed, ...]:
        return tuple(Placed(name, 20.0, (20 + 100 * i, 20, 90 + 100 * i, 50), name)  # legible on a slide
                     for i, name in enumerate(KINDS[kind].labels))
    figures = {f.id: Asset(Path("figures") / f"{f.id}.png", 1200, 800, f.alt, f.caption, labels(f.kind))
               for f in glossary.figures()}
    latex = sorted({f.latex for t in glossary.terms for f in t.formulas})
    formulas = {x: Asset(Path("figures") / f"formula-{i}.png", 400, 80, x, "") for i, x in enumerate(latex)}
    return Assets(figures, formulas)


def check_golden(name: str, text: str) -> None:
    """Compare `text` with tests/golden/<name>, or rewrite the file when DLEXPORT_UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("DLEXPORT_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
        return
    if not path.is_file():
        pytest.fail(f"{path} is missing: run DLEXPORT_UPDATE_GOLDEN=1 pytest tests/test_golden.py")
    assert text == path.read_text(encoding="utf-8"), \
        f"{name} differs from the golden file; if the change is intended, regenerate it " \
        "(DLEXPORT_UPDATE_GOLDEN=1 pytest tests/test_golden.py) and review the diff"


def test_anki_note_fields_match_the_golden_file(glossary: Glossary) -> None:
    plans = anki.notes(glossary, stand_in_assets(glossary))
    notes = [{"kind": p.kind, "guid": p.guid, "deck": p.deck, "tags": list(p.tags),
              "fields": dict(zip(anki.FIELDS[p.kind], p.fields, strict=True))}
             for p in plans]
    check_golden("anki-notes.json", json.dumps(notes, ensure_ascii=False, indent=1) + "\n")


def test_slide_titles_match_the_golden_file(glossary: Glossary) -> None:
    plans = slide_plan.slide_plan(glossary, stand_in_assets(glossary), epoch=1700000000)
    check_golden("slide-titles.txt", "".join(f"{p.kind}\t{p.title}\n" for p in plans))
