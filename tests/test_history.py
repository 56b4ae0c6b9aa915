"""Reading earlier releases from git: version tags before HEAD, their sources and their code, read-only."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlexport import history
from dlexport.errors import UsageError

from .test_anki_lifecycle import T1, Repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def test_releases_are_version_tags_before_head_newest_first(repo: Repo) -> None:
    repo.commit(T1, tag="v1.9.0")
    repo.git("tag", "nightly")  # not a version tag
    repo.git("commit", "-q", "--allow-empty", "-m", "b", time=T1 + 10)
    repo.git("tag", "v1.10.0", time=T1 + 10)
    repo.git("checkout", "-q", "-b", "side", "v1.9.0")
    repo.git("commit", "-q", "--allow-empty", "-m", "side", time=T1 + 20)
    repo.git("tag", "v9.0.0")  # not an ancestor of main
    repo.git("checkout", "-q", "main")
    repo.git("commit", "-q", "--allow-empty", "-m", "c", time=T1 + 30)
    repo.git("tag", "v2.0.0", time=T1 + 30)  # HEAD itself: the release being built, not an earlier one
    root = history.repo_root(repo.sources)
    assert [(r.tag, r.time) for r in history.releases(root)] == [("v1.10.0", T1 + 10), ("v1.9.0", T1)]


def test_sources_at_a_release_come_from_git_and_the_work_tree_is_untouched(repo: Repo) -> None:
    repo.commit(T1, tag="v1.0.0")
    glossary = repo.sources / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("0.0.1", "0.0.2"), encoding="utf-8")
    before = {p: p.read_bytes() for p in repo.sources.rglob("*") if p.is_file()}
    root = history.repo_root(repo.sources)
    with history.sources_at(root, "v1.0.0", repo.sources) as old:
        assert "version: 0.0.1" in (old / "glossary.yaml").read_text(encoding="utf-8")
        assert sorted(p.name for p in (old / "terms").iterdir()) == sorted(
            p.name for p in (repo.sources / "terms").iterdir())
    assert not old.exists()
    assert {p: p.read_bytes() for p in repo.sources.rglob("*") if p.is_file()} == before


def test_code_at_a_release_is_compared_by_blob_id(repo: Repo) -> None:
    repo.commit(T1, tag="v1.0.0")
    root = history.repo_root(repo.sources)
    patterns = ("targets/anki.py", "templates/anki/*")
    package = repo.root / "dlexport"
    at_tag = history.files_at(root, "v1.0.0", "dlexport", patterns)
    assert at_tag == history.files_now(package, patterns) and "targets/anki.py" in at_tag
    (package / "templates" / "anki" / "style.css").write_text("x", encoding="utf-8")
    assert history.files_now(package, patterns)["templates/anki/style.css"] == history.blob_id(b"x")
    assert history.files_at(root, "v1.0.0", "dlexport", patterns) == at_tag != history.files_now(package, patterns)


def test_without_git_or_a_ref_the_reason_is_given(tmp_path: Path, repo: Repo) -> None:
    with pytest.raises(history.NoHistory, match="not in a git repository"):
        history.repo_root(tmp_path)
    repo.commit(T1)
    with pytest.raises(UsageError, match="--since v3: no such tag or commit"):
        history.resolve(history.repo_root(repo.sources), "v3")
