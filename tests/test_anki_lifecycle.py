"""A deck's life across releases, with the real Anki library and a real git history of the sources."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.lang import set_lang

import dlexport
from dlexport.errors import UsageError
from dlexport.load import load
from dlexport.model import Settings
from dlexport.render import render_assets
from dlexport.targets import anki, anki_history

from .conftest import ROOTS
from .test_anki import import_apkg, visible_text

T1 = 1_700_000_000  # the v1.0.0 commit's time, which release.yml uses as SOURCE_DATE_EPOCH
T2 = T1 + 86_400

FACTS_V1 = """cloze:
  - 퍼셉트론은 [[선형]]으로 나뉘는 문제만 풀 수 있다.
  - 퍼셉트론의 출력은 [[계단 함수]]로 정한다.
  - 퍼셉트론은 [[1958]]년에 발표되었다.
  - 퍼셉트론 여러 개를 쌓으면 [[다층 퍼셉트론]]이 된다.
"""
# A fact inserted first, one sentence reworded around its answer, two facts swapped, one deleted.
FACTS_V2 = """cloze:
  - 퍼셉트론의 입력에는 [[가중치]]를 곱한다.
  - 단층 퍼셉트론은 [[선형]] 분리 가능한 문제만 해결한다.
  - 퍼셉트론은 [[1958]]년에 발표되었다.
  - 퍼셉트론의 출력은 [[계단 함수]]로 정한다.
"""


class Repo:
    """A git repository holding sources/ and a copy of the running dlexport package, with dated commits."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sources = root / "sources"
        shutil.copytree(ROOTS / "basic", self.sources)
        shutil.copytree(Path(dlexport.__file__).parent, root / "dlexport",
                        ignore=shutil.ignore_patterns("__pycache__"))
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, time: int = T1) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
               "GIT_AUTHOR_DATE": f"@{time} +0000", "GIT_COMMITTER_DATE": f"@{time} +0000"}
        return subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True,
                              check=True).stdout

    def commit(self, time: int, tag: str = "") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", f"release at {time}", time=time)
        if tag:
            self.git("tag", tag, time=time)

    def edit(self, name: str, old: str, new: str) -> None:
        path = next((self.sources / "terms").glob(name))
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """Return a repository whose commit at T1 is tagged v1.0.0, with four facts for the perceptron."""
    r = Repo(tmp_path / "repo")
    r.edit("10-*.yaml", "cloze:\n  - 퍼셉트론은 [[선형]]으로 나뉘는 문제만 풀 수 있다.\n", FACTS_V1)
    r.commit(T1, tag="v1.0.0")
    return r


@pytest.fixture
def release(figure_cache: Path, tmp_path: Path) -> Callable[[Repo, int], Path]:
    """Return a function that builds the repository's HEAD as the release workflow does."""
    def run(r: Repo, epoch: int) -> Path:
        glossary = load(r.sources)
        out = tmp_path / f"out-{epoch}"
        assets, _ = render_assets(glossary, out, cache_dir=figure_cache, jobs=1)
        return anki.build(glossary, assets, out, Settings(epoch=epoch, sources=r.sources)).paths[0]
    return run


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "col").mkdir()
    c = Collection(str(tmp_path / "col" / "collection.anki2"))
    yield c
    c.close()


def review_everything(col: Collection) -> set[int]:
    """Answer every card once (Good/Easy) and return the card ids."""
    col.decks.select(col.decks.id_for_name("시험용 용어집") or 0)
    answered: set[int] = set()
    while (card := col.sched.getCard()) is not None and card.id not in answered:
        col.sched.answerCard(card, 4)
        answered.add(card.id)
    assert answered == set(col.find_cards(""))
    return answered


def cloze_by_answer(col: Collection) -> dict[str, tuple[int, int]]:
    """Return {hidden answer: (note id, card id)} for every cloze note."""
    out = {}
    for nid in col.find_notes('"note:dlexport 빈칸"'):
        note = col.get_note(nid)
        answer = note["Text"].split("{{c1::", 1)[1].split("}}", 1)[0]
        out[answer] = (nid, note.cards()[0].id)
    return out


def mtimes(col: Collection) -> dict[int, int]:
    return dict(col.db.all("select id, mod from notes"))


