"""Tests for image-occlusion masks (dlexport/targets/occlusion.py), the `occlude` source options and the
append-only label order that fixes each label's cloze number."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from dlexport import cards
from dlexport.diagrams import KINDS
from dlexport.errors import SourceError
from dlexport.load import load
from dlexport.model import Figure, Term
from dlexport.targets import occlusion

GOLDEN = Path(__file__).resolve().parent / "golden" / "occlusion-labels.json"

LSTM = """id: lstm
section: models
ko: 장단기 메모리
en: Long Short-Term Memory
abbr: LSTM
summary: 게이트로 기억을 조절하는 순환 신경망.
definition: 입력, 망각, 출력 게이트가 셀의 쓰기, 지우기, 읽기를 조절한다.
key_points: [세 게이트, 상수 오차 회전목마]
figures:
  - kind: lstm_cell
    caption: LSTM 메모리 블록
    alt: 입력, 망각, 출력 게이트와 셀
{extra}"""


def write_lstm(sources: Path, extra: str = "") -> Path:
    """Add an LSTM term (one lstm_cell figure plus `extra` YAML lines under it) to a sources copy."""
    path = sources / "terms" / "40-lstm.yaml"
    path.write_text(LSTM.format(extra=extra), encoding="utf-8")
    return path


def test_labels_are_append_only() -> None:
    """A label's cloze number is its place in its kind's labels: a release may only add labels at the end.

    tests/golden/occlusion-labels.json holds every kind's labels as released; DLEXPORT_UPDATE_GOLDEN=1
    records labels appended since (never a reordering, renaming or removal: that would move cards).
    """
    released: dict[str, list[str]] = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    now = {name: list(k.labels) for name, k in sorted(KINDS.items()) if k.labels}
    for name, labels in released.items():
        assert now.get(name, [])[:len(labels)] == labels, \
            f"{name}: labels may only be appended (a card's number is its label's place), was {labels}"
    if os.environ.get("DLEXPORT_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(now, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        released = now
    assert released == now, "new labels: record them with DLEXPORT_UPDATE_GOLDEN=1 pytest tests/test_occlusion.py"
    for name, labels in now.items():
        assert len(set(labels)) == len(labels), name


def test_ordinals_follow_the_kind_not_the_figure(basic_copy: Path) -> None:
    write_lstm(basic_copy, "    occlude: [cell, forget_gate]\n    occlude_mode: hide-one\n")
    term = load(basic_copy).term("lstm")
    (fig,) = term.figures
    assert fig.occlude == ("forget_gate", "cell") and fig.hide_one  # in the kind's order
    labels = KINDS["lstm_cell"].labels
    assert [(c.key, c.ordinal) for c in cards.occlusion_cards(fig, term)] == \
        [("forget_gate", labels.index("forget_gate") + 1), ("cell", labels.index("cell") + 1)]
    assert [(c.key, c.ordinal) for c in cards.occlusion_cards(fig, term, drawn={"cell"})] == \
        [("cell", labels.index("cell") + 1)]


def test_a_figure_asks_every_label_of_its_kind_unless_told(basic_copy: Path) -> None:
    write_lstm(basic_copy, "  - kind: lstm_cell\n    occlude: false\n    caption: 또 하나\n    alt: 또 하나\n")
    glossary = load(basic_copy)
    first, second = glossary.term("lstm").figures
    assert first.occlude == KINDS["lstm_cell"].labels and not first.hide_one
    assert second.occlude == ()
    assert cards.occluded_figures(glossary.term("lstm")) == (first,)
    no_labels = [f for f in glossary.figures() if not KINDS[f.kind].labels]
    assert all(f.occlude == () for f in no_labels)


@pytest.mark.parametrize(("extra", "line", "message", "fix"), [
    ("    occlude: [forget_gate, forgot_gate]\n", 13, "`forgot_gate` is not an askable label of `lstm_cell`",
     "did you mean `forget_gate`? valid names: input_gate, output_gate, forget_gate"),
    ("    occlude: [cell, cell]\n", 13, "`cell` is listed twice", "list each label once"),
    ("    occlude: []\n", 13, "`occlude` is an empty list", "or write `occlude: false`"),
    ("    occlude: true\n", 13, "`occlude: true` is not an option", "write `false`"),
    ("    occlude_mode: hide-some\n", 13, "unknown `occlude_mode` `hide-some`", "use one of: hide-all, hide-one"),
])
def test_occlude_mistakes_are_file_line_errors(basic_copy: Path, extra: str, line: int, message: str,
                                               fix: str) -> None:
    path = write_lstm(basic_copy, extra)
    with pytest.raises(SourceError) as e:
        load(basic_copy)
    (problem,) = e.value.problems
    assert problem.path == path and problem.line == line, problem
    assert message in problem.message and fix in problem.fix, problem


def test_a_kind_without_labels_offers_none(basic_copy: Path) -> None:
    kind = next(k for k, v in sorted(KINDS.items()) if not v.labels and not v.files)
    write_lstm(basic_copy, f"  - kind: {kind}\n    occlude: [layer]\n    caption: 그림\n    alt: 그림\n")
    with pytest.raises(SourceError) as e:
        load(basic_copy)
    (problem,) = e.value.problems
    assert problem.line == 14 and f"`layer` is not an askable label of `{kind}`" in problem.message
    assert f"none: `{kind}` has no askable labels, write `occlude: false`" in problem.fix


def _card(label: str, ordinal: int) -> cards.Card:
    term = Term("t", "s", "가", "A", "", "", "", (), (), (), (), (), (), Path("t.yaml"))
    return cards.Card(cards.OCCLUSION, term, key=label, figure=Figure("f", "lstm_cell", {}, "", "", "t"),
                      ordinal=ordinal)


def test_masks_grow_by_the_margin_but_never_onto_another_label() -> None:
    boxes = {"a": (100, 100, 200, 130), "b": (100, 134, 200, 160), "c": (0, 0, 20, 10)}
    a, b, c = occlusion.masks([_card("a", 1), _card("b", 2), _card("c", 3)], boxes, 1000, 500)
    for mask, name in ((a, "a"), (b, "b"), (c, "c")):
        x0, y0, x1, y1 = mask.pixels(1000, 500)
        bx0, by0, bx1, by1 = boxes[name]
        assert x0 <= bx0 and y0 <= by0 and x1 >= bx1 and y1 >= by1, name  # holds its label
        for other, box in boxes.items():
            if other != name:
                assert not (x0 < box[2] and box[0] < x1 and y0 < box[3] and box[1] < y1), (name, other)
    assert c.left == 0 and c.top == 0  # clamped to the image
    assert c.pixels(1000, 500)[2] >= 20 + occlusion.MARGIN - 1  # a full margin where there is room
    assert a.pixels(1000, 500)[3] <= 134  # a 4-pixel gap: a and b share it without touching the other


def test_fractions_are_written_as_anki_writes_them() -> None:
    assert [occlusion.display(Decimal(v)) for v in ("0", "0.25", "0.1230", "1", "0.00005")] == \
        [".0000", ".25", ".123", "1.", ".0001"]
    mask = occlusion.Mask("a", 3, Decimal("0.1"), Decimal("0.2"), Decimal("0.05"), Decimal("0.0125"))
    assert occlusion.occlusion_field([mask], hide_all=True) == \
        "{{c3::image-occlusion:rect:left=.1:top=.2:width=.05:height=.0125:oi=1}}<br>"
    assert occlusion.occlusion_field([mask], hide_all=False) == \
        "{{c3::image-occlusion:rect:left=.1:top=.2:width=.05:height=.0125}}<br>"
