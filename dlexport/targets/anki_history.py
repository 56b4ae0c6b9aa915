"""Compare this build's Anki notes with earlier releases: quiet modification times, retired notes, release notes.

Anki's default import ("update notes: if newer") updates a note only when the package's mtime is
newer than the learner's copy, and keeps whatever mtime the package gives it. So a note's mtime
is the build time of the oldest release from which its content (fields, tags, note type) is
unchanged up to now: an unchanged note is left alone, a changed one is always newer. Earlier
releases are the version tags before HEAD; their sources are read from git (never written) and
rendered with this code. A release whose note code differs from this one ends the walk, since
what learners hold from it may differ from what this code makes of its sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import dlexport
from dlexport import history
from dlexport.errors import SourceError
from dlexport.memo import Memo, key
from dlexport.model import Asset, Assets, Glossary
from dlexport.targets.anki import FIELDS, RETIRED_DECK, RETIRED_SECTION, SORT_FIELD, NotePlan, notes, text

# The files (under the dlexport package) that decide a note's fields, and a note type's templates.
NOTE_CODE = ("targets/anki.py", "targets/occlusion.py", "cards.py", "templates/anki/fields.html.j2", "model.py",
             "load.py", "render.py",
             "diagrams/*.py")
TYPE_CODE = ("targets/anki.py", "cards.py", "templates/anki/*")
NOTICE = "이 카드는 용어집에서 빠졌습니다. 지워도 됩니다. 빠진 카드는 tag:{tag} 로 검색하면 모두 나옵니다."
KINDS = {"term": "용어", "cloze": "빈칸", "occlusion": "그림 가리기"}


@dataclass(frozen=True)
class Snapshot:
    """One earlier release as this code renders it."""

    release: history.Release
    notes: Mapping[str, NotePlan] | None  # by GUID, figures named by their inputs; None: its sources don't load
    same_notes: bool  # its note code is this code, and so is every newer release's
    same_types: bool  # likewise for the note types' templates and CSS
    shipped: bool  # it is the --since release or older: notes it has and this build lacks are retired


@dataclass(frozen=True)
class Past:
    """Every earlier release, newest first, and one line to print when there is none."""

    snapshots: tuple[Snapshot, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Diff:
    """What changed since a release: notes added, changed (this build's) and retired (the release's)."""

    since: str
    added: tuple[NotePlan, ...]
    changed: tuple[NotePlan, ...]
    retired: tuple[NotePlan, ...]


def stand_in_assets(glossary: Glossary) -> Assets:
    """Return assets whose file names come from each figure's inputs (no drawing): enough to compare notes."""
    from dlexport.render import FORMULA, jobs_for

    figures = {j.stem: Asset(Path(f"{j.stem}-{j.key[:16]}.png"), 0, 0, j.alt, j.caption)
               for j in jobs_for(glossary) if j.stem != FORMULA}
    return Assets(figures=figures, formulas={})


def comparable(glossary: Glossary, memo: Memo | None = None) -> dict[str, NotePlan]:
    """Return the glossary's notes by GUID, with stand-in figure names (see `stand_in_assets`)."""
    return {p.guid: p for p in notes(glossary, stand_in_assets(glossary), memo)}


def content(plan: NotePlan) -> tuple[object, ...]:
    """Return what an import compares: note type, fields and tags."""
    return plan.kind, plan.fields, plan.tags


def past(sources: Path | None, since: str | None = None, memo: Memo | None = None) -> Past:
    """Return the earlier releases of the git repository holding `sources` (or why there are none).

    With a `memo`, a release's notes are rendered from its sources once, then kept under the id of its
    sources' git tree (and the drawing environment, which names the stand-in figures)."""
    none = "every note gets the build time and nothing is retired"
    if sources is None:  # called as a library, without a sources folder: nothing to compare with
        return Past()
    try:
        root = history.repo_root(sources)
        releases = history.releases(root)
        if not releases:
            raise history.NoHistory("no version tag (v1.2.3) before HEAD")
    except history.NoHistory as e:
        return Past(note=f"anki: no earlier release to compare with ({e}): {none}")
    limit = history.resolve(root, since) if since else releases[0].commit
    key = (sources.resolve(), history.git(root, "rev-parse", "HEAD"), tuple(releases), limit)
    if key not in _SEEN:  # `all` asks twice: for the .apkg and for CHANGES.md
        _SEEN.clear()
        _SEEN[key] = _walk(root, releases, sources, limit, memo)
    return _SEEN[key]


