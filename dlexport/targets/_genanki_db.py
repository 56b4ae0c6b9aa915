"""Every use of genanki's undocumented API, behind one fence, so that a genanki upgrade breaks one module.

genanki documents one way out, `Package.write_to_file(path, timestamp)`: it writes the collection into a
temporary SQLite file it never deletes, zips it with the current time on every member, and gives every
note and note type the same mtime. The Anki target needs the collection alone (it zips the package itself,
with a fixed date and the media one at a time) and an mtime per note (so that re-importing a release does
not "update" notes that did not change), so it calls `Package.write_to_db` on an in-memory database for the
schema, decks and note types, and writes the `notes` and `cards` rows of Anki's schema 11 itself, as
genanki's `Note.write_to_db` writes them, from rows it can keep between builds (genanki's per-note Python,
above all its cloze scan, cost more than the rest of the collection). The collection is made from an empty
one (`empty_collection`: schema, decks, note types) that a build can keep, and the GUIDs (`guid_for`) and the
cards' ords (`ords_key`) are worked out so that a build whose note types, decks and notes' cards are as kept
imports genanki not at all (≈ 0.1–0.4 s: it pulls in asyncio and chevron). Each assumption made here about
genanki 0.13.1 (pinned exactly in pyproject.toml) has a test in tests/test_genanki_db.py.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
_CLOZE_NUMBER = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)  # genanki's `Note._cloze_cards` scan


class NoteType(NamedTuple):
    """What a note row needs of its note type when the collection starts from a kept `empty_collection`: its id
    and its fields (a genanki.Model has both)."""

    model_id: int
    fields: tuple[str, ...]


class Deck(NamedTuple):
    """A deck as the collection names it (a genanki.Deck has the same attributes)."""

    deck_id: int
    name: str
    description: str = ""


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


def guid_for(*values: object) -> str:
    """Return genanki's `guid_for(*values)` (the first 8 bytes of a SHA-256 in Anki's base 91), without importing
    genanki."""
    n = int.from_bytes(hashlib.sha256("__".join(str(v) for v in values).encode("utf-8")).digest()[:8], "big")
    out: list[str] = []
    while n > 0:
        n, digit = divmod(n, len(_BASE91))
        out.append(_BASE91[digit])
    return "".join(reversed(out))


def ords_key(cloze: bool, fields: Sequence[str]) -> tuple[object, ...]:
    """Return all that decides `card_ords` for a note of given note type: for a front/back type, which fields are
    filled (genanki's `_front_back_cards` tests each required field's truth); for a cloze type (`cloze`), the
    cloze numbers each field holds (its `_cloze_cards` scans the cloze fields, a subset, with this pattern)."""
    if cloze:  # most fields hold no cloze at all: the scan is skipped for them
        return tuple(tuple(_CLOZE_NUMBER.findall(f)) if "{{c" in f else () for f in fields)
    return tuple(bool(f) for f in fields)


def card_ords(model: Any, fields: Sequence[str]) -> tuple[int, ...]:
    """Return the ords of the cards genanki makes for a note of `model` with `fields` (its `Note.cards`)."""
    import genanki

    return tuple(card.ord for card in genanki.Note(model, list(fields)).cards)


def holding(decks: Sequence[Any], notes: Sequence[NoteRow]) -> dict[int, tuple[int, ...]]:
    """Return the ids of the note types each deck holds notes of, in the order genanki adds them (`decks`' order,
    then note order): what `empty_collection` writes of the notes."""
    order = {deck.deck_id: n for n, deck in enumerate(decks)}
    held: dict[int, dict[int, None]] = {deck.deck_id: {} for deck in decks}
    for note in sorted(notes, key=lambda note: order[note.deck_id]):
        held[note.deck_id][note.model.model_id] = None
    return {deck: tuple(ids) for deck, ids in held.items()}


def empty_collection(decks: Sequence[Any], held: Mapping[int, Sequence[Any]]) -> bytes:
    """Return `collection.anki2` with `decks` (genanki.Deck, without notes) and the note types (genanki.Model)
    that `held` says each deck holds notes of, and no note: what `collection` fills. A note type's JSON names
    the last deck holding its notes, as genanki writes it; its mtime is set by `collection`, so this depends
    on neither the notes' fields nor the build time."""
    import genanki

    for deck in decks:
        for model in held.get(deck.deck_id, ()):
            deck.add_model(model)
    db = sqlite3.connect(":memory:")
    try:
        genanki.Package(list(decks)).write_to_db(db.cursor(), 0, itertools.count())  # no note: no id drawn
        db.commit()
        return db.serialize()
    finally:
        db.close()


def collection(decks: Sequence[Any], notes: Sequence[NoteRow], epoch: int, note_mtimes: Mapping[str, int],
               type_mtime: int, type_keys: Mapping[int, Mapping[str, object]] | None = None,
               empty: bytes | None = None) -> bytes:
    """Return the bytes of `collection.anki2` holding `decks` and `notes`.

    The rows are those `write_to_file(timestamp=epoch)` writes for the decks holding the notes (in deck
    order, then note order): note and card ids count up from `epoch * 1000`, a note's id before its cards'.
    Each note whose GUID is in `note_mtimes` gets that mtime (else `epoch`), and every note type
    `type_mtime`. `type_keys` adds keys genanki has no argument for to the JSON of the note type with that
    id (e.g. the image-occlusion note type's `originalStockKind`). `empty` is the `empty_collection` of these
    decks and notes' note types (kept by the caller; `decks` may then be plain `Deck`s and the notes' models
    `NoteType`s); without it, `decks` are genanki.Decks and the models genanki.Models, and it is made here.
    """
    if empty is None:
        models = {note.model.model_id: note.model for note in notes}
        empty = empty_collection(decks, {d: [models[m] for m in ids] for d, ids in holding(decks, notes).items()})
    order = {deck.deck_id: n for n, deck in enumerate(decks)}
    notes = sorted(notes, key=lambda note: order[note.deck_id])  # stable: note order within a deck
    ids = itertools.count(epoch * 1000)
    db = sqlite3.connect(":memory:")
    try:
        db.deserialize(empty)
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
        models_json = json.loads(raw)
        for model in models_json.values():
            model["mod"] = type_mtime
            model.update((type_keys or {}).get(int(model["id"]), {}))
        db.execute("update col set models = ?", (json.dumps(models_json),))
        db.commit()
        return db.serialize()
    finally:
        db.close()
