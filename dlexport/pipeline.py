"""Run the stages in order — load, render figures, export targets — and put the outputs in place together.

Outputs are built in a staging folder inside `--out` and moved into place only when every stage
has succeeded, so a failed or interrupted build leaves the previous outputs untouched.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from dlexport import codehash, manifest, targets
from dlexport.epoch import build_epoch
from dlexport.errors import Problem, SourceError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dlexport.model import Glossary



class Options(NamedTuple):  # the no-op path imports neither dataclasses nor the model (~20 ms)
    """What the command line asked for."""

    sources: Path
    out: Path
    cache: Path | None = None
    jobs: int | None = None
    options: Mapping[str, object] = {}  # the targets' own options, e.g. {"template": Path("their.pptx")}
    quiet: bool = False
    strict: bool = False  # vocabulary warnings are errors
    verbose: bool = False  # targets may say what they chose


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
    for target in targets.TARGETS:
        parts += [f"{n} {what}" for what, n in target.builder().counts(glossary).items()]
    return ", ".join(parts)


def chosen(command: str) -> tuple[targets.Target, ...]:
    """Return the targets `command` builds: every one for `all`, else the one named (none for check/diagrams)."""
    return tuple(t for t in targets.TARGETS if command in ("all", t.name))


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
    import shutil
    import tempfile

    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def link_published(out: Path, stage: Path, digests: manifest.Digests) -> dict[str, str]:
    """Link into `stage` each figure the last build published whose digest `digests` knows; return those digests.

    The figure stage then finds each unchanged figure in place and writes nothing, `manifest.describe` knows
    its digest without reading it, publishing leaves it where it is, and removing the staging folder only
    drops a link: writing and then deleting thousands of PNGs costs seconds on some disks.
    """
    from dlexport.files import FIGURES_DIR

    linked: dict[str, str] = {}
    (stage / FIGURES_DIR).mkdir(exist_ok=True)
    into = os.path.abspath(stage / FIGURES_DIR)
    try:
        entries = list(os.scandir(os.path.abspath(out / FIGURES_DIR)))
    except OSError:
        return linked
    for e in entries:
        digest = digests.known(e.path) if e.name.endswith(".png") else None
        if digest is not None:
            try:
                os.link(e.path, f"{into}/{e.name}")
            except OSError:  # a file system without hard links: the figure stage writes it
                continue
            digests.keep(e.path, digest)  # a new link moves the file's ctime on: the figure cache sees that stamp
            linked[f"{FIGURES_DIR}/{e.name}"] = digest
    return linked


def publish(stage: Path, out: Path, prune: bool, same: Collection[str] = ()) -> None:
    """Move every file built in `stage` into `out` all together, or leave `out` as it was.

    Files the new build replaces are first moved aside (and, with `prune`, figures it no longer
    uses); if any move fails, everything already moved is put back before the error goes on.
    Files named in `same` (relative paths) already hold the same bytes in `out`: they stay as they are.
    """
    import shutil
    import tempfile

    from dlexport.files import FIGURES_DIR  # not on the no-op path (nor zipfile)

    built = manifest.files_below(stage)
    moves = [(stage / name, out / name) for name in built if name not in same]
    keep = set(built)
    # Only a build of every output may drop old figures: the .md and .html of an earlier build link them.
    figures = out / FIGURES_DIR
    stale = sorted(figures / e.name for e in os.scandir(figures) if e.name.endswith(".png")
                   and f"{FIGURES_DIR}/{e.name}" not in keep) if prune and figures.is_dir() else []
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


def warn(warnings: tuple[Problem, ...], opts: Options) -> None:
    """Print vocabulary warnings (unless quiet), or raise them as errors with --strict."""
    if warnings and opts.strict:
        raise SourceError(warnings)
    if not opts.quiet:
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)


def run(command: str, opts: Options) -> None:
    """Run `command` (check, diagrams, all or a target's name); raise SourceError on bad sources."""
    cache = opts.cache or opts.out / ".cache"
    # every file's sha256 by its stamp (`check` writes nothing)
    digests = manifest.Digests(cache / manifest.DIGESTS if command != "check" else None)
    codehash.use(digests)  # dlexport's own files too, for the memos' salt and the figures' cache keys
    complete = False
    try:
        if command != "all":
            epoch = build_epoch(opts.sources) if command != "check" and opts.sources.is_dir() else 0
            return build(command, opts, cache, epoch, "", digests)
        epoch = build_epoch(opts.sources) if opts.sources.is_dir() else 0
        files = [v for _, v in sorted(opts.options.items()) if isinstance(v, Path)]
        # Text options (--since REF) go into the key as written: a new tag under the same words is not seen.
        texts = [f"--{k} {v}" for k, v in sorted(opts.options.items()) if not isinstance(v, Path)]
        key = manifest.fingerprint(opts.sources, epoch, files, " ".join([command, *texts]), digests) if epoch else ""
        if key and manifest.is_current(opts.out, key, digests):
            # Not `complete`: the check reads neither the fonts nor the figure cache, whose digests builds want.
            if opts.strict:  # the outputs are current, but this run must still refuse avoided words
                from dlexport.load import load
                warn(load(opts.sources, cache).warnings, opts)
            if not opts.quiet:
                print(f"up to date: nothing changed since the last build ({opts.out / manifest.MANIFEST})")
            return
        build(command, opts, cache, epoch, key, digests)
        complete = True
    finally:
        digests.save(complete)


def build(command: str, opts: Options, cache: Path, epoch: int, key: str, digests: manifest.Digests) -> None:
    """Load, draw and build what `command` asks, reading files through `digests`; for `all`, also write the
    manifest (fingerprint `key`) and remember the outputs' digests."""
    from dlexport.files import FIGURES_DIR
    from dlexport.load import load  # not needed (nor yaml) when the outputs are current

    stage = Stage(opts.quiet)
    with stage("load") as said:
        glossary = load(opts.sources, cache if command != "check" else None)  # `check` writes nothing
        said(f"{len(glossary.terms)} terms")
    warn(glossary.warnings, opts)
    if command == "check":
        print(summary(glossary))
        return
    from dlexport.model import Settings

    settings = Settings(epoch=epoch, options=dict(opts.options), sources=opts.sources,
                        verbose=opts.verbose, cache=cache, published=opts.out)
    building = chosen(command)
    with staging(opts.out) as tmp:
        from dlexport.model import Assets
        from dlexport.render import contact_sheet, draw_errors, render_assets

        assets = Assets({}, {})
        linked: dict[str, str] = {}
        if command == "diagrams" or any(t.images for t in building):  # `changes` needs no pictures
            linked = link_published(opts.out, tmp, digests) if command == "all" else {}
            with stage("figures") as said, draw_errors(glossary):
                assets, stats = render_assets(glossary, tmp, cache_dir=cache / FIGURES_DIR, jobs=opts.jobs,
                                              progress=None if opts.quiet else progress_bar("figures"),
                                              digests=digests)
                said(f"{stats.total} ({stats.cached} cached)")
        if command == "diagrams":
            contact_sheet(assets, tmp / "contact-sheet.png")
        counts = {"terms": len(glossary.terms), "figures": len(assets.figures), "formulas": len(assets.formulas)}
        said_notes: set[str] = set()
        for target in building:
            with stage(target.name) as said:
                result = target.builder().build(glossary, assets, tmp, settings)
                said(result.paths[0].name if result.paths else "nothing to write")
            counts.update(result.counts)
            for note in () if opts.quiet else result.notes:
                if note not in said_notes:  # two targets reading the same history say it once
                    said_notes.add(note)
                    print(note)
        outputs: list[dict[str, object]] = []
        same: set[str] = set()  # outputs whose published file already holds the new bytes
        if command == "all":
            outputs, same = manifest.describe(tmp, manifest.files_below(tmp), digests, opts.out, linked)
            manifest.write(tmp, key, settings.epoch, outputs, counts)
        # Old figures may go only when every output that links them (the .md, the .html) was rebuilt.
        publish(tmp, opts.out, prune=bool(building) and all(t in building for t in targets.TARGETS
                                                            if t.links_figures), same=same)
    if command == "all":
        manifest.remember(opts.out, outputs, digests)
