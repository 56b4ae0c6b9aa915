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

    earlier = mw.findChildren(ImportDialog)  # an earlier import's dialog may not be deleted yet

    def new_dialog() -> Any:
        fresh = [d for d in mw.findChildren(ImportDialog) if all(d is not e for e in earlier) and d.isVisible()]
        return fresh[0] if fresh else None

    import_file(mw, path)
    dialog = yield from wait_for(new_dialog, 20, "import dialog")
    click = ("(() => { const b = document.querySelector('.import');"  # at most one click, however often it is sent
             " if (b && !window.dlexportClicked) { window.dlexportClicked = true; b.click(); }"
             " return !!window.dlexportClicked; })()")
    deadline = time.monotonic() + 60
    while True:  # a script sent while the page is still loading may never call back: send it again
        try:
            if (yield from eval_js(dialog.web, click, timeout=5)):
                break
        except TimeoutError:
            pass
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


def edit_round_trip(mw: Any, nids: Iterable[int], settle: float = 0.5) -> Steps:
    """Open each note in the Browser's editor, leave it without typing, close the Browser.

    Return {nid: {"before": state, "after": state}} read from the collection before and after.
    """
    import aqt
    from aqt import gui_hooks

    nids = list(nids)
    before = {nid: note_state(mw, nid) for nid in nids}
    loaded: list[int] = []

    def on_load(editor: Any) -> None:  # the default editor has .note, the experimental Svelte one .nid
        note = getattr(editor, "note", None)
        loaded.append(note.id if note is not None else getattr(editor, "nid", None))

    gui_hooks.editor_did_load_note.append(on_load)
    try:
        browser = aqt.dialogs.open("Browser", mw)
        browser.search_for("nid:" + ",".join(map(str, nids)))
        yield 0.5
        for nid in nids:
            loaded.clear()
            browser.table.select_single_card(mw.col.get_note(nid).card_ids()[0])
            yield from wait_for(lambda nid=nid: nid in loaded, 20, f"editor to load note {nid}")
            # The editor normalises the fields as it shows them and schedules their save (a 600 ms typing
            # timer that saving fires at once); the first note also waits for the editor to mount.
            yield settle if nid != nids[0] else max(settle, 1.5)
            saved: list[bool] = []
            browser.editor.call_after_note_saved(lambda saved=saved: saved.append(True))
            yield from wait_for(lambda saved=saved: saved, 10, "editor to save")
        browser.close()
        yield from wait_for(lambda: aqt.dialogs._dialogs["Browser"][1] is None, 20, "Browser to close")
        yield 0.5  # let the background note updates land
    finally:
        gui_hooks.editor_did_load_note.remove(on_load)
    return {nid: {"before": before[nid], "after": note_state(mw, nid)} for nid in nids}


def find_duplicates(mw: Any, notetype: str) -> Steps:
    """Run Browse → Notes → Find Duplicates on a note type's first field; return (groups, report text)."""
    import aqt
    from aqt.browser.find_duplicates import FindDuplicatesDialog

    browser = aqt.dialogs.open("Browser", mw)
    yield 0.3
    dialog = FindDuplicatesDialog(browser, mw)
    field = mw.col.models.by_name(notetype)["flds"][0]["name"]
    names = [dialog.form.fields.itemText(i) for i in range(dialog.form.fields.count())]
    dialog.form.fields.setCurrentIndex(names.index(field))
    dialog.form.search.setCurrentText(f'"note:{notetype}"')
    search = next(b for b in dialog.form.buttonBox.buttons() if b.text() == aqt.utils.tr.actions_search())
    search.click()
    yield from wait_for(lambda: dialog._dupesButton is not None, 30, "Find Duplicates to report")
    yield 0.3
    report = yield from eval_js(dialog.form.webView, "document.body.innerText")
    groups = len(dialog._dupes)
    dialog.reject()
    browser.close()
    yield from wait_for(lambda: aqt.dialogs._dialogs["Browser"][1] is None, 20, "Browser to close")
    return groups, str(report)


