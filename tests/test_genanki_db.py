"""One test per assumption dlexport/targets/_genanki_db.py makes about genanki's undocumented API."""

from __future__ import annotations

import importlib.metadata
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import genanki
import pytest

from dlexport.targets import _genanki_db

EPOCH = 1700000000


MODEL = genanki.Model(1607392319, "시험 유형", fields=[{"name": "앞"}, {"name": "뒤"}],
                      templates=[{"name": "정방향", "qfmt": "{{앞}}", "afmt": "{{뒤}}"},
                                 {"name": "역방향", "qfmt": "{{뒤}}", "afmt": "{{앞}}"}])
CLOZE = genanki.Model(1607392320, "시험 빈칸", fields=[{"name": "글"}, {"name": "덧"}],
                      templates=[{"name": "빈칸", "qfmt": "{{cloze:글}}", "afmt": "{{cloze:글}}<br>{{덧}}"}],
                      model_type=genanki.Model.CLOZE)
NOTES = (  # deck, GUID, note type, fields: the subdeck's note comes first, and a cloze note has two cards
    (2059400111, "g-c", MODEL, ("다", "다의 뜻")), (2059400110, "g-a", MODEL, ("가", "가의 뜻")),
    (2059400110, "g-b", MODEL, ("나", "")), (2059400111, "g-d", CLOZE, ("{{c1::라}} {{c2::마}}", "")))


def _decks(with_notes: bool = True) -> list[genanki.Deck]:
    """Return a deck and a subdeck: four notes (with_notes) of two note types, with Hangul fields."""
    decks = {2059400110: genanki.Deck(2059400110, "시험"), 2059400111: genanki.Deck(2059400111, "시험::하위")}
    for deck, guid, model, fields in NOTES if with_notes else ():
        decks[deck].add_note(genanki.Note(model, list(fields), guid=guid, tags=["가::나", "t"], due=3))
    return list(decks.values())


def _ours(mtimes: dict[str, int] | None = None, type_mtime: int = EPOCH) -> bytes:
    """Return our collection of the same decks and notes."""
    rows = [_genanki_db.NoteRow(model, deck, guid, fields, fields[0], ("가::나", "t"), 3,
                                _genanki_db.card_ords(model, fields)) for deck, guid, model, fields in NOTES]
    return _genanki_db.collection(_decks(with_notes=False), rows, EPOCH, mtimes or {}, type_mtime)


def _open(blob: bytes, tmp_path: Path) -> sqlite3.Connection:
    path = tmp_path / "collection.anki2"
    path.write_bytes(blob)
    return sqlite3.connect(path)


