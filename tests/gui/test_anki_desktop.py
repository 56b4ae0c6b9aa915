"""The deck in the real Anki desktop app (aqt 26.9.3 under Xvfb): import, editor, duplicates, reviewer, releases."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dlexport import cards
from dlexport.diagrams import KINDS
from tests.conftest import ROOTS, SEED, artifacts_dir, require_tool, run_cli
from tests.gui.harness import prepare_base, run_scenario
from tests.test_occlusion import write_lstm

pytestmark = pytest.mark.slow

EPOCH = 1_700_000_000
TERM_ANSWER = '"card:용어 → 뜻"'  # the term → meaning card (template names are frozen)
OLD_DEFINITION = "  선형으로 나뉘는 문제만 풀 수 있다.\n"
NEW_DEFINITION = "  선형으로 나눌 수 있는 문제만 풀 수 있다(XOR은 풀지 못한다).\n"


def build_apkg(sources: Path, out: Path, cache: Path, epoch: int) -> Path:
    """Build the Anki package of `sources` with the CLI and return its path."""
    result = run_cli("anki", "--sources", sources, "--out", out, "--cache", cache,
                     env={"SOURCE_DATE_EPOCH": str(epoch)}, process=True)  # slow anyway: a cold build, a real process
    assert result.returncode == 0, result.stdout + result.stderr
    (apkg,) = out.glob("*.apkg")
    return apkg


def package_guids(apkg: Path) -> list[str]:
    """Return the GUIDs of the notes inside an .apkg, sorted."""
    with zipfile.ZipFile(apkg) as archive:
        data = archive.read("collection.anki2")
    db = apkg.with_suffix(".anki2")
    db.write_bytes(data)
    with sqlite3.connect(db) as con:
        return sorted(row[0] for row in con.execute("select guid from notes"))


@pytest.fixture(scope="module")
def figure_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a figure cache shared by this module's builds."""
    return tmp_path_factory.mktemp("figures")


@pytest.fixture(scope="module")
def seed_apkg(tmp_path_factory: pytest.TempPathFactory, figure_cache: Path) -> Path:
    """Return the package built from the real sources/."""
    require_tool("xvfb-run")
    return build_apkg(SEED, tmp_path_factory.mktemp("seed"), figure_cache, EPOCH)


@pytest.fixture(scope="module")
def deck_run(tmp_path_factory: pytest.TempPathFactory, seed_apkg: Path) -> dict[str, Any]:
    """Run the deck checks in one launch of the app and return what it reported."""
    shots = artifacts_dir("anki-desktop", tmp_path_factory)  # the answers as learners see them
    base = prepare_base(tmp_path_factory.mktemp("anki") / "base")
    return run_scenario("deck_checks", base, {"apkg": str(seed_apkg), "shots": str(shots),
                                              "answer_search": TERM_ANSWER}, timeout=900)


def test_file_import_adds_every_note_of_the_package(deck_run: dict[str, Any], seed_apkg: Path) -> None:
    assert deck_run["guids"] == package_guids(seed_apkg), deck_run["import_log"][:2000]


def test_opening_every_note_in_the_editor_changes_nothing(deck_run: dict[str, Any]) -> None:
    changed = []
    for nid, states in deck_run["round_trip"].items():
        before, after = states["before"], states["after"]
        if before != after:
            pairs = enumerate(zip(before["fields"], after["fields"], strict=True))
            fields = [(i, old, new) for i, (old, new) in pairs if old != new]
            changed.append(f"note {nid}: mod {before['mod']} → {after['mod']}; fields {fields}")
    assert deck_run["round_trip"]
    assert not changed, (f"{len(changed)} of {len(deck_run['round_trip'])} notes were rewritten by merely "
                         "opening them in Anki's editor:\n" + "\n".join(c[:600] for c in changed))


def test_find_duplicates_on_each_first_field_reports_no_group(deck_run: dict[str, Any]) -> None:
    assert len(deck_run["duplicates"]) >= 2  # the term and cloze note types, at least
    found = {name: d["report"] for name, d in deck_run["duplicates"].items() if d["groups"]}
    assert not found, found


def test_a_term_answer_fits_a_1280x800_window_above_its_fold(deck_run: dict[str, Any]) -> None:
    answers = deck_run["answers"]
    assert answers, "no term → meaning card was shown"
    for answer in answers:
        shot = Path(answer["shot"])
        assert answer["window"] == [1280, 800]
        assert shot.stat().st_size > 10_000, shot
        assert answer["fold_top"] is not None, f"the answer has no <details> fold (see {shot}):\n{answer['text']}"
        assert answer["fold_top"] >= 0 and answer["fold_label_bottom"] <= answer["viewport"], (
            f"the fold's label spans {answer['fold_top']:.0f}–{answer['fold_label_bottom']:.0f} px, outside the "
            f"{answer['viewport']} px viewport as the reviewer shows the answer (page {answer['page']} px, "
            f"scrolled {answer['scroll_y']} px; see {shot})")
        assert answer["fold_open"] is False, shot


