"""Image-occlusion notes read back with the real Anki library: its own IO kind, one card per label, masks."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.notetypes_pb2 import StockNotetype
from PIL import Image

from dlexport import cards
from dlexport.diagrams import KINDS
from dlexport.load import load
from dlexport.model import Assets, Glossary, Settings
from dlexport.render import render_assets
from dlexport.targets import anki, occlusion

from .test_anki import EPOCH, import_apkg
from .test_anki_lifecycle import T1, T2, Repo
from .test_occlusion import write_lstm

IO_TYPE = "dlexport 그림 가리기"
# a second LSTM figure: two labels only, "hide one, guess one"
HIDE_ONE = """  - id: lstm-two
    kind: lstm_cell
    params: {peepholes: true}
    occlude: [forget_gate, cell]
    occlude_mode: hide-one
    caption: 엿보기 구멍이 있는 LSTM
    alt: 엿보기 구멍 연결이 있는 LSTM 블록
"""
_DIV = re.compile(r'<div class="(cloze|cloze-inactive|cloze-highlight)" data-ordinal="(\d+)" ([^>]*)></div>')
_DATA = re.compile(r'data-([A-Za-z]+)="([^"]*)"')


@dataclasses.dataclass
class Build:
    glossary: Glossary
    assets: Assets
    apkg: Path


@pytest.fixture
def lstm(basic_copy: Path, figure_cache: Path, tmp_path: Path) -> Build:
    """Build the fixture glossary with an LSTM term of two figures (hide all; two labels, hide one)."""
    write_lstm(basic_copy, HIDE_ONE)
    glossary = load(basic_copy)
    out = tmp_path / "out"
    assets, _ = render_assets(glossary, out, cache_dir=figure_cache, jobs=1)
    return Build(glossary, assets, anki.build(glossary, assets, out, Settings(epoch=EPOCH)).paths[0])


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    """Yield a fresh, empty Anki collection."""
    (tmp_path / "col").mkdir()
    c = Collection(str(tmp_path / "col" / "collection.anki2"))
    yield c
    c.close()


def shapes(html: str) -> list[tuple[str, int, dict[str, str]]]:
    """Return the masks a rendered side lists for the reviewer: (role, cloze number, data attributes)."""
    return [(role, int(n), dict(_DATA.findall(data))) for role, n, data in _DIV.findall(html)]


def io_notes(col: Collection) -> dict[str, int]:
    """Return {figure image name: note id} of the image-occlusion notes."""
    out = {}
    for nid in col.find_notes(f'"note:{IO_TYPE}"'):
        (name,) = re.findall(r'<img src="([^"]+)"', col.get_note(nid)["Image"])
        out[name] = nid
    return out


def test_anki_treats_them_as_its_image_occlusion_kind(lstm: Build, col: Collection) -> None:
    log = import_apkg(col, lstm.apkg)
    assert not log.conflicting  # type: ignore[attr-defined]
    model = col.models.by_name(IO_TYPE)
    assert model is not None and model["type"] == 1  # a cloze note type, like Anki's own
    # what Anki's editor asks (editor.current_notetype_is_image_occlusion) to open its mask editor
    assert model["originalStockKind"] == StockNotetype.OriginalStockKind.ORIGINAL_STOCK_KIND_IMAGE_OCCLUSION
    indexes = col._backend.get_image_occlusion_fields(model["id"])  # found by the fields' tags
    assert (indexes.occlusions, indexes.image, indexes.header, indexes.back_extra) == (0, 1, 2, 3)
    notes = io_notes(col)
    assert len(notes) == sum(len(cards.occluded_figures(t)) for t in lstm.glossary.terms)
    assert sum(name.startswith("lstm-") for name in notes) == 2
    for fig in lstm.glossary.term("lstm").figures:
        asset = lstm.assets.figures[fig.id]
        got = col.get_image_occlusion_note(notes[asset.path.name])  # what the mask editor loads
        assert got.WhichOneof("value") == "note", got
        assert got.note.image_file_name == asset.path.name and got.note.image_data == asset.path.read_bytes()
        assert sorted(o.ordinal for o in got.note.occlusions) == [cards.ordinal(fig.kind, x) for x in fig.occlude]
        assert got.note.occlude_inactive is (not fig.hide_one)
        assert got.note.header == lstm.glossary.term("lstm").title and got.note.back_extra == fig.caption
    stamp = model["mod"]
    col.fix_integrity()  # Tools → Check Database finds nothing to repair in the note type
    assert col.models.get(model["id"])["mod"] == stamp  # type: ignore[index]


def test_one_card_per_label_and_each_question_hides_its_own(
        lstm: Build, col: Collection) -> None:
    import_apkg(col, lstm.apkg)
    notes = io_notes(col)
    for fig in lstm.glossary.term("lstm").figures:
        asset = lstm.assets.figures[fig.id]
        note = col.get_note(notes[asset.path.name])
        asked = {cards.ordinal(fig.kind, label): label for label in fig.occlude}
        assert {c.ord + 1 for c in note.cards()} == set(asked)  # one card per label, numbered by label
        masks = occlusion.masks(anki.occlusion_cards(lstm.glossary.term("lstm"), fig, asset), asset.labels(),
                                asset.width, asset.height)
        for card in note.cards():
            question, answer = card.question(), card.answer()
            for side, active in ((question, "cloze"), (answer, "cloze-highlight")):
                listed = shapes(side)
                assert [n for role, n, _ in listed if role == active] == [card.ord + 1]
                inactive = [(n, d) for role, n, d in listed if role == "cloze-inactive"]
                assert sorted(n for n, _ in inactive) == sorted(set(asked) - {card.ord + 1})
                # hide all: the reviewer paints the others too (occludeInactive); hide one: only the asked one
                assert all((d.get("occludeInactive") == "1") is (not fig.hide_one) for _, d in inactive)
            # the study page's preview lists the masks exactly as Anki's reviewer gets them
            assert occlusion.rendered(masks, card.ord + 1, True, not fig.hide_one) in question
            assert occlusion.rendered(masks, card.ord + 1, False, not fig.hide_one) in answer


def test_every_mask_holds_its_label_and_touches_no_other(
        lstm: Build, col: Collection) -> None:
    import_apkg(col, lstm.apkg)
    media = Path(col.media.dir())
    for name, nid in io_notes(col).items():
        (fig,) = [f for f in lstm.glossary.figures() if lstm.assets.figures[f.id].path.name == name]
        labels = lstm.assets.figures[fig.id].labels()  # every askable label the image shows, pixel boxes
        with Image.open(media / name) as image:
            width, height = image.size
        by_ordinal = {cards.ordinal(fig.kind, label): label for label in fig.occlude}
        card = col.get_note(nid).cards()[0]
        for _, n, d in shapes(card.question()):
            left, top = float(d["left"]) * width, float(d["top"]) * height
            right, bottom = left + float(d["width"]) * width, top + float(d["height"]) * height
            x0, y0, x1, y1 = labels[by_ordinal[n]]
            assert left <= x0 and top <= y0 and right >= x1 and bottom >= y1, (by_ordinal[n], d)
            for other, (a0, b0, a1, b1) in labels.items():
                if other != by_ordinal[n]:
                    assert not (left < a1 and a0 < right and top < b1 and b0 < bottom), (by_ordinal[n], other)


def review(col: Collection, cid: int) -> None:
    """Answer one card "Good", as a learner would."""
    card = col.get_card(cid)
    card.start_timer()
    col.sched.answerCard(card, 3)


def shifted(assets: Assets, figure_id: str, dx: int, dy: int) -> Assets:
    """Return the assets with one figure's texts moved by (dx, dy) pixels (a redrawn figure, same labels)."""
    asset = assets.figures[figure_id]
    texts = tuple(dataclasses.replace(t, box=(t.box[0] + dx, t.box[1] + dy, t.box[2] + dx, t.box[3] + dy))
                  for t in asset.texts)
    moved = dataclasses.replace(asset, texts=texts)
    return dataclasses.replace(assets, figures={**assets.figures, figure_id: moved})


