"""Steps that run inside the Anki desktop app: generators that drive its real windows (see harness.py).

Each step is a generator that yields seconds to wait on Qt's event loop; compose them with
`yield from`. Nothing here imports dlexport: this module is loaded by Anki's own Python.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable
from typing import Any

Steps = Generator[float, None, Any]


def wait_for(condition: Callable[[], object], timeout: float, what: str, poll: float = 0.1) -> Steps:
    """Yield until `condition()` is truthy; raise after `timeout` seconds naming `what`."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout} s")
        yield poll
    return value


def eval_js(web: Any, js: str, timeout: float = 10) -> Steps:
    """Run `js` in an Anki web view and return its (JSON-compatible) value."""
    box: list[Any] = []
    web.evalWithCallback(js, box.append)
    yield from wait_for(lambda: box, timeout, f"JS result of {js[:60]!r}")
    return box[0]


def import_package(mw: Any, path: str) -> Steps:
    """Import an .apkg the way File → Import does, press Import, and return the import log's text."""
    from aqt.import_export.import_dialog import ImportDialog
    from aqt.import_export.importing import import_file
    from aqt.qt import Qt

    import_file(mw, path)
    dialog = yield from wait_for(lambda: next(iter(mw.findChildren(ImportDialog)), None), 20, "import dialog")
    click = "(() => { const b = document.querySelector('.import'); if (b) { b.click(); } return !!b; })()"
    deadline = time.monotonic() + 30
    while not (yield from eval_js(dialog.web, click)):
        if time.monotonic() > deadline:
            raise TimeoutError("the import page never showed its Import button")
        yield 0.2
    # Anki makes the dialog non-modal when the import has finished (mediasrv.import_done).
    yield from wait_for(lambda: dialog.windowModality() == Qt.WindowModality.NonModal, 120, "import to finish")
    yield 0.5
    log = yield from eval_js(dialog.web, "document.body.innerText")
    dialog.reject()
    dialog.deleteLater()
    yield 0.2
    return str(log)


def note_state(mw: Any, nid: int) -> dict[str, Any]:
    """Return a note's fields, tags and modification time as stored in the collection."""
    note = mw.col.get_note(nid)
    return {"fields": list(note.fields), "tags": list(note.tags), "mod": note.mod, "usn": note.usn}


def edit_round_trip(mw: Any, nids: Iterable[int]) -> Steps:
    """Open each note in the Browser's editor, leave it without typing, close the Browser.

    Return {nid: {"before": state, "after": state}} read from the collection before and after.
    """
    import aqt
    from aqt import gui_hooks

    nids = list(nids)
    before = {nid: note_state(mw, nid) for nid in nids}
    loaded: list[int] = []

    def on_load(editor: Any) -> None:
        if editor.note is not None:
            loaded.append(editor.note.id)

    gui_hooks.editor_did_load_note.append(on_load)
    try:
        browser = aqt.dialogs.open("Browser", mw)
        browser.search_for("nid:" + ",".join(map(str, nids)))
        yield 0.5
        for nid in nids:
            loaded.clear()
            browser.table.select_single_card(mw.col.get_note(nid).card_ids()[0])
            yield from wait_for(lambda nid=nid: nid in loaded, 20, f"editor to load note {nid}")
            yield 0.8  # the editor normalises the fields and fires its 600 ms typing timer
            saved: list[bool] = []
            browser.editor.call_after_note_saved(lambda saved=saved: saved.append(True))
            yield from wait_for(lambda saved=saved: saved, 10, "editor to save")
        browser.close()
        yield from wait_for(lambda: aqt.dialogs._dialogs["Browser"][1] is None, 20, "Browser to close")
        yield 0.5  # let the background note updates land
    finally:
        gui_hooks.editor_did_load_note.remove(on_load)
    return {nid: {"before": before[nid], "after": note_state(mw, nid)} for nid in nids}
