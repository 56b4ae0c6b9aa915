"""Every use of genanki's undocumented API, behind one fence, so that a genanki upgrade breaks one module.

genanki documents one way out, `Package.write_to_file(path, timestamp)`: it writes the collection into a
temporary SQLite file it never deletes, zips it with the current time on every member, and gives every
note and note type the same mtime. The Anki target needs the collection alone (it zips the package itself,
with a fixed date and the media one at a time) and an mtime per note (so that re-importing a release does
not "update" notes that did not change), so it calls `Package.write_to_db` on an in-memory database for the
schema, decks and note types, and writes the `notes` and `cards` rows of Anki's schema 11 itself, as
genanki's `Note.write_to_db` writes them, from rows it can keep between builds (genanki's per-note Python,
above all its cloze scan, cost more than the rest of the collection). Each assumption made here about
genanki 0.13.1 (pinned exactly in pyproject.toml) has a test in tests/test_genanki_db.py.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NoteRow:
    """One note to write: its note type (a genanki.Model), deck id, GUID, fields, sort field, tags, due and the
    ords of its cards (`card_ords`)."""

    model: Any
    deck_id: int
    guid: str
    fields: tuple[str, ...]
    sort_field: str
    tags: tuple[str, ...]
    due: int
    ords: tuple[int, ...]


def card_ords(model: Any, fields: Sequence[str]) -> tuple[int, ...]:
    """Return the ords of the cards genanki makes for a note of `model` with `fields` (its `Note.cards`)."""
    import genanki

    return tuple(card.ord for card in genanki.Note(model, list(fields)).cards)


def collection(decks: Sequence[Any], notes: Sequence[NoteRow], epoch: int, note_mtimes: Mapping[str, int],
               type_mtime: int, type_keys: Mapping[int, Mapping[str, object]] | None = None) -> bytes:
    """Return the bytes of `collection.anki2` holding `decks` (genanki.Deck, without notes) and `notes`.

    The rows are those `write_to_file(timestamp=epoch)` writes for the decks holding the notes (in deck
    order, then note order): note and card ids count up from `epoch * 1000`, a note's id before its cards'.
    Each note whose GUID is in `note_mtimes` gets that mtime (else `epoch`), and every note type
    `type_mtime`. `type_keys` adds keys genanki has no argument for to the JSON of the note type with that
    id (e.g. the image-occlusion note type's `originalStockKind`).
    """
    import genanki

    order = {deck.deck_id: n for n, deck in enumerate(decks)}
    notes = sorted(notes, key=lambda note: order[note.deck_id])  # stable: note order within a deck
    for note in notes:  # a note type's JSON names the last deck holding its notes, as genanki writes it
        decks[order[note.deck_id]].add_model(note.model)
    ids = itertools.count(epoch * 1000)
    db = sqlite3.connect(":memory:")
    try:
        genanki.Package(list(decks)).write_to_db(db.cursor(), epoch, ids)
        note_rows: list[tuple[object, ...]] = []
        card_rows: list[tuple[object, ...]] = []
        for note in notes:
            if len(note.fields) != len(note.model.fields) or any(" " in tag for tag in note.tags):
                raise ValueError(f"note {note.guid}: {len(note.fields)} fields for {len(note.model.fields)}, "
                                 f"or a tag with a space in {note.tags}")
            nid = next(ids)
            note_rows.append((nid, note.guid, note.model.model_id, note_mtimes.get(note.guid, epoch), -1,
                              " " + " ".join(note.tags) + " ", "\x1f".join(note.fields), note.sort_field, 0, 0, ""))
            card_rows += [(next(ids), nid, note.deck_id, o, epoch, -1, 0, 0, note.due, 0, 0, 0, 0, 0, 0, 0, 0, "")
                          for o in note.ords]
        db.executemany("insert into notes values (?,?,?,?,?,?,?,?,?,?,?)", note_rows)
        db.executemany("insert into cards values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", card_rows)
        (raw,) = db.execute("select models from col").fetchone()
        models = json.loads(raw)
        for model in models.values():
            model["mod"] = type_mtime
            model.update((type_keys or {}).get(int(model["id"]), {}))
        db.execute("update col set models = ?", (json.dumps(models),))
        db.commit()
        return db.serialize()
    finally:
        db.close()
