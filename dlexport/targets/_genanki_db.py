"""Every use of genanki's undocumented API, behind one fence, so that a genanki upgrade breaks one module.

genanki documents one way out, `Package.write_to_file(path, timestamp)`: it writes the collection into a
temporary SQLite file it never deletes, zips it with the current time on every member, and gives every
note and note type the same mtime. The Anki target needs the collection alone (it zips the package itself,
with a fixed date and the media one at a time) and an mtime per note (so that re-importing a release does
not "update" notes that did not change), so it calls `Package.write_to_db` on an in-memory database and
then edits the `notes` and `col` tables of Anki's schema 11. Each assumption made here about genanki
0.13.1 (pinned exactly in pyproject.toml) has a test in tests/test_genanki_db.py.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any


def collection(decks: Sequence[Any], epoch: int, note_mtimes: Mapping[str, int], type_mtime: int,
               type_keys: Mapping[int, Mapping[str, object]] | None = None) -> bytes:
    """Return the bytes of `collection.anki2` holding `decks` (genanki.Deck), written without a file.

    Note and card ids count up from `epoch * 1000`, as `write_to_file(timestamp=epoch)` numbers them;
    each note whose GUID is in `note_mtimes` gets that mtime, and every note type gets `type_mtime`.
    `type_keys` adds keys genanki has no argument for to the JSON of the note type with that id (e.g. the
    image-occlusion note type's `originalStockKind`).
    """
    import genanki

    db = sqlite3.connect(":memory:")
    try:
        genanki.Package(list(decks)).write_to_db(db.cursor(), epoch, itertools.count(epoch * 1000))
        # By rowid: Anki's schema has no index on guid, and a lookup by guid scans every note (quadratic).
        ids = dict(db.execute("select guid, id from notes"))
        db.executemany("update notes set mod = ? where id = ?",
                       sorted((t, ids[g]) for g, t in note_mtimes.items() if g in ids))
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
