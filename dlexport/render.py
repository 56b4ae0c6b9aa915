"""Render every figure and formula to a content-named PNG, through a verified cache and a process pool.

matplotlib is imported only when something must be drawn: a warm build never loads it.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import re
import struct
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from stat import S_ISREG

from dlexport import cards, codehash, diagrams, drawpool, legibility, memo
from dlexport.errors import Problem, SourceError
from dlexport.files import FIGURES_DIR, write_bytes
from dlexport.fonts import hangul_font
from dlexport.manifest import DIGESTS, Digests, Stamp, installed_version, stamp
from dlexport.model import Asset, Assets, Figure, Glossary, Placed, Term

# Figures are drawn one per process, as many processes as cores: BLAS threads on top of that only contend (the
# autoencoder figure trained 3-4 x slower on a busy 2-core machine). OpenBLAS reads this when numpy loads,
# which on the CLI's path is here, at the first drawing; a caller that already set it, or loaded numpy, keeps its own.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

RENDER_VERSION = "3"  # bump to invalidate every cache entry
FORMULA = "formula"  # the kind (and file-name stem) of formula images
FORMULA_DRAWER = "dlexport.diagrams.plots"  # its module: formula(latex)
PARALLEL_MIN = 5  # fewer misses than this are rendered in-process
NAMED = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{10}\.png$")
CHECKS = "memo-checks.pickle"  # in the figure cache: each image's metadata and check results (see `Checks`)
TIMINGS = "timings.json"  # in the figure cache: how long each sort of drawing took (only orders the drawings)


@dataclass(frozen=True)
class RenderStats:
    """What one asset stage did: how many images, how many came from the cache, wall time."""

    total: int
    cached: int
    rendered: int
    seconds: float


@dataclass(frozen=True)
class Job:
    """One image to produce: its file-name stem, drawer kind, drawer params and cache key."""

    stem: str  # figure id, or "formula"
    kind: str
    params: Mapping[str, object]
    key: str
    alt: str
    caption: str
    hide: tuple[str, ...] = ()  # askable labels drawn as "?" (a figure's quiz and phone variants)
    layout: str = "card"  # where the image is shown (legibility.LAYOUTS): a figure's slide and phone variants
    figure: str = ""  # a variant's figure id (its stem is `<figure>-<variant>`)


def png_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) in pixels read from a PNG header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cache
def environment() -> str:
    """Return a hash of what changes every image's pixels: the Hangul font files, matplotlib, RENDER_VERSION.

    What changes one kind's pixels (its drawing code and data files) is that kind's `cache_inputs`.
    """
    h = hashlib.sha256(f"render {RENDER_VERSION}\nmatplotlib {installed_version('matplotlib')}\n".encode())
    for bold in (False, True):
        h.update(bytes.fromhex(codehash.file_digest(hangul_font(bold))))
    return h.hexdigest()


def cache_key(kind: str, params: Mapping[str, object], extra: str = "") -> str:
    """Return the cache key of one image: kind, canonical JSON params, `extra`, the kind's code and data
    (`diagrams.cache_inputs`; the formula drawer's module for formulas) and the environment."""
    inputs = diagrams.code_digest(FORMULA_DRAWER) if kind == FORMULA else diagrams.cache_inputs(diagrams.KINDS[kind])
    blob = json.dumps({"kind": kind, "params": params, "extra": extra, "env": environment(), "code": inputs},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _sha256(blob.encode())


def _figure_job(fig: Figure) -> Job:
    """Return the job of one figure; its key hashes the bytes of the files it names, not where they are."""
    if fig.kind not in diagrams.KINDS:
        raise ValueError(f"figure {fig.id!r}: unknown diagram kind {fig.kind!r}")
    kind = diagrams.KINDS[fig.kind]
    params = {**kind.defaults, **fig.params}
    try:
        arguments = diagrams.arguments(kind, params, fig.base_dir)
    except diagrams.FileProblem as e:
        raise ValueError(f"figure {fig.id!r}: {e.message}") from None
    extra = "".join(codehash.file_digest(str(arguments[name])) for name in kind.files)
    return Job(fig.id, fig.kind, arguments, cache_key(fig.kind, params, extra), fig.alt, fig.caption)


def jobs_for(glossary: Glossary) -> list[Job]:
    """Return one job per figure (presentation order), then one per distinct formula (sorted)."""
    out = [_figure_job(fig) for fig in glossary.figures()]
    for latex in sorted({f.latex for t in glossary.terms for f in t.formulas}):
        params = {"latex": latex}
        out.append(Job(FORMULA, FORMULA, params, cache_key(FORMULA, params), latex, ""))
    return out


@dataclass(frozen=True)
class CachedPNG:
    """A PNG in the figure cache, verified (its sha256 as recorded) but not read: `_publish` links it."""

    path: str
    sha256: str
    stamp: Stamp  # the file's when it was verified


@dataclass(frozen=True)
class Image:
    """A drawn image: PNG bytes (or a verified cache file), size in pixels, and the texts the drawing placed
    (see `model.Placed`)."""

    png: bytes | CachedPNG
    width: int
    height: int
    texts: tuple[Placed, ...]


def render_image(kind: str, params: Mapping[str, object], hide: tuple[str, ...] = (), layout: str = "card") -> Image:
    """Draw one image (a diagram kind, or "formula") in `layout` (one of the kind's `layouts`, or "card"), its
    askable labels in `hide` shown as "?"; imports matplotlib."""
    from dlexport.diagrams import style  # the only path that loads matplotlib

    if kind == FORMULA:
        fig = importlib.import_module(FORMULA_DRAWER).formula(str(params["latex"]))
    else:
        module, _, name = diagrams.KINDS[kind].drawer.partition(":")
        drawer = getattr(importlib.import_module(module), name)
        if layout == "card":
            fig = drawer(**params)
        elif layout in diagrams.KINDS[kind].layouts:
            fig = drawer(**params, layout=legibility.LAYOUTS[layout])
        else:
            raise ValueError(f"kind {kind} draws no {layout} layout")
    drawing = style.draw(fig, hide)
    return Image(drawing.png, *png_size(drawing.png), drawing.texts)


class DrawError(ValueError):
    """A figure's parameters or a formula's LaTeX could not be drawn: a mistake in the sources."""

    def __init__(self, subject: str, is_formula: bool, reason: str) -> None:
        super().__init__(subject, is_formula, reason)
        self.subject, self.is_formula, self.reason = subject, is_formula, reason

    def __str__(self) -> str:
        what = f"formula `{self.subject}`" if self.is_formula else f"figure `{self.subject}`"
        return f"{what}: {' '.join(self.reason.split())}"


@contextmanager
def draw_errors(glossary: Glossary) -> Iterator[None]:
    """Turn a DrawError into a SourceError at the figure or formula's place in its source file."""
    try:
        yield
    except DrawError as e:
        for term in glossary.terms:
            lines = [f.line for f in term.formulas if f.latex == e.subject] if e.is_formula else \
                [f.line for f in term.figures if f.id == e.subject]
            if lines:
                fix = "write LaTeX that matplotlib's mathtext can typeset" if e.is_formula else \
                    "change the figure's params"
                raise SourceError.one(term.source, f"cannot draw {e}", fix, line=lines[0]) from e
        raise


def _render_job(job: Job) -> Image:
    try:
        return render_image(job.kind, job.params, job.hide, job.layout)
    except ValueError as e:
        if job.kind == FORMULA:
            raise DrawError(job.alt, True, str(e)) from e
        if job.figure:  # named by its figure, so that the error points at the figure's line
            raise DrawError(job.figure, False, f"its {job.stem.removeprefix(job.figure + '-')} drawing: {e}") from e
        raise DrawError(job.stem, False, str(e)) from e


def read_cache(cache_dir: Path | str, key: str, digests: Digests, metas: memo.Memo | None = None) -> Image | None:
    """Return a cached image, or None if missing or not matching its recorded sha256.

    The PNG is read and hashed only when `digests` does not know it by its stamp (size, mtime, ctime, inode,
    device): a file changed in any way since it was verified, even in place with its mtime set back, is
    verified again. `metas` keeps each metadata file's reading by its stamp (the same five numbers).
    """
    return _read_cached(os.path.abspath(cache_dir), key, digests, metas)


def _read_cached(base: str, key: str, digests: Digests, metas: memo.Memo | None) -> Image | None:
    """`read_cache` in the absolute folder `base` (strings, not pathlib: a build asks thousands of times)."""
    try:
        meta = f"{base}/{key}.json"
        sha256, width, height, texts = _read_meta(meta) if metas is None else \
            metas.get(f"meta\0{meta}\0{stamp(os.stat(meta))}", lambda: _read_meta(meta))
        png = f"{base}/{key}.png"
        st = os.stat(png)
        if digests.digest(png, st) != sha256:
            return None
        return Image(CachedPNG(png, sha256, stamp(st)), width, height, texts)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read_meta(path: str) -> tuple[str, int, int, tuple[Placed, ...]]:
    """Return what a cache entry's metadata file says: the PNG's sha256, its width and height, its texts."""
    info = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(info["sha256"], str):
        raise ValueError(f"{path}: no sha256")
    texts = tuple(Placed(str(t["text"]), float(t["points"]), _box(t["box"]), str(t["label"])) for t in info["texts"])
    return info["sha256"], int(info["width"]), int(info["height"]), texts


def _box(values: list[object]) -> tuple[int, int, int, int]:
    left, top, right, bottom = (int(str(v)) for v in values)
    return left, top, right, bottom


def write_cache(cache_dir: Path, key: str, image: Image) -> Image:
    """Store a drawn image's PNG and its metadata (size, sha256, placed texts) under `key`; return the image
    with its PNG as the cache file just written (published as a link to it, like a cached image)."""
    assert isinstance(image.png, bytes)
    png = os.path.abspath(cache_dir / f"{key}.png")
    write_bytes(Path(png), image.png)
    texts = [{"text": t.text, "points": t.points, "box": list(t.box), "label": t.label} for t in image.texts]
    meta = {"sha256": _sha256(image.png), "width": image.width, "height": image.height, "texts": texts}
    write_bytes(cache_dir / f"{key}.json", json.dumps(meta, sort_keys=True, ensure_ascii=False).encode())
    return replace(image, png=CachedPNG(png, str(meta["sha256"]), stamp(os.stat(png))))


def _publish(figures_dir: Path | str, stem: str, data: bytes | CachedPNG, digests: Digests | None = None) -> Path:
    """Write `data` as figures_dir/<stem>-<sha256 prefix>.png unless that file already holds it.

    A verified cache file (`CachedPNG`) is published as a hard link to it (nothing read or written) while it
    still has the stamp it was verified with (a new link moves its ctime on: `digests` keeps the new stamp);
    a file of that name that is not that link (a copy, or the link to an earlier cache entry of the same
    drawing) is replaced by it. Else, or where links fail (another file system), it is read, checked and written.
    """
    cached = data if isinstance(data, CachedPNG) else None
    name = f"{stem}-{(data.sha256 if isinstance(data, CachedPNG) else _sha256(data))[:10]}.png"
    folder = os.fspath(figures_dir)
    dest = Path(folder, name)
    try:
        if cached and stamp(os.stat(cached.path)) == cached.stamp:
            with suppress(FileNotFoundError):  # already that link: the same inode and device as the cache file
                there = os.stat(os.path.join(folder, name))
                if S_ISREG(there.st_mode) and (there.st_ino, there.st_dev) == cached.stamp[3:]:
                    return dest
            link = os.path.join(folder, f".{name}.link")
            with suppress(FileNotFoundError):
                os.unlink(link)
            os.link(cached.path, link)
            os.replace(link, dest)  # the name appears with the whole file behind it: atomic
            if digests is not None:
                digests.keep(cached.path, cached.sha256)
            return dest
    except OSError:
        pass
    if cached:
        data = Path(cached.path).read_bytes()
        if _sha256(data) != cached.sha256:
            raise OSError(f"the figure cache changed during the build: {cached.path}")
    assert isinstance(data, bytes)
    if not (dest.is_file() and dest.stat().st_size == len(data) and dest.read_bytes() == data):
        write_bytes(dest, data)
    return dest

DRAW_GUESS = {FORMULA: 0.1}  # seconds of a drawing the timings file does not know (else 0.5)


@dataclass(frozen=True)
class Task:
    """Drawings one worker makes in a row: `jobs` (a figure's card, then its slide when missing), then, when
    `figure` and `term` are set, the card's quiz and phone variants (`text_variants`) missing from `cache_dir`,
    so that a figure's drawings share its worker (and what its drawer keeps per process: a trained network)."""

    jobs: tuple[Job, ...]
    figure: Figure | None = None
    term: Term | None = None
    cache_dir: str = ""


def _sort(job: Job) -> str:
    """Return the name `drawpool.Timings` keeps a drawing's time under: its kind and layout."""
    return f"{job.kind} {job.layout}"


def _draw_task(task: Task) -> list[tuple[Job, Image, float]]:
    """Draw a task's images; return each with its job and the CPU seconds it took (in a worker: picklable)."""
    out = []
    for job in task.jobs:
        begun = time.process_time()
        out.append((job, _render_job(job), time.process_time() - begun))
    if task.figure is not None and task.term is not None:
        hide = cards.quiz_hidden(task.figure, out[0][1].texts, task.term)
        for _, job in text_variants(task.figure, task.jobs[0], hide):
            if not (os.path.exists(os.path.join(task.cache_dir, f"{job.key}.png"))
                    and os.path.exists(os.path.join(task.cache_dir, f"{job.key}.json"))):
                begun = time.process_time()
                out.append((job, _render_job(job), time.process_time() - begun))
    return out


def slide_variant(figure: Figure, job: Job) -> Job | None:
    """Return the job of a figure's slide drawing (it needs nothing from the card's), if its kind has one."""
    return _variant(job, "slide", (), "slide") if "slide" in diagrams.KINDS[figure.kind].layouts else None


def text_variants(figure: Figure, job: Job, hide: tuple[str, ...]) -> list[tuple[str, Job]]:
    """Return (Asset field, job) for each variant that depends on the card drawing's texts (`hide`, the labels
    `cards.quiz_hidden` names in them):
    - "quiz": the figure with those labels shown as "?" (only when it hides some; else the figure is its own
      quiz side);
    - "phone": the figure → term card's front drawn for a phone, those labels hidden, when the figure is asked
      and its kind has a phone layout."""
    out = [("quiz", _variant(job, "quiz", hide, "card"))] if hide else []
    if "phone" in diagrams.KINDS[figure.kind].layouts and figure.quiz:
        out.append(("phone", _variant(job, "phone", hide, "phone")))
    return out


class _Run:
    """One figure stage's images: each job's published asset, from the cache or drawn (each cache key once)."""

    def __init__(self, cache_dir: Path, figures_dir: Path, digests: Digests, checks: Checks,
                 say: Callable[[str], None]) -> None:
        self.cache_dir, self.figures_dir, self.digests, self.checks, self.say = \
            cache_dir, figures_dir, digests, checks, say
        self.cache, self.folder = os.path.abspath(cache_dir), os.fspath(figures_dir)  # paths as strings: faster
        self.assets: dict[int, Asset] = {}  # by id(job)
        self.jobs: list[Job] = []  # every job offered (keeps the ids above alive)
        self.drawing: dict[str, list[Job]] = {}  # cache key -> the jobs waiting for its drawing
        self.fresh: dict[str, Image] = {}  # cache key -> drawn in this run, stored in the cache
        self.rendered = 0
        self.timings = drawpool.Timings(cache_dir / TIMINGS)

    def offer(self, job: Job) -> bool:
        """Publish `job`'s image if it was drawn already or is cached; else return True when it is to be drawn
        (False: an equal job is drawing it)."""
        self.jobs.append(job)
        if (image := self.fresh.get(job.key)) is not None:
            self._publish(job, image, fresh=True)
            return False
        if (hit := _read_cached(self.cache, job.key, self.digests, self.checks.memo)) is not None:
            self._publish(job, hit, fresh=False)
            return False
        waiting = self.drawing.setdefault(job.key, [])
        waiting.append(job)
        return len(waiting) == 1

    def _publish(self, job: Job, image: Image, *, fresh: bool) -> None:
        self.assets[id(job)] = _asset(self.folder, job, image, None if fresh else self.digests)
        self.rendered += fresh
        self.say(f"{'rendered' if fresh else 'cached  '} {job.stem if job.kind != FORMULA else job.alt}")

    def drawn(self, results: list[tuple[Job, Image, float]]) -> list[Job]:
        """Store a task's drawings in the cache, publish the jobs that waited for them and return those jobs."""
        published = []
        for job, image, seconds in results:
            self.timings.record(_sort(job), seconds)
            self.fresh[job.key] = write_cache(self.cache_dir, job.key, image)
            for waiting in self.drawing.pop(job.key, []):
                self._publish(waiting, self.fresh[job.key], fresh=True)
                published.append(waiting)
        return published

    def guess(self, task: Task) -> float:
        """Return the seconds a task is expected to take, its card's quiz and phone variants included."""
        def one(kind: str, layout: str) -> float:
            return self.timings.guess(f"{kind} {layout}", DRAW_GUESS.get(kind, 0.5))

        seconds = sum(one(job.kind, job.layout) for job in task.jobs)
        if task.figure is not None and task.figure.quiz:
            seconds += one(task.figure.kind, "card")
            seconds += one(task.figure.kind, "phone") if "phone" in diagrams.KINDS[task.figure.kind].layouts else 0
        return seconds


def _drawing_queue(run: _Run, tasks: list[Task], jobs: int) -> drawpool.Queue[Task, list[tuple[Job, Image, float]]]:
    """Return a queue of `tasks`, longest first: in a process pool of `jobs` workers when they draw at least
    PARALLEL_MIN images, else in this process."""
    images = sum(len(t.jobs) + 2 * (t.figure is not None) for t in tasks)
    pool = None
    if images >= PARALLEL_MIN and jobs >= 2 and len(tasks) >= 2:
        # fork: workers inherit the imported modules and need no `if __name__ == "__main__"` guard.
        # Import the drawing code (matplotlib, the fonts) once here, so no worker pays for it again.
        importlib.import_module("dlexport.diagrams.style").font_family()
        drawers = sorted({kind.drawer.partition(":")[0] for kind in diagrams.KINDS.values()})
        pool = drawpool.start(min(jobs, len(tasks)), [FORMULA_DRAWER, *drawers])
    queue = drawpool.Queue(_draw_task, pool, min(jobs, len(tasks)))
    for task in tasks:
        queue.add(task, run.guess(task))
    return queue


def render_assets(glossary: Glossary, out_dir: Path, *, cache_dir: Path | None = None,
                  jobs: int | None = None, progress: Callable[[str], None] | None = None,
                  digests: Digests | None = None) -> tuple[Assets, RenderStats]:
    """Write every figure and formula PNG to out_dir/figures and return where they are.

    Cached images (verified by sha256) are reused; misses are drawn, in parallel when there are at least
    PARALLEL_MIN and `jobs` > 1, in one pool, the longest first. Each figure gets its slide variant when its
    kind has a slide layout, and, from its card drawing's texts, its quiz and phone variants (see
    `text_variants`); a quiz side that would still name its term is a SourceError. Files in out_dir/figures
    named like ours but no longer referenced are removed. `digests` (the build's; else one kept in the cache
    folder) knows which cached PNGs were verified already, by their stamps.
    """
    start = time.perf_counter()
    cache_dir = cache_dir or out_dir / ".cache" / FIGURES_DIR
    figures_dir = out_dir / FIGURES_DIR
    figures_dir.mkdir(parents=True, exist_ok=True)
    own = digests is None
    digests = Digests(cache_dir / DIGESTS) if digests is None else digests
    run = _Run(cache_dir, figures_dir, digests, Checks(cache_dir / CHECKS), progress or (lambda _msg: None))
    todo = jobs_for(glossary)
    owners = {fig.id: (fig, term) for term in glossary.terms for fig in term.figures}
    variants: list[tuple[str, str, Job]] = []  # (figure id, Asset field, job)
    card_ids = {id(job) for job in todo if job.kind != FORMULA}
    tasks = _first_tasks(run, todo, owners, variants)
    queue = _drawing_queue(run, tasks, jobs or os.cpu_count() or 1)
    try:
        for _, drawn in queue.results():
            for card in run.drawn(drawn):
                if id(card) not in card_ids:
                    continue
                for single in _offer_text_variants(run, card, owners, variants):
                    queue.add(single, run.guess(single))
    finally:
        if queue.pool is not None:
            queue.pool.shutdown(wait=True, cancel_futures=True)
    run.timings.save()
    if own:
        digests.save(complete=False)
    return _assemble(glossary, run, todo, variants), RenderStats(
        total=len(run.jobs), cached=len(run.jobs) - run.rendered, rendered=run.rendered,
        seconds=time.perf_counter() - start)


def _first_tasks(run: _Run, todo: list[Job], owners: Mapping[str, tuple[Figure, Term]],
                 variants: list[tuple[str, str, Job]]) -> list[Task]:
    """Publish what the cache holds of `todo` and of each figure's variants; return the tasks drawing the rest:
    a figure whose card is missing draws its variants in its card's task."""
    tasks = []
    for job in todo:
        if job.kind == FORMULA:
            tasks += [Task((job,))] if run.offer(job) else []
            continue
        fig, term = owners[job.stem]
        slide = slide_variant(fig, job)
        variants += [(fig.id, "slide", slide)] if slide else []
        draw_slide = slide is not None and run.offer(slide)
        if run.offer(job):
            tasks.append(Task((job, slide) if slide and draw_slide else (job,), cache_dir=str(run.cache_dir),
                              figure=replace(fig, params={}), term=replace(term, figures=())))  # picklable, light
            continue
        tasks += [Task((slide,))] if slide and draw_slide else []
        if id(job) in run.assets:  # the card is cached (not only being drawn for an equal figure)
            tasks += _offer_text_variants(run, job, owners, variants)
    return tasks


def _offer_text_variants(run: _Run, card: Job, owners: Mapping[str, tuple[Figure, Term]],
                         variants: list[tuple[str, str, Job]]) -> list[Task]:
    """Offer the variants read from a figure's published card image; return tasks drawing those still missing."""
    fig, term = owners[card.stem]
    hide = run.checks.hidden(fig, card.key, run.assets[id(card)].texts, term)
    tasks = []
    for name, variant in text_variants(fig, card, hide):
        variants.append((fig.id, name, variant))
        tasks += [Task((variant,))] if run.offer(variant) else []
    return tasks


def _assemble(glossary: Glossary, run: _Run, todo: list[Job], variants: list[tuple[str, str, Job]]) -> Assets:
    """Check the figures (`check_figures`), remove stale published files and return the assets."""
    extra: dict[str, dict[str, Asset]] = {}  # by figure id: its variants by Asset field (quiz, slide, phone)
    for fid, name, job in variants:
        extra.setdefault(fid, {})[name] = run.assets[id(job)]
    figures = {}
    for job in todo:
        if job.kind != FORMULA:
            more = extra.get(job.stem, {})
            figures[job.stem] = replace(run.assets[id(job)], quiz=more.get("quiz"), slide=more.get("slide"),
                                        phone=more.get("phone")) if more else run.assets[id(job)]
    check_figures(glossary, figures, {j.stem: j.key for j in [*todo, *(job for _, _, job in variants)]}, run.checks)
    with suppress(OSError):  # a read-only cache is still a cache: the checks run again next time
        run.checks.memo.save()
    _remove_stale(run.folder, (run.assets[id(job)].path.name for job in run.jobs))
    return Assets(figures=figures, formulas={j.alt: run.assets[id(j)] for j in todo if j.kind == FORMULA})


class Checks:
    """Each figure's check results, kept (`memo.Memo`, in the figure cache) by its image's cache key and its
    term's names: an edit runs `cards.quiz_hidden`, `cards.leaks` and `legibility.card_problem` only on the
    figures it changed, not on every figure of the glossary. The memo also keeps each cache entry's metadata
    (`read_cache`), so that a build parses none of thousands of small JSON files that did not change."""

    def __init__(self, path: Path | None) -> None:
        self.memo = memo.Memo(path, memo.code())

    def hidden(self, figure: Figure, key: str, texts: tuple[Placed, ...], term: Term) -> tuple[str, ...]:
        """Return `cards.quiz_hidden` of a figure whose image has cache key `key` and these texts."""
        k = f"hidden\0{key}\0{figure.quiz}\0{','.join(figure.hide)}\0{_names(term)}"
        return self.memo.get(k, lambda: cards.quiz_hidden(figure, texts, term))

    def leaks(self, key: str | None, texts: tuple[Placed, ...], term: Term) -> tuple[str, ...]:
        """Return `cards.leaks` of an image with cache key `key` (None: unknown, not kept) and these texts."""
        def make() -> tuple[str, ...]:
            return tuple(cards.leaks(texts, term))
        return make() if key is None else self.memo.get(f"leaks\0{key}\0{_names(term)}", make)

    def legibility(self, key: str | None, asset: Asset, place: str = "card") -> str:
        """Return `legibility.problem` of an image with cache key `key` (None: unknown, not kept) shown at
        `place` ("card", "phone")."""
        return legibility.problem(asset, place) if key is None else \
            self.memo.get(f"legible\0{place}\0{key}", lambda: legibility.problem(asset, place))


def _names(term: Term) -> str:
    """Return what `cards.names_term` reads of a term."""
    return f"{term.ko}\0{term.en}\0{term.abbr}"


def _variant(job: Job, name: str, hide: tuple[str, ...], layout: str) -> Job:
    extra = f"\0hide\0{','.join(hide)}" + (f"\0layout\0{layout}" if layout != "card" else "")
    return Job(f"{job.stem}-{name}", job.kind, job.params, _sha256(f"{job.key}{extra}".encode()), job.alt, job.caption,
               hide, layout, job.stem)


def check_figures(glossary: Glossary, figures: Mapping[str, Asset], keys: Mapping[str, str] | None = None,
                  checks: Checks | None = None) -> None:
    """Raise SourceError at each figure a card can't show legibly (see `legibility`), at each asked figure a
    phone can't show legibly on the figure → term card's front, and at each asked figure whose quiz side (on a
    desktop or a phone) still shows a text naming its term. Slides are checked where they are planned
    (`slide_plan.figure_problems`: a --template decides the size). `keys` (each image's cache key, by its
    stem: a variant's is `<id>-quiz`, `<id>-phone`) lets `checks` keep the results."""
    keys, checks = keys or {}, checks or Checks(None)
    problems = []
    fix = ("give it fewer items (params), or draw its texts larger or the figure less wide or tall (sizes: "
           "dlexport/legibility.py's layouts; a kind draws for a phone or a slide with `layouts=`)")
    for term in glossary.terms:
        for fig in term.figures:
            if why := checks.legibility(keys.get(fig.id), figures[fig.id]):
                problems.append(Problem(term.source, fig.line, 1, f"figure `{fig.id}` is too small to read: {why}",
                                        fix))
        for fig in cards.quiz_figures(term):
            asset = figures[fig.id]
            quiz = (asset.quiz, f"{fig.id}-quiz") if asset.quiz else (asset, fig.id)
            phone = (asset.phone, f"{fig.id}-phone") if asset.phone else quiz
            if why := checks.legibility(keys.get(phone[1]), phone[0], "phone"):
                problems.append(Problem(term.source, fig.line, 1, f"figure `{fig.id}` is too small to read on a "
                                        f"phone's figure → term card: {why}",
                                        fix + ", or add `quiz: false` to leave it off the figure → term card"))
            sides = (quiz,) if phone is quiz else (quiz, phone)
            leaks = (t for side, stem in sides for t in checks.leaks(keys.get(stem), side.texts, term))
            for text in dict.fromkeys(leaks):
                said = " ".join(text.split())
                problems.append(Problem(
                    term.source, fig.line, 1, f"figure `{fig.id}` names its term on the figure → term card: \"{said}\"",
                    "this text is no askable label, so it can't be hidden: change the figure's params so it isn't "
                    "drawn, mark it with style.ask in its drawer, or add `quiz: false` to leave the figure off "
                    "that card"))
    if problems:
        raise SourceError(problems)


def _asset(figures_dir: Path | str, job: Job, image: Image, digests: Digests | None = None) -> Asset:
    path = _publish(figures_dir, job.stem, image.png, digests)
    return Asset(path, image.width, image.height, job.alt, job.caption, image.texts)


def _remove_stale(figures_dir: Path | str, keep: Iterable[str]) -> None:
    kept = set(keep)
    for name in os.listdir(figures_dir):
        if name not in kept and NAMED.match(name):
            os.unlink(os.path.join(figures_dir, name))


def contact_sheet(assets: Assets, dest: Path, columns: int = 4, per_page: int = 48) -> list[Path]:
    """Write PNG sheets of every figure's thumbnail with its id, for review; return their paths.

    Drawn with Pillow, in pages of `per_page` (dest, then dest-2.png, …), so a glossary with
    thousands of figures needs neither matplotlib nor gigapixel images.
    """
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(hangul_font()), 20)
    cell_w, cell_h, label_h = 400, 280, 34
    items = sorted(assets.figures.items())
    pages = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
    written = []
    for n, page in enumerate(pages, 1):
        rows = max(1, -(-len(page) // columns))
        sheet = Image.new("RGB", (columns * cell_w, rows * (cell_h + label_h)), "white")
        draw = ImageDraw.Draw(sheet)
        for k, (fid, asset) in enumerate(page):
            r, c = divmod(k, columns)
            x0, y0 = c * cell_w, r * (cell_h + label_h)
            with Image.open(asset.path) as im:
                thumb = im.convert("RGB")
                thumb.thumbnail((cell_w - 20, cell_h - 10))
            sheet.paste(thumb, (x0 + (cell_w - thumb.width) // 2, y0 + label_h + (cell_h - thumb.height) // 2))
            draw.text((x0 + 10, y0 + 6), fid, fill="black", font=font)
        buf = io.BytesIO()
        sheet.save(buf, format="PNG")
        path = dest if n == 1 else dest.with_name(f"{dest.stem}-{n}{dest.suffix}")
        write_bytes(path, buf.getvalue())
        written.append(path)
    return written
