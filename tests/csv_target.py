"""A target that exists only in the tests: one CSV row per term, to prove a new output is one module."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from dlexport.files import write_bytes
from dlexport.model import Assets, Glossary, Settings
from dlexport.targets import BuildResult


def counts(glossary: Glossary) -> Mapping[str, int]:
    """Return the number of rows the CSV will have."""
    return {"rows": len(glossary.terms)}


def build(glossary: Glossary, assets: Assets, out_dir: Path, settings: Settings) -> BuildResult:
    """Write `<name>.csv`: Korean, English, summary (Quizlet's import format)."""
    delimiter = str(settings.options.get("delimiter") or ",")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    for term in glossary.terms:
        writer.writerow([term.ko, term.en, term.summary])
    dest = out_dir / f"{glossary.name}.csv"
    write_bytes(dest, buffer.getvalue().encode("utf-8"))
    return BuildResult((dest,), counts(glossary))
