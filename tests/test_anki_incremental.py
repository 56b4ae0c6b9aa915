"""An incremental Anki build writes exactly the cold build's bytes, and makes only the notes of what changed."""

from __future__ import annotations

import dataclasses
import io
import random
import re
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench import synth
from dlexport import history, pipeline
from dlexport.model import Glossary, Term
from dlexport.targets import anki, anki_history

from .test_anki_lifecycle import T1, T2, Repo

EPOCH = 1_750_000_000


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the terms whose notes are made (not taken from the memo): their ids, one per making."""
    ids: list[str] = []
    make = anki._term_notes

    def counted(glossary_id: str, term: Term, *args: object) -> tuple[anki.NotePlan, ...]:
        ids.append(term.id)
        return make(glossary_id, term, *args)  # type: ignore[arg-type]
    monkeypatch.setattr(anki, "_term_notes", counted)
    return ids


@pytest.fixture
def build(figure_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, str], bytes]:
    """Return a function that builds the .apkg of `sources` into tmp_path/<out> (its memo and last build kept
    there between calls) and returns its bytes; every out folder draws from the session's figure cache."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))

    def run(sources: Path, out: str) -> bytes:
        cache = tmp_path / out / ".cache"
        if not cache.exists():
            cache.mkdir(parents=True)
            (cache / "figures").symlink_to(figure_cache, target_is_directory=True)
        anki_history._SEEN.clear()  # a new process, as the command line runs it: no release walked yet
        pipeline.run("anki", pipeline.Options(sources, tmp_path / out, cache=cache, jobs=1, quiet=True))
        (apkg,) = (tmp_path / out).glob("*.apkg")
        return apkg.read_bytes()
    return run


def _edit(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, new, text, count=1, flags=re.MULTILINE)
    assert changed != text, pattern
    path.write_text(changed, encoding="utf-8")


