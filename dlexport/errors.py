"""The one error class a user can cause: a problem in a source file, with where and how to fix it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple


def shown(path: Path) -> str:
    """Return `path` relative to the working directory when it is below it, else as given."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


class Problem(NamedTuple):  # not a dataclass: this module is on the no-op path, dataclasses costs ~10 ms
    """One mistake: file, 1-based line and column, what is wrong, and how to fix it."""

    path: Path
    line: int
    column: int
    message: str
    fix: str = ""

    def __str__(self) -> str:
        fix = f" — {self.fix}" if self.fix else ""
        return f"{shown(self.path)}:{self.line}:{self.column}: {self.message}{fix}"


class SourceError(Exception):
    """Every mistake found in the sources during one run, reported together like a compiler does."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (str(p.path), p.line, p.column)))
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def one(cls, path: Path, message: str, fix: str = "", line: int = 1, column: int = 1) -> SourceError:
        """Return an error holding a single problem."""
        return cls([Problem(path, line, column, message, fix)])


class UsageError(Exception):
    """A command-line mistake (exit code 2)."""