def test_history_follows_facts_not_positions(repo: Repo, release: Callable[[Repo, int], Path],
                                             col: Collection) -> None:
    import_apkg(col, release(repo, T1))
    review_everything(col)
    before = cloze_by_answer(col)
    revlog = dict(col.db.all("select cid, count() from revlog group by cid"))
    notes_before, stamps_before = col.note_count(), mtimes(col)

    repo.edit("10-*.yaml", FACTS_V1, FACTS_V2)
    repo.commit(T2)
    log = import_apkg(col, release(repo, T2))

    after = cloze_by_answer(col)
    for answer in ("선형", "계단 함수", "1958"):  # reworded, swapped, swapped: the same note and card
        assert after[answer] == before[answer], answer
        assert col.get_card(after[answer][1]).reps == 1 and revlog[after[answer][1]] == 1
    assert col.db.scalar("select count() from revlog") == sum(revlog.values())
    assert [n.fields[0] for n in log.new] == [anki.cloze_html("퍼셉트론의 입력에는 [[가중치]]를 곱한다.")]  # type: ignore[attr-defined]
    assert not log.conflicting and col.note_count() == notes_before + 1  # type: ignore[attr-defined]
    reworded, retired = before["선형"][0], before["다층 퍼셉트론"][0]
    assert {n.id.nid for n in log.updated} == {reworded, retired}  # type: ignore[attr-defined]
    assert len(log.duplicate) == notes_before - 2  # type: ignore[attr-defined]  # unchanged: left alone
    assert {nid: t for nid, t in mtimes(col).items() if nid in stamps_before} == \
        {**stamps_before, reworded: T2, retired: T2}

    gone = col.get_note(retired)
    assert gone.has_tag("t::retired") and col.find_notes("tag:t::retired") == [retired]
    (card,) = gone.cards()
    assert card.id == before["다층 퍼셉트론"][1] and card.reps == 1
    assert "용어집에서 빠졌습니다" in visible_text(card.answer())
    assert col.decks.name(card.did) == "시험용 용어집::기초"  # an existing card stays where the learner has it
    set_lang("en_US")  # find_dupes strips HTML through the current language, as the GUI sets it
    assert col.find_dupes("Term") == [] and col.find_dupes("Text") == []  # retired notes included


def test_a_quiet_release_updates_only_what_changed(repo: Repo, release: Callable[[Repo, int], Path],
                                                   col: Collection) -> None:
    import_apkg(col, release(repo, T1))
    stamps_before = mtimes(col)
    types_before = {m["id"]: m["mod"] for m in col.models.all()}
    repo.edit("20-*.yaml", "대표적으로 시그모이드와 ReLU가 있다.", "대표적으로 시그모이드, tanh, ReLU가 있다.")
    repo.commit(T2)
    log = import_apkg(col, release(repo, T2))

    (edited,) = col.find_notes('"note:dlexport 용어" "tag:t::term::activation"')
    assert {n.id.nid for n in log.updated} == {edited}  # type: ignore[attr-defined]
    assert not log.new and not log.conflicting  # type: ignore[attr-defined]
    assert len(log.duplicate) == len(stamps_before) - 1  # type: ignore[attr-defined]
    assert mtimes(col) == {**stamps_before, edited: T2}
    assert "tanh, ReLU" in col.get_note(edited)["Definition"]
    assert {m["id"]: m["mod"] for m in col.models.all()} == types_before


def test_changed_templates_update_the_note_types_in_place(repo: Repo, release: Callable[[Repo, int], Path],
                                                          col: Collection) -> None:
    style = repo.root / "dlexport" / "templates" / "anki" / "style.css"
    style.write_text(style.read_text(encoding="utf-8") + "/* v1 */\n", encoding="utf-8")
    repo.commit(T1 + 60, tag="v1.0.1")  # the release's note types differ from this code's
    import_apkg(col, release(repo, T1 + 60))
    repo.edit("20-*.yaml", "대표적으로 시그모이드와 ReLU가 있다.", "대표적으로 시그모이드, tanh, ReLU가 있다.")
    repo.commit(T2)
    log = import_apkg(col, release(repo, T2))
    assert {m["mod"] for m in col.models.all() if m["name"].startswith("dlexport")} == {T2}
    assert len(log.updated) == 1 and not log.conflicting  # type: ignore[attr-defined]


def test_changed_note_code_stamps_every_note_with_the_build_time(
        repo: Repo, release: Callable[[Repo, int], Path], col: Collection) -> None:
    code = repo.root / "dlexport" / "targets" / "anki.py"
    code.write_text(code.read_text(encoding="utf-8") + "# v1\n", encoding="utf-8")
    repo.commit(T1 + 60, tag="v1.0.1")
    import_apkg(col, release(repo, T1 + 60))
    repo.git("commit", "-q", "--allow-empty", "-m", "no change", time=T2)  # v1.0.1's notes came from other code
    log = import_apkg(col, release(repo, T2))
    assert len(log.updated) == col.note_count()  # type: ignore[attr-defined]
    assert set(mtimes(col).values()) == {T2}


def test_changes_name_the_inserted_changed_and_retired_facts(repo: Repo) -> None:
    repo.edit("10-*.yaml", FACTS_V1, FACTS_V2)
    repo.commit(T2)
    text = anki_history.changes(load(repo.sources), anki_history.past(repo.sources))
    assert text is not None
    head, added, changed, retired = text.split("\n## ")
    assert "v1.0.0 이후" in head
    assert "- 추가: 용어 0개, 빈칸 1개" in head and "- 변경: 용어 0개, 빈칸 1개" in head
    assert "- 폐기: 용어 0개, 빈칸 1개" in head
    assert added.splitlines()[2:] == ["- 빈칸: 퍼셉트론 (Perceptron) — 퍼셉트론의 입력에는 \\[가중치\\]를 곱한다."]
    assert changed.splitlines()[2:] == [
        "- 빈칸: 퍼셉트론 (Perceptron) — 단층 퍼셉트론은 \\[선형\\] 분리 가능한 문제만 해결한다."]
    assert retired.splitlines()[2:] == [
        "- 빈칸: 퍼셉트론 (Perceptron) — 퍼셉트론 여러 개를 쌓으면 \\[다층 퍼셉트론\\]이 된다."]
    with pytest.raises(UsageError, match="--since v9"):
        anki_history.past(repo.sources, since="v9")


