"""Write the release notes (CHANGES.md): the Anki notes added, changed and retired since an earlier release."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from dlexport.files import write_bytes
from dlexport.model import Assets, Glossary, Settings
from dlexport.targets import BuildResult

CHANGES = "CHANGES.md"


def counts(glossary: Glossary) -> Mapping[str, int]:
    """Return nothing for `check`: what changed depends on the git history, not on the sources alone."""
    return {}


def build(glossary: Glossary, assets: Assets, out_dir: Path, settings: Settings) -> BuildResult:
    """Write `out_dir/CHANGES.md` since `--since` (default: the newest version tag); nothing without one."""
    from dlexport.targets import anki, anki_history

    # The Anki target's memo, read but never saved here (saving keeps only what this build used): in `all` the
    # .apkg was just built, so every note and release is in it.
    memo = settings.memo("anki", anki.code_salt())
    earlier = anki_history.past(settings.sources, settings.text("since"), memo)
    text = anki_history.changes(glossary, earlier, memo)
    if text is None:
        return BuildResult((), notes=(earlier.note,) if earlier.note else ())
    dest = out_dir / CHANGES
    write_bytes(dest, text.encode("utf-8"))
    return BuildResult((dest,))