def test_moved_labels_update_the_masks_in_place_and_keep_the_history(
        lstm: Build, tmp_path: Path, col: Collection) -> None:
    import_apkg(col, lstm.apkg)
    (fig, _) = lstm.glossary.term("lstm").figures
    name = lstm.assets.figures[fig.id].path.name
    nid = io_notes(col)[name]
    before = {c.ord: c.id for c in col.get_note(nid).cards()}
    old_field = col.get_note(nid)["Occlusion"]
    for cid in before.values():
        review(col, cid)
    moved = shifted(lstm.assets, fig.id, -12, 9)
    out = tmp_path / "next"
    out.mkdir()
    log = import_apkg(col, anki.build(lstm.glossary, moved, out, Settings(epoch=EPOCH + 100)).paths[0])

    assert not log.new and not log.conflicting  # type: ignore[attr-defined]
    assert nid in {n.id.nid for n in log.updated}  # type: ignore[attr-defined]
    assert {m["name"] for m in col.models.all() if m["name"].startswith(IO_TYPE)} == {IO_TYPE}  # no "+" copy
    note = col.get_note(nid)
    assert note["Occlusion"] != old_field and {c.ord: c.id for c in note.cards()} == before
    assert all(col.get_card(cid).reps == 1 for cid in before.values())
    first = shapes(note.cards()[0].question())
    x0, y0, x1, y1 = moved.figures[fig.id].labels()[fig.occlude[0]]
    (d,) = [d for _, n, d in first if n == cards.ordinal(fig.kind, fig.occlude[0])]
    width, height = moved.figures[fig.id].width, moved.figures[fig.id].height
    left, top = float(d["left"]) * width, float(d["top"]) * height
    assert left <= x0 < x1 <= left + float(d["width"]) * width  # the mask followed its label
    assert top <= y0 < y1 <= top + float(d["height"]) * height