@pytest.fixture(scope="module")
def lifecycle_run(tmp_path_factory: pytest.TempPathFactory, figure_cache: Path) -> dict[str, Any]:
    """Import release 1, study every card, import release 2 (one definition changed); return the report."""
    require_tool("xvfb-run")
    work = tmp_path_factory.mktemp("lifecycle")
    sources = work / "sources"
    shutil.copytree(ROOTS / "basic", sources)
    release1 = build_apkg(sources, work / "r1", figure_cache, EPOCH)
    (term,) = [p for p in (sources / "terms").glob("*.yaml") if OLD_DEFINITION in p.read_text(encoding="utf-8")]
    term.write_text(term.read_text(encoding="utf-8").replace(OLD_DEFINITION, NEW_DEFINITION), encoding="utf-8")
    release2 = build_apkg(sources, work / "r2", figure_cache, EPOCH + 30 * 86400)
    base = prepare_base(work / "base")
    return run_scenario("release_lifecycle", base, {"release1": str(release1), "release2": str(release2)},
                        timeout=600)


def test_a_later_release_updates_the_studied_note_in_place(lifecycle_run: dict[str, Any]) -> None:
    before, after = lifecycle_run["before"], lifecycle_run["after"]
    all_cards = {cid for note in before["notes"].values() for cid in note["cards"]}
    assert sorted(map(str, lifecycle_run["answered"])) == sorted(all_cards), "every card is answered once"
    assert all(n == 1 for note in before["notes"].values() for n in note["cards"].values())

    assert after["notetypes"] == before["notetypes"], lifecycle_run["log2"][:2000]
    assert not [name for name in after["notetypes"] if name.endswith("+")]
    assert after["notes"].keys() == before["notes"].keys(), lifecycle_run["log2"][:2000]
    for guid, old in before["notes"].items():
        new = after["notes"][guid]
        assert (new["nid"], new["cards"]) == (old["nid"], old["cards"]), guid  # same ids, reviews kept

    new_text = NEW_DEFINITION.strip()
    updated = [g for g, n in after["notes"].items() if any(new_text in f for f in n["fields"])]
    assert updated, f"the changed definition never arrived:\n{lifecycle_run['log2'][:2000]}"
    for guid in updated:
        assert not any(new_text in f for f in before["notes"][guid]["fields"])
        assert after["notes"][guid]["mod"] > before["notes"][guid]["mod"]


@pytest.fixture(scope="module")
def occlusion_run(tmp_path_factory: pytest.TempPathFactory, figure_cache: Path) -> dict[str, Any]:
    """Build the fixture with an LSTM figure, show its forget-gate card's question in the reviewer."""
    require_tool("xvfb-run")
    work = tmp_path_factory.mktemp("occlusion")
    sources = work / "sources"
    shutil.copytree(ROOTS / "basic", sources)
    write_lstm(sources)
    apkg = build_apkg(sources, work / "out", figure_cache, EPOCH)
    shots = artifacts_dir("anki-desktop", tmp_path_factory)
    ordinal = cards.ordinal("lstm_cell", "forget_gate")
    base = prepare_base(work / "base")
    return run_scenario("occlusion_checks", base, {
        "apkg": str(apkg), "search": f'"note:dlexport 그림 가리기" "tag:t::term::lstm" card:{ordinal}',
        "shot": str(shots / "occlusion-lstm-question.png"), "editor_shot": str(shots / "occlusion-editor.png"),
    }, timeout=300)


def test_the_reviewer_masks_the_asked_lstm_label_and_hides_the_others(occlusion_run: dict[str, Any]) -> None:
    question = occlusion_run["question"]
    assert question is not None and question["error"] == "", question
    assert occlusion_run["card"]["ord"] + 1 == cards.ordinal("lstm_cell", "forget_gate")
    masks = question["masks"]
    assert len(masks) == len(KINDS["lstm_cell"].labels)
    (asked,) = [m for m in masks if m["role"] == "cloze"]
    assert asked["ordinal"] == cards.ordinal("lstm_cell", "forget_gate")
    assert asked["centre"][:3] == [255, 142, 142], asked  # the active mask's colour (#ff8e8e) covers the label
    others = [m for m in masks if m["role"] == "cloze-inactive"]
    assert others and all(m["centre"][:3] == [255, 235, 162] for m in others), others  # #ffeba2: hide all
    canvas, image = question["canvas"], question["image"]
    assert all(abs(a - b) < 1.5 for a, b in zip(canvas, image, strict=True)), (canvas, image)  # masks sit on it
    assert Path(occlusion_run["shot"]).stat().st_size > 20_000


def test_anki_s_editor_opens_the_occlusion_note_as_image_occlusion(occlusion_run: dict[str, Any]) -> None:
    assert occlusion_run["editor_is_io"] is True