def study(mw: Any, deck_id: int, ease: int, on_answer: Callable[[Any], Steps] | None = None) -> Steps:
    """Study a deck in the reviewer: show each card's answer, run `on_answer(card)`, press `ease`.

    Return the ids of the cards answered, in order.
    """
    mw.col.decks.select(deck_id)
    mw.moveToState("review")
    answered: list[int] = []
    while True:
        yield from wait_for(lambda: mw.state != "review" or (
            mw.reviewer.state == "question" and mw.reviewer.card is not None
            and mw.reviewer.card.id != (answered or [None])[-1]), 20, "the reviewer's next question")
        if mw.state != "review" or mw.reviewer.card.id in answered:
            return answered  # done, or a card came back (a learning step): each card is answered once
        card = mw.reviewer.card
        mw.reviewer._showAnswer()
        yield from wait_for(lambda: mw.reviewer.state == "answer", 10, "the answer")
        if on_answer is not None:
            yield from on_answer(card)
        else:
            yield 0.1
        answered.append(card.id)
        mw.reviewer._answerCard(ease)


# Where the first <details> fold sits in the viewport as the reviewer leaves it after showing the
# answer (it scrolls to the answer by itself; the learner has not scrolled yet).
_FOLD_JS = """(() => {
  const qa = document.getElementById('qa');
  const hr = document.getElementById('answer');  // the answer starts here (FrontSide is above)
  const fold = [...qa.querySelectorAll('details')]
    .find(d => !hr || (hr.compareDocumentPosition(d) & Node.DOCUMENT_POSITION_FOLLOWING));
  const label = fold && (fold.querySelector('summary') || fold);
  return {viewport: window.innerHeight, width: window.innerWidth, scroll_y: window.scrollY,
          page: document.documentElement.scrollHeight,
          fold_top: fold ? fold.getBoundingClientRect().top : null,
          fold_label_bottom: label ? label.getBoundingClientRect().bottom : null,
          fold_open: fold ? fold.open : null, text: qa.innerText.slice(0, 300)};
})()"""


def measure_answers(mw: Any, search: str, shots: str, size: tuple[int, int] = (1280, 800)) -> Steps:
    """Study the cards matching `search` in a filtered deck in a window of `size`; measure each answer.

    Return one dict per card: where its first <details> fold starts, the viewport height and the
    screenshot taken of the whole window.
    """
    import os

    mw.moveToState("deckBrowser")
    mw.resize(*size)
    yield 0.5
    deck = mw.col.sched.get_or_create_filtered_deck(deck_id=0)
    deck.name = "GUI test: answers"
    deck.config.search_terms[0].search = search
    deck.config.search_terms[0].limit = 9999
    deck_id = mw.col.sched.add_or_update_filtered_deck(deck).id
    measured: list[dict[str, Any]] = []

    def measure(card: Any) -> Steps:
        yield 2.0  # MathJax typesets after the answer is shown
        data = yield from eval_js(mw.reviewer.web, _FOLD_JS)
        yield 0.5  # let the compositor paint the answer before grabbing the window
        shot = os.path.join(shots, f"answer-{card.id}.png")
        mw.grab().save(shot)
        measured.append({**data, "card": card.id, "note": card.nid, "shot": shot,
                         "window": [mw.width(), mw.height()]})

    yield from study(mw, deck_id, 4, measure)
    mw.col.sched.empty_filtered_deck(deck_id)
    mw.moveToState("deckBrowser")
    yield 0.3
    return measured


def deck_checks(mw: Any, args: dict[str, Any], result: dict[str, Any]) -> Steps:
    """Scenario: import the deck, Find Duplicates per note type, measure term answers, editor round trip."""
    result["import_log"] = yield from import_package(mw, args["apkg"])
    result["guids"] = sorted(mw.col.db.list("select guid from notes"))
    result["duplicates"] = {}
    for entry in mw.col.models.all_names_and_ids():
        if not mw.col.models.use_count(mw.col.models.get(entry.id)):
            continue  # the stock note types of a new profile
        groups, report = yield from find_duplicates(mw, entry.name)
        result["duplicates"][entry.name] = {"groups": groups, "report": report}
    result["answers"] = yield from measure_answers(mw, args["answer_search"], args["shots"])
    notes = yield from edit_round_trip(mw, sorted(mw.col.find_notes("")))
    result["round_trip"] = {str(nid): states for nid, states in notes.items()}