def _figure_params(path: Path) -> None:
    """Give the term's first figure (a restricted Boltzmann machine in term 1) other sizes."""
    old = re.search(r"^    params: (.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert old and "visible" in old[1]
    _edit(path, r"^    params: .*$", "    params: {visible: 3, hidden: 2}" if "visible: 3, hidden: 2" not in old[1]
          else "    params: {visible: 4, hidden: 3}")


def _inserted(terms: Path) -> None:
    """Write a new term between terms 2 and 3 (the files' order is the notes' order)."""
    text = synth.term_yaml(77, random.Random(7), 1).replace("related: [term-00076]", "related: [term-00001]")
    (terms / "00002-b.yaml").write_text(text, encoding="utf-8")


EDITS: dict[str, tuple[Callable[[Path], None], list[str]]] = {  # an edit, and the terms whose notes it remakes
    "a term's text": (lambda terms: _edit(terms / "00002.yaml", r"^summary: ", "summary: 고친 요약 "), ["term-00002"]),
    "a term inserted": (_inserted, ["term-00077"]),
    "a term deleted": (lambda terms: (terms / "00005.yaml").unlink(), []),
    "a figure's parameters": (lambda terms: _figure_params(terms / "00001.yaml"), ["term-00001"]),
}


def test_an_edited_glossary_builds_the_bytes_of_a_cold_build_and_remakes_only_the_edited_notes(
        build: Callable[[Path, str], bytes], made: list[str], tmp_path: Path) -> None:
    sources = synth.write(tmp_path / "sources", 6)
    build(sources, "inc")
    assert sorted(made) == [f"term-{i:05d}" for i in range(6)]
    for n, (what, (edit, remade)) in enumerate(EDITS.items()):
        edit(sources / "terms")
        made.clear()
        incremental = build(sources, "inc")
        assert made == remade, what
        made.clear()
        assert incremental == build(sources, f"cold-{n}"), f"after {what}"
        assert len(made) == len(list((sources / "terms").glob("*.yaml")))  # the cold build made every note
    made.clear()
    assert build(sources, "inc") == incremental and made == []  # nothing changed: nothing made


def _notes(apkg: bytes, tmp_path: Path) -> dict[str, tuple[int, str]]:
    """Return {guid: (mtime, fields)} of the package's notes."""
    path = tmp_path / "read.anki2"
    with zipfile.ZipFile(io.BytesIO(apkg)) as z:
        path.write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(path) as db:
        return {g: (m, f) for g, m, f in db.execute("select guid, mod, flds from notes")}


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count the releases whose sources are read from git and rendered (not taken from the memo)."""
    commits: list[str] = []
    read = history.sources_at

    def counted(root: Path, commit: str, sources: Path) -> object:
        commits.append(commit)
        return read(root, commit, sources)
    monkeypatch.setattr(history, "sources_at", counted)
    yield commits


def test_a_release_is_rendered_once_and_the_memo_keeps_its_mtimes_and_retired_notes(
        build: Callable[[Path, str], bytes], walked: list[str], tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit(T1, tag="v1.0.0")
    repo.edit("10-*.yaml", "summary: ", "summary: 고친 요약 ")
    next(repo.sources.glob("terms/20-*.yaml")).unlink()
    repo.commit(T2)
    first = build(repo.sources, "inc")
    assert len(walked) == 1
    repo.edit("30-*.yaml", "summary: ", "summary: 또 고친 요약 ")
    repo.commit(T2 + 60)
    walked.clear()
    incremental = build(repo.sources, "inc")
    assert walked == []  # v1.0.0's notes came from the memo
    assert incremental == build(repo.sources, "cold") and len(walked) == 1
    old, new = _notes(first, tmp_path), _notes(incremental, tmp_path)
    assert old.keys() == new.keys()
    (edited,) = [m for m, f in new.values() if "또 고친 요약" in f]
    assert edited == EPOCH and any(m == T1 for m, _ in new.values())  # unchanged since v1.0.0: its time
    assert {g for g in new if new[g][0] == T1} <= {g for g in old if old[g][0] == T1}
    assert any(f.startswith("활성화 함수 (Activation Function) (폐기됨)") for _, f in new.values())  # retired


def test_figures_that_do_not_show_asked_labels_are_named_three_at_a_time(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], figure_cache: Path) -> None:
    """At 1,000 terms the build named hundreds of figures; now three (file:line) and a count, all with --verbose."""
    sources = synth.write(tmp_path / "sources", 12)
    (tmp_path / "out" / ".cache").mkdir(parents=True)
    (tmp_path / "out" / ".cache" / "figures").symlink_to(figure_cache, target_is_directory=True)
    said = {}
    for verbose in (False, True):
        pipeline.run("anki", pipeline.Options(sources, tmp_path / "out", cache=tmp_path / "out" / ".cache", jobs=1,
                                              verbose=verbose))
        said[verbose] = [line for line in capsys.readouterr().out.splitlines() if "does not show" in line
                         or "more figures" in line]
    every = [line for line in said[True] if "does not show" in line]
    assert len(every) > anki.UNSHOWN_SHOWN + 1
    assert all(re.match(rf"{re.escape(str(sources))}/terms/\d+\.yaml:\d+: anki: figure ", line) for line in every)
    assert said[False] == [*every[:anki.UNSHOWN_SHOWN],
                           f"anki: … and {len(every) - anki.UNSHOWN_SHOWN} more figures that do not show labels "
                           "they ask; --verbose lists them"]


def test_sources_at_the_top_of_their_repository_keep_their_releases_in_the_memo(
        build: Callable[[Path, str], bytes], walked: list[str], tmp_path: Path) -> None:
    sources = synth.write(tmp_path / "sources", 4)
    repo = Repo.__new__(Repo)  # its git and commit only, on a repository whose top folder is the sources
    repo.root = repo.sources = sources
    repo.git("init", "-q", "-b", "main")
    repo.commit(T1, tag="v1.0.0")
    (sources / "terms" / "00003.yaml").unlink()
    repo.commit(T2)
    first = build(sources, "inc")
    assert len(walked) == 1 and b"(\xed\x8f\x90\xea\xb8\xb0\xeb\x90\xa8)" in first  # term 3 retired: "(폐기됨)"
    walked.clear()
    assert build(sources, "inc") == first and walked == []


def test_the_kept_empty_collection_and_card_templates_follow_the_css_and_the_decks(
        glossary: Glossary, figure_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The empty collection kept in the memo is keyed by the CSS and the decks: changing either, with the same
    memo, gives the cold build's bytes; and a warm build imports no genanki."""
    import sys

    from dlexport.model import Settings
    from dlexport.render import render_assets

    assets, _ = render_assets(glossary, tmp_path / "figs", cache_dir=figure_cache, jobs=1)

    def apkg(out: str, cache: Path | None, css: str, g: Glossary = glossary) -> bytes:
        settings = Settings(epoch=EPOCH, cache=cache, published=tmp_path / out)
        return anki.build(g, assets, tmp_path / out, settings, css=css).paths[0].read_bytes()

    warm = tmp_path / "warm-cache"
    apkg("w1", warm, ".card { color: red }")
    for name in [n for n in sys.modules if n == "genanki" or n.startswith("genanki.")]:
        monkeypatch.delitem(sys.modules, name)
    second = apkg("w2", warm, ".card { color: red }")
    assert "genanki" not in sys.modules  # everything the collection needs of genanki was kept
    assert second == apkg("c1", None, ".card { color: red }")
    assert apkg("w3", warm, ".card { color: blue }") == apkg("c2", None, ".card { color: blue }")
    other = dataclasses.replace(glossary, title=glossary.title + " 2")
    assert apkg("w4", warm, ".card { color: blue }", other) == apkg("c3", None, ".card { color: blue }", other)


def test_compiled_templates_are_kept_apart_per_code_and_jinja2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled templates hold the environment's options and jinja2's code generator, which the bytecode cache
    does not check: another code or jinja2 version gets a folder of its own, and the old one goes."""
    import jinja2

    from dlexport import memo
    from dlexport.targets import anki

    env = jinja2.Environment(loader=jinja2.DictLoader({"t.j2": "{% if 1 %}\nyes\n{% endif %}"}),
                             bytecode_cache=anki.bytecode_cache(tmp_path))
    env.get_template("t.j2")
    (first,) = (tmp_path / "jinja").iterdir()
    assert any(first.iterdir())  # compiled once…
    assert (tmp_path / "jinja" / first.name) == Path(anki.bytecode_cache(tmp_path).directory)  # …and found again
    monkeypatch.setattr(memo, "code", lambda: "other code")
    assert Path(anki.bytecode_cache(tmp_path).directory) != first and not first.exists()
    monkeypatch.undo()
    monkeypatch.setattr(jinja2, "__version__", "0.0")
    assert Path(anki.bytecode_cache(tmp_path).directory).name != first.name