def _rows(db: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Return every table's rows, `col.models` parsed (genanki's text repeats a note type's key per deck)."""
    tables = [t for (t,) in db.execute("select name from sqlite_master where type = 'table' order by name")]
    rows = {t: sorted(db.execute(f"select * from {t}"), key=repr) for t in tables}
    rows["models"] = [tuple(json.loads(m).items()) for (m,) in db.execute("select models from col")]
    rows["col"] = list(db.execute("select crt, mod, scm, ver, dty, usn, ls, conf, decks, dconf, tags from col"))
    return rows


def test_genanki_is_the_pinned_version() -> None:
    assert importlib.metadata.version("genanki") == "0.13.1"


def test_write_to_db_writes_the_collection_write_to_file_zips(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Same rows in every table as the documented way, which also leaves its temporary database behind."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    genanki.Package(_decks()).write_to_file(str(tmp_path / "theirs.apkg"), timestamp=EPOCH)
    assert len(list(temp.iterdir())) == 1  # the leak the fence avoids
    with zipfile.ZipFile(tmp_path / "theirs.apkg") as z:
        (tmp_path / "theirs.anki2").write_bytes(z.read("collection.anki2"))
    theirs = sqlite3.connect(tmp_path / "theirs.anki2")
    ours = _open(_ours(), tmp_path)
    assert _rows(ours) == _rows(theirs)
    assert ours.execute("select count(*) from notes").fetchone() == (4,)


def test_writing_the_collection_creates_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert _ours()
    assert list(tmp_path.iterdir()) == []


def test_ids_count_up_from_the_epoch_and_the_bytes_repeat(tmp_path: Path) -> None:
    blob = _ours()
    assert _ours() == blob
    db = _open(blob, tmp_path)
    notes = [n for (n,) in db.execute("select id from notes order by id")]
    cards = [c for (c,) in db.execute("select id from cards order by id")]
    assert sorted(notes + cards) == list(range(EPOCH * 1000, EPOCH * 1000 + 11))  # 4 notes, 7 cards


def test_note_and_note_type_mtimes_are_what_anki_reads(tmp_path: Path) -> None:
    """The `notes.mod` column by GUID and `col.models[*].mod` are the mtimes Anki itself reports."""
    from anki.collection import Collection

    blob = _ours({"g-a": EPOCH - 500, "g-c": EPOCH + 7}, EPOCH - 900)
    raw = _open(blob, tmp_path)
    mtimes = {"g-a": EPOCH - 500, "g-b": EPOCH, "g-c": EPOCH + 7, "g-d": EPOCH}
    assert dict(raw.execute("select guid, mod from notes")) == mtimes
    assert [m["mod"] for m in json.loads(raw.execute("select models from col").fetchone()[0]).values()] == \
        [EPOCH - 900, EPOCH - 900]
    raw.close()
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        notes = {col.get_note(n).guid: col.get_note(n).mod for n in col.find_notes("")}
        assert notes == mtimes
        assert [m["mod"] for m in col.models.all()] == [EPOCH - 900, EPOCH - 900]
    finally:
        col.close()


def test_guid_for_is_genankis() -> None:
    for values in [("dl", "relu", "term"), ("용어집", "퍼셉트론", "cloze", "선형"), (1, 2.5, "x"), ("",), ()]:
        assert _genanki_db.guid_for(*values) == genanki.guid_for(*values)


FILLS = ("", "가", "{{c1::가}}", "{{c2::가}} {{c1::나}}", "{{c3::}}", "{{c1::a\nb}}", "{{c0::가}}", "{{c12::다}}")


@pytest.mark.parametrize("model", [MODEL, CLOZE], ids=["front/back", "cloze"])
def test_ords_key_decides_the_cards_genanki_makes(model: genanki.Model) -> None:
    """Notes whose `ords_key` is equal get the same cards: a kept ords list is the one genanki would make."""
    by_key: dict[tuple[object, ...], tuple[int, ...]] = {}
    for first in FILLS:
        for second in FILLS:
            fields = (first, second)
            ords = _genanki_db.card_ords(model, fields)
            assert by_key.setdefault(_genanki_db.ords_key(model is CLOZE, fields), ords) == ords, fields
    assert len(set(by_key.values())) > 1  # the fills do change the cards


def test_a_kept_empty_collection_gives_the_same_bytes(tmp_path: Path) -> None:
    """The collection filled from a kept `empty_collection`, with plain decks and note types (no genanki
    object), is the one made from genanki's decks and models."""
    rows = [_genanki_db.NoteRow(model, deck, guid, fields, fields[0], ("가::나", "t"), 3,
                                _genanki_db.card_ords(model, fields)) for deck, guid, model, fields in NOTES]
    decks = _decks(with_notes=False)
    held = _genanki_db.holding(decks, rows)
    models = {MODEL.model_id: MODEL, CLOZE.model_id: CLOZE}
    empty = _genanki_db.empty_collection(_decks(with_notes=False),
                                         {d: [models[m] for m in ids] for d, ids in held.items()})
    plain = [_genanki_db.Deck(d.deck_id, d.name, d.description) for d in decks]
    light = [r.__class__(_genanki_db.NoteType(r.model.model_id, tuple(f["name"] for f in r.model.fields)),
                         *(getattr(r, f) for f in ("deck_id", "guid", "fields", "sort_field", "tags", "due", "ords")))
             for r in rows]
    assert _genanki_db.collection(plain, light, EPOCH, {}, EPOCH, empty=empty) == _ours()
    assert _genanki_db.holding(plain, light) == held == {2059400110: (MODEL.model_id,),
                                                         2059400111: (MODEL.model_id, CLOZE.model_id)}
