"""Run the stages in order — load, render figures, export targets — and put the outputs in place together.

Outputs are built in a staging folder inside `--out` and moved into place only when every stage
has succeeded, so a failed or interrupted build leaves the previous outputs untouched.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from dlexport import manifest
from dlexport.epoch import build_epoch

if TYPE_CHECKING:
    from dlexport.model import Glossary

# One module per output; each has `build(glossary, assets, out_dir, settings) -> Path`.
TARGETS: dict[str, str] = {
    "anki": "dlexport.targets.anki",
    "slides": "dlexport.targets.slides",
    "cheatsheet": "dlexport.targets.cheatsheet",
}
FIGURES_DIR = "figures"
STAMPS = "outputs.json"  # in the cache folder: sizes and mtimes of the last build's outputs


class Options(NamedTuple):  # the no-op path imports neither dataclasses nor the model (~20 ms)
    """What the command line asked for."""

    sources: Path
    out: Path
    cache: Path | None = None
    jobs: int | None = None
    template: Path | None = None
    quiet: bool = False
    verbose: bool = False
    split: str = ""  # slides: "sections" = one deck per section
    pdf: bool = False  # slides: lecture PDF and notes handout too


class Stage:
    """Prints one progress line per stage: name, what it did, and how long it took."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    @contextmanager
    def __call__(self, name: str) -> Iterator[Callable[[str], None]]:
        """Time a stage; the block calls the yielded function with a summary such as "9 (7 cached)"."""
        start, said = time.perf_counter(), [""]
        yield lambda text: said.__setitem__(0, text)
        if not self.quiet:
            if sys.stderr.isatty():
                sys.stderr.write("\r\033[K")
            print(f"{name:<10} {said[0]} {time.perf_counter() - start:.2f} s", flush=True)


def summary(glossary: Glossary) -> str:
    """Return the one-line description `check` prints, with what each target would make."""
    figures = sum(1 for _ in glossary.figures())
    parts = [f"{len(glossary.terms)} terms in {len(glossary.sections)} sections", f"{figures} figures"]
    for module_name in TARGETS.values():
        module: Any = importlib.import_module(module_name)
        if hasattr(module, "counts"):  # optional: `counts(glossary, assets=None, settings=None) -> {"notes": 8}`
            parts += [f"{n} {what}" for what, n in module.counts(glossary).items()]
    return ", ".join(parts)


def progress_bar(name: str) -> Callable[[str], None] | None:
    """Return a callback that redraws one status line on a terminal (None when not a terminal)."""
    if not sys.stderr.isatty():
        return None
    done = [0]

    def show(message: str) -> None:
        done[0] += 1
        sys.stderr.write(f"\r\033[K{name:<10} {done[0]:>5}  {message[:60]}")
        sys.stderr.flush()
    return show


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """Yield an empty folder inside `out`; it is removed afterwards, whatever happens."""
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, out: Path, prune: bool) -> None:
    """Move every file built in `stage` into `out` all together, or leave `out` as it was.

    Files the new build replaces are first moved aside (and, with `prune`, figures it no longer
    uses); if any move fails, everything already moved is put back before the error goes on.
    """
    moves = [(p, out / p.relative_to(stage)) for p in sorted(stage.rglob("*")) if p.is_file()]
    keep = {dest for _, dest in moves}
    # Only a build of every output may drop old figures: the .md and .html of an earlier build link them.
    stale = [p for p in sorted((out / FIGURES_DIR).glob("*.png")) if p not in keep] if prune else []
    for _, dest in moves:
        if dest.is_dir():  # checked first: a folder in the way must stop the build before anything moves
            raise IsADirectoryError(21, "a folder is in the way of an output", str(dest))
    aside = Path(tempfile.mkdtemp(prefix=".previous-", dir=out))
    undo: list[tuple[Path, Path | None]] = []  # (path in out, where its previous content went)
    try:
        (out / FIGURES_DIR).mkdir(exist_ok=True)
        for n, (src, dest) in enumerate(moves):
            saved = aside / str(n) if dest.exists() else None
            if saved:
                os.replace(dest, saved)
            undo.append((dest, saved))
            os.replace(src, dest)
        for n, old in enumerate(stale, len(moves)):
            os.replace(old, aside / str(n))
            undo.append((old, aside / str(n)))
    except BaseException:
        for dest, saved in reversed(undo):
            if saved is None:
                dest.unlink(missing_ok=True)
            else:
                os.replace(saved, dest)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def run(command: str, opts: Options) -> None:
    """Run `command` (check, diagrams, anki, slides or all); raise SourceError on bad sources."""
    stage = Stage(opts.quiet)
    cache = opts.cache or opts.out / ".cache"
    epoch = build_epoch(opts.sources) if command != "check" and opts.sources.is_dir() else 0
    key = ""
    if command == "all":
        flags = f"{command} split={opts.split} pdf={opts.pdf}"  # the slides' options change the outputs
        key = manifest.fingerprint(opts.sources, epoch, opts.template, flags) if epoch else ""
        if key and manifest.is_current(opts.out, key, cache / STAMPS):
            if not opts.quiet:
                print(f"up to date: nothing changed since the last build ({opts.out / manifest.MANIFEST})")
            return
    from dlexport.load import load  # not needed (nor yaml) when the outputs are current

    with stage("load") as said:
        glossary = load(opts.sources)
        said(f"{len(glossary.terms)} terms")
    if command == "check":
        print(summary(glossary))
        return
    from dlexport.model import Settings

    settings = Settings(epoch=epoch, template=opts.template, verbose=opts.verbose, split=opts.split, pdf=opts.pdf)
    with staging(opts.out) as tmp:
        from dlexport.render import contact_sheet, draw_errors, render_assets

        with stage("figures") as said, draw_errors(glossary):
            assets, stats = render_assets(glossary, tmp, cache_dir=cache / "figures", jobs=opts.jobs,
                                          progress=None if opts.quiet else progress_bar("figures"))
            said(f"{stats.total} ({stats.cached} cached)")
        if command == "diagrams":
            contact_sheet(assets, tmp / "contact-sheet.png")
        counts = {"terms": len(glossary.terms), "figures": len(assets.figures), "formulas": len(assets.formulas)}
        for name in TARGETS if command == "all" else [command] if command in TARGETS else []:
            module: Any = importlib.import_module(TARGETS[name])
            with stage(name) as said:
                said(module.build(glossary, assets, tmp, settings).name)
            counts.update(module.counts(glossary, assets, settings) if hasattr(module, "counts") else {})
        if command == "all":
            outputs = manifest.describe(tmp, (p for p in tmp.rglob("*") if p.is_file()))
            manifest.write(tmp, key, settings.epoch, outputs, counts)
        publish(tmp, opts.out, prune=command == "all")
    if command == "all":
        manifest.remember(opts.out, cache / STAMPS)