def test_an_added_label_adds_a_card_and_the_others_keep_theirs(
        tmp_path: Path, figure_cache: Path, col: Collection) -> None:
    repo = Repo(tmp_path / "repo")
    write_lstm(repo.sources, "    occlude: [forget_gate, cell]\n")
    repo.commit(T1, tag="v1.0.0")

    def release(epoch: int) -> Path:
        glossary = load(repo.sources)
        out = tmp_path / f"out-{epoch}"
        assets, _ = render_assets(glossary, out, cache_dir=figure_cache, jobs=1)
        return anki.build(glossary, assets, out, Settings(epoch=epoch, sources=repo.sources)).paths[0]

    import_apkg(col, release(T1))
    (nid,) = col.find_notes(f'"note:{IO_TYPE}" "tag:t::term::lstm"')
    before = {c.ord: c.id for c in col.get_note(nid).cards()}
    for cid in before.values():
        review(col, cid)
    stamps = dict(col.db.all("select id, mod from notes"))

    repo.edit("40-*.yaml", "    occlude: [forget_gate, cell]\n", "    occlude: [forget_gate, cell, cec]\n")
    repo.commit(T2, tag="v1.1.0")  # every shipped build is a tagged release (what later builds compare with)
    log = import_apkg(col, release(T2))
    assert {n.id.nid for n in log.updated} == {nid} and not log.new  # type: ignore[attr-defined]
    after = {c.ord: c.id for c in col.get_note(nid).cards()}
    cec = cards.ordinal("lstm_cell", "cec") - 1
    assert set(after) == {*before, cec} and {o: after[o] for o in before} == before
    assert all(col.get_card(cid).reps == 1 for cid in before.values()) and col.get_card(after[cec]).reps == 0
    assert dict(col.db.all("select id, mod from notes")) == {**stamps, nid: T2}  # a quiet release otherwise

    # a label the figure stops asking: its card stays (Anki never deletes on import), empty, and Anki's
    # Tools → Empty Cards lists exactly it, as when a learner deletes a mask in Anki's own mask editor
    repo.edit("40-*.yaml", "    occlude: [forget_gate, cell, cec]\n", "    occlude: [forget_gate, cell]\n")
    repo.commit(T2 + 50, tag="v1.2.0")
    import_apkg(col, release(T2 + 50))
    assert {c.ord: c.id for c in col.get_note(nid).cards()} == after
    assert [list(n.card_ids) for n in col.get_empty_cards().notes] == [[after[cec]]]

    repo.edit("40-*.yaml", "    occlude: [forget_gate, cell]\n", "    occlude: false\n")
    repo.commit(T2 + 100)
    import_apkg(col, release(T2 + 100))
    retired = col.get_note(nid)
    assert retired.has_tag("t::retired") and "(폐기됨)" in retired["Header"]
    assert {c.ord: c.id for c in retired.cards()} == after  # retired, not deleted: Anki never deletes

