"""Turn built decks into PDFs with LibreOffice: the lecture (one slide a page) and a notes handout.

Optional: without LibreOffice the caller says so in one line and keeps the rest of the build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dlexport.errors import UsageError

NOTES_FILTER = ('pdf:impress_pdf_Export:{"ExportNotesPages":{"type":"boolean","value":"true"},'
                '"ExportOnlyNotesPages":{"type":"boolean","value":"true"}}')
NOTES_SUFFIX = "-notes"
MISSING = "slides: --pdf needs LibreOffice (soffice), which is not installed; the PDFs were not written"


def soffice() -> str | None:
    """Return LibreOffice's command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(exe: str, src: Path, filter_: str, work: Path) -> Path:
    """Convert `src` to PDF in `work` (own profile and HOME: parallel runs sharing one lose output)."""
    out = work / "pdf"
    subprocess.run([exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                    "--convert-to", filter_, "--outdir", str(out), str(src)],
                   env={**os.environ, "HOME": str(work / "home")}, capture_output=True, timeout=600, check=False)
    pdf = out / f"{src.stem}.pdf"
    if not pdf.exists():  # LibreOffice's exit code does not say
        raise UsageError(f"--pdf: LibreOffice wrote no PDF for {src.name}")
    return pdf


def handouts(decks: Sequence[Path], out_dir: Path, exe: str) -> list[Path]:
    """Write `<deck>.pdf` (slides) and `<deck>-notes.pdf` (each slide with its notes) next to each deck."""
    written = []
    with tempfile.TemporaryDirectory(prefix="dlexport-pdf-") as tmp:
        work = Path(tmp)
        for deck in decks:
            lecture = _convert(exe, deck, "pdf", work)
            notes_src = work / f"{deck.stem}{NOTES_SUFFIX}.pptx"
            shutil.copyfile(deck, notes_src)
            notes = _convert(exe, notes_src, NOTES_FILTER, work)
            for pdf in (lecture, notes):
                dest = out_dir / pdf.name
                shutil.move(pdf, dest)
                written.append(dest)
    return written
