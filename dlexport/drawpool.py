"""Run drawing tasks in one process pool, the longest first, taking tasks that become ready while it runs."""

from __future__ import annotations

import heapq
import importlib
import itertools
import json
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import suppress
from pathlib import Path
from typing import Generic, TypeVar

from dlexport.files import write_bytes

T = TypeVar("T")
R = TypeVar("R")


def _ignore_ctrl_c() -> None:
    """Let only the parent handle Ctrl-C (the terminal sends it to every worker too): it cancels the
    queued drawings and the workers end after their current one, without a traceback each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start(workers: int, modules: Iterable[str] = ()) -> ProcessPoolExecutor:
    """Import `modules` here, then fork `workers` processes that inherit them (spawn where fork is missing)."""
    for module in modules:
        importlib.import_module(module)
    import multiprocessing  # only here: a build that draws nothing needs no pool (~25 ms of imports)

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_ctrl_c)


class Queue(Generic[T, R]):
    """Call `fn` on tasks, the highest `priority` first: in `pool` with at most one task more handed out than
    it has `workers` (one waits in line, so that no worker idles while this process stores the last results;
    a task added later still goes before the lower ones not handed out), or in this process without a pool.
    `add` may be called while `results` is being iterated."""

    def __init__(self, fn: Callable[[T], R], pool: ProcessPoolExecutor | None = None, workers: int = 1) -> None:
        self.fn, self.pool, self.workers = fn, pool, max(1, workers)
        self.waiting: list[tuple[float, int, T]] = []
        self.order = itertools.count()

    def add(self, task: T, priority: float) -> None:
        """Queue `task`; the larger `priority` (its expected seconds, and those of what waits on it), the sooner."""
        heapq.heappush(self.waiting, (-priority, next(self.order), task))

    def results(self) -> Iterator[tuple[T, R]]:
        """Yield (task, fn(task)) for every task, as each ends, until none is queued or running."""
        if self.pool is None:
            while self.waiting:
                task = heapq.heappop(self.waiting)[2]
                yield task, self.fn(task)
            return
        running: dict[Future[R], T] = {}
        try:
            while self.waiting or running:
                while self.waiting and len(running) <= self.workers:
                    task = heapq.heappop(self.waiting)[2]
                    running[self.pool.submit(self.fn, task)] = task
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in [f for f in running if f in finished]:  # in the order handed out
                    yield running.pop(future), future.result()
        except BaseException:  # Ctrl-C or a bad figure: the running drawings end, nothing else starts
            for future in running:
                future.cancel()
            raise


class Timings:
    """Seconds a drawing of each sort took in the last build that drew one (a JSON file; a sort is a name such
    as "<kind> <layout>"), to hand out the longest first. Only the order of the drawings depends on it."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.seen: dict[str, list[float]] = {}
        try:
            known = json.loads(path.read_text(encoding="utf-8")) if path else {}
            self.known = {str(k): float(v) for k, v in known.items()}
        except (OSError, ValueError, AttributeError, TypeError):
            self.known = {}

    def guess(self, sort: str, default: float) -> float:
        """Return the seconds a drawing of `sort` took last time (on average), else `default`."""
        return self.known.get(sort, default)

    def record(self, sort: str, seconds: float) -> None:
        """Remember that a drawing of `sort` took `seconds`."""
        self.seen.setdefault(sort, []).append(seconds)

    def save(self) -> None:
        """Write the last build's averages (this one's where it drew that sort) when it drew anything."""
        if self.path is None or not self.seen:
            return
        known = {**self.known, **{k: round(sum(v) / len(v), 4) for k, v in self.seen.items()}}
        with suppress(OSError):  # a read-only cache: the next build guesses again
            write_bytes(self.path, json.dumps(known, sort_keys=True).encode())