_SEEN: dict[tuple[object, ...], Past] = {}


def _walk(root: Path, releases: Sequence[history.Release], sources: Path, limit: str,
          memo: Memo | None) -> Past:
    """Return the snapshots of `releases` (newest first), each rendered by this code."""
    package = Path(dlexport.__file__).resolve().parent
    rel = package.relative_to(root).as_posix() if package.is_relative_to(root) else "dlexport"
    now_notes, now_types = history.files_now(package, NOTE_CODE), history.files_now(package, TYPE_CODE)
    same_notes = same_types = True
    snapshots = []
    for release in releases:
        same_notes = same_notes and history.files_at(root, release.commit, rel, NOTE_CODE) == now_notes
        same_types = same_types and history.files_at(root, release.commit, rel, TYPE_CODE) == now_types
        old_notes = _notes_at(root, release, sources, memo)
        same_notes = same_notes and old_notes is not None
        shipped = history.is_ancestor(root, release.commit, limit)
        snapshots.append(Snapshot(release, old_notes, same_notes, same_types, shipped))
    return Past(tuple(snapshots))


def _notes_at(root: Path, release: history.Release, sources: Path, memo: Memo | None) \
        -> dict[str, NotePlan] | None:
    """Return a release's notes as this code renders its sources, or None if they don't load now."""
    try:
        if memo is None:
            return _render(root, release, sources)
        from dlexport.render import environment

        rel = sources.resolve().relative_to(root).as_posix()
        # A git tree id names every byte of the sources folder at that release. An OSError (e.g. a full disk
        # while reading it from git) leaves the memo without it: only what the sources decide is kept.
        spec = f"{release.commit}:{rel}" if rel != "." else f"{release.commit}^{{tree}}"  # "commit:." is no path
        tree = history.git(root, "rev-parse", spec).decode().strip()
        return memo.get(key("anki release", tree, environment()), lambda: _render(root, release, sources, memo))
    except (history.NoHistory, OSError):
        return None  # e.g. no sources/ at that tag


def _render(root: Path, release: history.Release, sources: Path, memo: Memo | None = None) \
        -> dict[str, NotePlan] | None:
    """Return a release's notes as this code renders its sources, or None if this loader rejects them.

    With a `memo`, the notes of terms unchanged since are the current build's (and pickled once with them)."""
    from dlexport.load import load

    with history.sources_at(root, release.commit, sources) as old:
        try:
            return comparable(load(old), memo)
        except (SourceError, ValueError):
            return None


def retired(glossary: Glossary, current: Sequence[NotePlan], earlier: Past) -> list[NotePlan]:
    """Return a notice note for every note a release up to --since shipped and this build lacks."""
    have = {p.guid for p in current}
    out: dict[str, NotePlan] = {}
    tag = f"{glossary.tag_prefix}::{RETIRED_SECTION}"
    notice = str(text(NOTICE.format(tag=tag)))
    for snap in earlier.snapshots:
        for guid, plan in (snap.notes or {}).items() if snap.shipped else ():
            if guid in have or guid in out:
                continue
            fields = dict(zip(_names(plan), plan.fields, strict=True))
            if plan.kind == "term":
                kept = {"Term": fields["Term"] + str(text(" (폐기됨)")), "Korean": fields["Korean"],
                        "English": fields["English"], "Summary": notice, "Clue": notice, "Id": fields["Id"]}
            elif plan.kind == "cloze":  # the text keeps its {{c1::…}}: a cloze note without one would lose its card
                kept = {"Text": f"(폐기됨) {fields['Text']}", "Source": fields["Source"],
                        "Extra": notice, "Fact": fields["Fact"]}
            else:  # its masks keep the cards; the image is gone (a stand-in name): the header and extra say so
                kept = {"Occlusion": fields["Occlusion"], "Header": str(text("(폐기됨) ")) + fields["Header"],
                        "Back Extra": notice}
            if plan.kind != "occlusion":
                kept["Sort"] = str(text("폐기 ")) + fields["Sort"]
            out[guid] = replace(plan, deck=f"{glossary.title}::{RETIRED_DECK}", due=len(glossary.terms),
                                fields=tuple(kept.get(n, "") for n in _names(plan)),
                                tags=(*plan.tags, tag))
    return [out[g] for g in sorted(out, key=lambda g: (_sort(out[g]), g))]