def test_without_git_nothing_is_compared(tmp_path: Path) -> None:
    shutil.copytree(ROOTS / "basic", tmp_path / "sources")
    earlier = anki_history.past(tmp_path / "sources")
    assert earlier.snapshots == () and "is not in a git repository" in earlier.note
    assert earlier.note.count("\n") == 0


def test_the_changes_command_and_all_write_release_notes(repo: Repo, tmp_path: Path) -> None:
    from .conftest import run_cli

    out = tmp_path / "build"
    first = run_cli("changes", "--sources", repo.sources, "--out", out)
    assert first.returncode == 0 and not (out / "CHANGES.md").exists()
    repo.edit("10-*.yaml", FACTS_V1, FACTS_V2)
    repo.commit(T2)
    result = run_cli("changes", "--sources", repo.sources, "--out", out, "--since", "v1.0.0")
    assert result.returncode == 0, result.stderr
    text = (out / "CHANGES.md").read_text(encoding="utf-8")
    assert text.startswith("# v0.0.1 변경 사항\n") and "- 폐기: 용어 0개, 빈칸 1개" in text
    whole = run_cli("all", "--sources", repo.sources, "--out", tmp_path / "all")
    assert whole.returncode == 0, whole.stderr
    assert (tmp_path / "all" / "CHANGES.md").read_text(encoding="utf-8") == text
    assert "CHANGES.md" in (tmp_path / "all" / "manifest.json").read_text(encoding="utf-8")
    bad = run_cli("changes", "--sources", repo.sources, "--out", out, "--since", "v7")
    assert bad.returncode == 2 and "--since v7: no such tag or commit" in bad.stderr


def test_a_build_without_git_says_so_in_one_line(tmp_path: Path) -> None:
    from .conftest import run_cli

    shutil.copytree(ROOTS / "basic", tmp_path / "sources")
    result = run_cli("anki", "--sources", tmp_path / "sources", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    (line,) = [x for x in result.stdout.splitlines() if "earlier release" in x]
    assert line.startswith("anki: no earlier release to compare with (") and "nothing is retired" in line


def test_a_pinned_id_keeps_a_fact_whose_answer_changes(repo: Repo) -> None:
    def cloze_guids() -> dict[str, str]:
        return {p.label: p.guid for p in anki.notes(load(repo.sources), anki_history.stand_in_assets(
            load(repo.sources))) if p.kind == "cloze" and p.term == "perceptron"}

    before = cloze_guids()
    repo.edit("10-*.yaml", "  - 퍼셉트론은 [[1958]]년에 발표되었다.\n",
              "  - {id: '1958', text: '퍼셉트론은 [[1957]]년에 처음 보고되었다.'}\n")
    repo.edit("10-*.yaml", "  - 퍼셉트론의 출력은 [[계단 함수]]로 정한다.\n",
              "  - 퍼셉트론의 출력은 [[계단함수]]로 정한다.\n")
    after = cloze_guids()
    assert after["퍼셉트론 (Perceptron) — 퍼셉트론은 [1957]년에 처음 보고되었다."] == \
        before["퍼셉트론 (Perceptron) — 퍼셉트론은 [1958]년에 발표되었다."]
    assert after["퍼셉트론 (Perceptron) — 퍼셉트론의 출력은 [계단함수]로 정한다."] not in before.values()


def test_a_removed_term_comes_back_retired_and_new_learners_find_it_apart(
        repo: Repo, release: Callable[[Repo, int], Path], col: Collection, tmp_path: Path) -> None:
    import_apkg(col, release(repo, T1))
    review_everything(col)
    (term,) = col.find_notes('"note:dlexport 용어" "tag:t::term::activation"')
    cards = sorted(col.get_note(term).card_ids())
    next(repo.sources.glob("terms/20-*.yaml")).unlink()
    repo.commit(T2)
    apkg = release(repo, T2)
    log = import_apkg(col, apkg)
    retired = col.find_notes("tag:t::retired")
    assert len(retired) == 2 and term in retired and not log.new  # type: ignore[attr-defined]
    note = col.get_note(term)
    assert note["Term"] == "활성화 함수 (Activation Function) (폐기됨)" and "빠졌습니다" in note["Summary"]
    assert sorted(note.card_ids()) == cards and all(col.get_card(c).reps == 1 for c in cards)

    (tmp_path / "fresh").mkdir()
    fresh = Collection(str(tmp_path / "fresh" / "collection.anki2"))
    try:
        import_apkg(fresh, apkg)
        decks = {fresh.decks.name(fresh.get_card(c).did) for c in fresh.find_cards("tag:t::retired")}
        assert decks == {"시험용 용어집::폐기됨"}
    finally:
        fresh.close()
