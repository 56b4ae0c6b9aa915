"""The outputs dlexport builds: one registry line per target, each declaring its name, help, options and images.

The command line, `check`'s summary, the manifest and the pipeline all read `TARGETS`; adding an output
is one module that satisfies `Builder` plus one line here. The declarations are plain tuples, so reading
them imports none of the heavy libraries (the no-op build and `--help` stay fast); a target's module is
imported only when it is built or counted.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol, cast

if TYPE_CHECKING:
    from dlexport.model import Assets, Glossary, Settings


class Option(NamedTuple):
    """A command-line option a target adds; its value reaches the target as `settings.options[dest]`."""

    flag: str  # "--template"
    help: str
    metavar: str = ""
    is_file: bool = True  # the value names an existing file (checked, and hashed into the no-op fingerprint)
    is_flag: bool = False  # a switch without a value (`--pdf`): True when given
    choices: tuple[str, ...] = ()  # the values a text option accepts, if only some

    @property
    def dest(self) -> str:
        """Return the option's key in `Settings.options` ("--template" -> "template")."""
        return self.flag.lstrip("-").replace("-", "_")


class BuildResult(NamedTuple):
    """What a target wrote (first path = the main output), what it counted, and notes for the person building."""

    paths: tuple[Path, ...]
    counts: Mapping[str, int] = {}
    notes: tuple[str, ...] = ()  # one line each, e.g. "no earlier release to compare with"; printed unless --quiet


class Builder(Protocol):
    """The contract of a target's module."""

    def build(self, glossary: Glossary, assets: Assets, out_dir: Path, settings: Settings) -> BuildResult:
        """Write the outputs into `out_dir` atomically (same input, same bytes) and say what was written."""

    def counts(self, glossary: Glossary) -> Mapping[str, int]:
        """Return what `check` reports for this target (e.g. notes and cards), without rendering anything."""


class Target(NamedTuple):
    """One output: its subcommand, the module that builds it and what it needs."""

    name: str  # the subcommand, e.g. `python -m dlexport anki`
    help: str
    module: str  # a module satisfying `Builder`
    options: tuple[Option, ...] = ()
    images: tuple[str, ...] = ("png",)  # image formats it embeds or links
    links_figures: bool = False  # its outputs link `figures/` beside them, so those files must stay

    def builder(self) -> Builder:
        """Import and return the target's module."""
        return cast("Builder", importlib.import_module(self.module))


TEMPLATE = Option("--template", "PowerPoint file whose layouts the slides use (see README)", "PPTX")
SPLIT = Option("--split", "slides: one lecture deck per section instead of one deck", "MODE", is_file=False,
               choices=("sections",))
PDF = Option("--pdf", "slides: also write the lecture PDF and a notes handout (needs LibreOffice)", is_file=False,
             is_flag=True)
SINCE = Option("--since", "earlier release (git tag or commit) whose notes this one retires or updates "
               "(default: the newest version tag before HEAD)", "REF", is_file=False)

TARGETS: tuple[Target, ...] = (
    Target("anki", "Anki 덱만 — build the .apkg", "dlexport.targets.anki", options=(SINCE,)),
    Target("slides", "강의 슬라이드만 — build the .pptx", "dlexport.targets.slides",
           options=(TEMPLATE, SPLIT, PDF)),
    Target("cheatsheet", "치트시트만 — build the Markdown cheatsheet and the HTML study page",
           "dlexport.targets.cheatsheet", links_figures=True),
    Target("changes", "릴리스 노트 — write build/CHANGES.md: Anki notes added, changed and retired since a release",
           "dlexport.targets.changes", options=(SINCE,), images=()),
)


def options(targets: tuple[Target, ...]) -> tuple[Option, ...]:
    """Return the options of `targets`, each once, in registry order."""
    seen: dict[str, Option] = {}
    for t in targets:
        for o in t.options:
            seen.setdefault(o.flag, o)
    return tuple(seen.values())