def snapshot(mw: Any) -> dict[str, Any]:
    """Return every note by GUID: id, fields, mtime, card ids and each card's number of reviews."""
    notes: dict[str, Any] = {}
    for nid in mw.col.find_notes(""):
        note = mw.col.get_note(nid)
        cards = {str(cid): mw.col.db.scalar("select count() from revlog where cid = ?", cid)
                 for cid in note.card_ids()}
        notes[note.guid] = {"nid": nid, "fields": list(note.fields), "mod": note.mod, "cards": cards}
    return {"notes": notes, "notetypes": sorted(e.name for e in mw.col.models.all_names_and_ids())}


def release_lifecycle(mw: Any, args: dict[str, Any], result: dict[str, Any]) -> Steps:
    """Scenario: import release 1, answer every card once in the reviewer, import release 2."""
    result["log1"] = yield from import_package(mw, args["release1"])
    config = mw.col.decks.get_config(1)
    config["new"]["perDay"] = 9999
    mw.col.decks.update_config(config)
    a_card = mw.col.get_card(mw.col.find_cards("")[0])
    root = mw.col.decks.name(a_card.did).split("::")[0]
    result["answered"] = yield from study(mw, mw.col.decks.id_for_name(root), 4)  # Easy: no relearning today
    mw.moveToState("deckBrowser")
    result["before"] = snapshot(mw)
    result["log2"] = yield from import_package(mw, args["release2"])
    result["after"] = snapshot(mw)


# The image-occlusion canvas as Anki's reviewer painted it: each listed mask and the pixel at its centre.
_MASKS_JS = """(() => {
  const c = document.getElementById('image-occlusion-canvas');
  const img = document.querySelector('#image-occlusion-container img');
  if (!c || !img) return null;
  const ctx = c.getContext('2d');
  const at = (x, y) => Array.from(ctx.getImageData(Math.floor(x * c.width), Math.floor(y * c.height), 1, 1).data);
  const masks = [...document.querySelectorAll('.cloze, .cloze-inactive')].map(d => {
    const s = {role: d.className, ordinal: +d.dataset.ordinal, left: +d.dataset.left, top: +d.dataset.top,
               width: +d.dataset.width, height: +d.dataset.height};
    return {...s, centre: at(s.left + s.width / 2, s.top + s.height / 2)};
  });
  const r = c.getBoundingClientRect(), i = img.getBoundingClientRect();
  return {canvas: [r.left, r.top, r.width, r.height], image: [i.left, i.top, i.width, i.height],
          natural: [img.naturalWidth, img.naturalHeight], error: document.getElementById('err').innerText,
          masks: masks};
})()"""


def occlusion_checks(mw: Any, args: dict[str, Any], result: dict[str, Any]) -> Steps:
    """Scenario: import a deck, show one image-occlusion card's question in the reviewer (masks painted,
    window grabbed), then open its note in the Browser's editor."""
    import aqt

    result["import_log"] = yield from import_package(mw, args["apkg"])
    mw.moveToState("deckBrowser")
    mw.resize(1280, 900)
    yield 0.5
    deck = mw.col.sched.get_or_create_filtered_deck(deck_id=0)
    deck.name = "GUI test: occlusion"
    deck.config.search_terms[0].search = args["search"]
    deck.config.search_terms[0].limit = 1
    deck_id = mw.col.sched.add_or_update_filtered_deck(deck).id
    mw.col.decks.select(deck_id)
    mw.moveToState("review")
    yield from wait_for(lambda: mw.state == "review" and mw.reviewer.state == "question"
                        and mw.reviewer.card is not None, 20, "the occlusion card's question")
    yield 2.5  # the reviewer paints the masks after the image has loaded
    card = mw.reviewer.card
    result["card"] = {"id": card.id, "ord": card.ord, "nid": card.nid}
    result["question"] = yield from eval_js(mw.reviewer.web, _MASKS_JS)
    mw.grab().save(args["shot"])
    result["shot"] = args["shot"]
    mw.moveToState("deckBrowser")
    mw.col.sched.empty_filtered_deck(deck_id)
    yield 0.3
    browser = aqt.dialogs.open("Browser", mw)
    browser.search_for(f"nid:{card.nid}")
    yield 0.5
    browser.table.select_single_card(card.id)
    yield 2.0
    is_io = getattr(browser.editor, "current_notetype_is_image_occlusion", None)
    result["editor_is_io"] = bool(is_io()) if is_io else None
    browser.grab().save(args["editor_shot"])
    browser.close()
    yield from wait_for(lambda: aqt.dialogs._dialogs["Browser"][1] is None, 20, "Browser to close")