def _names(plan: NotePlan) -> tuple[str, ...]:
    return FIELDS[plan.kind]


def _sort(plan: NotePlan) -> str:
    return plan.fields[_names(plan).index(SORT_FIELD[plan.kind])]


def stamps(current: Mapping[str, NotePlan], gone: Mapping[str, NotePlan], earlier: Past, now: int) \
        -> dict[str, int]:
    """Return each note's mtime: the time of the oldest release from which it is unchanged, else `now`.

    `current` is this build's notes (comparable form), `gone` the retired ones: a retired note is
    unchanged back to the first release that lacked it.
    """
    out = {}
    for guid, plan in [*current.items(), *gone.items()]:
        stamp = now
        for snap in earlier.snapshots:
            old = snap.notes.get(guid) if snap.notes is not None else None
            same = old is None if guid in gone else old is not None and content(old) == content(plan)
            if not (snap.same_notes and snap.notes is not None and same):
                break
            stamp = snap.release.time
        out[guid] = stamp
    return out


def type_stamp(earlier: Past, now: int) -> int:
    """Return the note types' mtime: the oldest release with the same templates and CSS, else `now`."""
    stamp = now
    for snap in earlier.snapshots:
        if not snap.same_types:
            break
        stamp = snap.release.time
    return stamp


def release_diff(old: Mapping[str, NotePlan], new: Mapping[str, NotePlan], since: str = "") -> Diff:
    """Return the notes added, changed and retired between two releases' notes (by GUID, in note order)."""
    return Diff(since,
                added=tuple(p for g, p in new.items() if g not in old),
                changed=tuple(p for g, p in new.items() if g in old and content(old[g]) != content(p)),
                retired=tuple(p for g, p in old.items() if g not in new))


def changes_markdown(diff: Diff, version: str) -> str:
    """Return the release notes in Korean Markdown: counts first, then the names of what changed."""
    groups = (("추가", diff.added), ("변경", diff.changed), ("폐기", diff.retired))

    def count(plans: Sequence[NotePlan]) -> str:
        return ", ".join(f"{KINDS[k]} {sum(1 for p in plans if p.kind == k)}개" for k in KINDS)

    lines = [f"# v{version} 변경 사항", "", f"{diff.since} 이후 Anki 노트가 이렇게 바뀌었습니다.", ""]
    lines += [f"- {what}: {count(plans)}" for what, plans in groups]
    if diff.retired:
        lines.append("- 폐기된 카드는 한 번 더 실려 `::retired` 태그가 붙습니다. Anki에서 찾아 지워도 됩니다.")
    for what, plans in groups:
        if plans:
            lines += ["", f"## {what}", ""]
            lines += [f"- {KINDS[p.kind]}: {_md(p.label)}" for p in plans]
    if not any(plans for _, plans in groups):
        lines += ["", "바뀐 노트가 없습니다."]
    return "\n".join(lines) + "\n"


def _md(label: str) -> str:
    """Return plain text safe inside a Markdown list item (no markup, no HTML)."""
    return "".join("\\" + c if c in "\\`*_[]<>#|~" else c for c in label.replace("&", "&amp;"))


def changes(glossary: Glossary, earlier: Past, memo: Memo | None = None) -> str | None:
    """Return CHANGES.md for this glossary since the --since release, or None without one (`memo`: see `notes`)."""
    since = next((s for s in earlier.snapshots if s.shipped and s.notes is not None), None)
    if since is None or since.notes is None:
        return None
    return changes_markdown(release_diff(since.notes, comparable(glossary, memo), since.release.tag),
                            glossary.version)