def test_verbose_lists_the_labels_each_figure_asks(lstm: Build) -> None:
    lines = [x for x in anki.describe_occlusions(lstm.glossary, lstm.assets) if "lstm" in x]
    labels = KINDS["lstm_cell"].labels
    every = ", ".join(f"c{i} {name}" for i, name in enumerate(labels, 1))
    left = ", ".join(x for x in labels if x not in ("forget_gate", "cell"))
    assert lines == [f"anki: figure lstm-1 (lstm_cell, hide all): {every}",
                     f"anki: figure lstm-two (lstm_cell, hide one): c{labels.index('forget_gate') + 1} forget_gate, "
                     f"c{labels.index('cell') + 1} cell; not asked: {left}"]


def test_labels_a_drawing_lacks_get_no_card_and_the_build_says_so(
        basic_copy: Path, figure_cache: Path, tmp_path: Path) -> None:
    path = basic_copy / "terms" / "10-퍼셉트론.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    occlude: false\n", ""), encoding="utf-8")
    glossary = load(basic_copy)
    fig = glossary.term("perceptron").figures[0]
    assets, _ = render_assets(glossary, tmp_path, cache_dir=figure_cache, jobs=1)
    shown = assets.figures[fig.id].labels()
    lacking = [x for x in fig.occlude if x not in shown]
    assert lacking and len(lacking) < len(fig.occlude)  # layers [3, 1]: no hidden layer
    result = anki.build(glossary, assets, tmp_path, Settings(epoch=EPOCH))
    assert f"{path}:{fig.line}: anki: figure {fig.id} does not show {', '.join(lacking)}" in result.notes[0]
    assert result.counts["cards"] == anki.counts(glossary)["cards"] - len(lacking)
    assert [c.key for c in anki.occlusion_cards(glossary.term("perceptron"), fig, assets.figures[fig.id])] == \
        [x for x in fig.occlude if x in shown]


@pytest.mark.slow
def test_every_labelled_kind_makes_an_occlusion_note_whose_masks_fit(
        basic_copy: Path, figure_cache: Path, tmp_path: Path, col: Collection) -> None:
    """Each kind with askable labels, drawn with its defaults: one note, a card per label, each question
    hiding its own label, every mask holding its label's text and touching no other askable label."""
    labelled = sorted(name for name, k in KINDS.items() if k.labels)
    for name in labelled:
        slug = name.replace("_", "-")
        (basic_copy / "terms" / f"90-{slug}.yaml").write_text(
            f"id: k-{slug}\nsection: models\nko: 그림 {slug}\nen: Figure {slug}\nsummary: 그림.\n"
            f"definition: 그림.\nkey_points: [그림]\nfigures:\n  - kind: {name}\n    caption: 그림\n    alt: 그림\n",
            encoding="utf-8")
    glossary = load(basic_copy)
    assets, _ = render_assets(glossary, tmp_path, cache_dir=figure_cache, jobs=2)
    import_apkg(col, anki.build(glossary, assets, tmp_path, Settings(epoch=EPOCH)).paths[0])
    notes = io_notes(col)
    for name in labelled:
        term = glossary.term(f"k-{name.replace('_', '-')}")
        (fig,) = term.figures
        asset = assets.figures[fig.id]
        shown = asset.labels()
        assert set(shown) == set(KINDS[name].labels), name  # its defaults draw every label it declares
        note = col.get_note(notes[asset.path.name])
        assert sorted(c.ord + 1 for c in note.cards()) == [cards.ordinal(name, x) for x in KINDS[name].labels]
        for card in note.cards():
            listed = shapes(card.question())
            (asked,) = [d for role, n, d in listed if role == "cloze"]
            assert [n for role, n, _ in listed if role == "cloze"] == [card.ord + 1], name
            label = KINDS[name].labels[card.ord]
            left, top = float(asked["left"]) * asset.width, float(asked["top"]) * asset.height
            right, bottom = left + float(asked["width"]) * asset.width, top + float(asked["height"]) * asset.height
            x0, y0, x1, y1 = shown[label]
            assert left <= x0 and top <= y0 and right >= x1 and bottom >= y1, (name, label)
            for other, (a0, b0, a1, b1) in shown.items():
                assert other == label or not (left < a1 and a0 < right and top < b1 and b0 < bottom), \
                    (name, label, other)
