"""Tests for the drawing queue: the longest task first, tasks added while it runs, and the timings file."""

from __future__ import annotations

from pathlib import Path

from dlexport import drawpool


def double(n: int) -> int:
    return 2 * n


def test_the_highest_priority_goes_first_and_tasks_added_meanwhile_are_run() -> None:
    queue = drawpool.Queue(double)
    for n, priority in ((1, 0.1), (2, 3.0), (3, 1.0)):
        queue.add(n, priority)
    seen = []
    for task, result in queue.results():
        seen.append((task, result))
        if task == 2:
            queue.add(4, 2.0)  # before 3, queued earlier with less
    assert seen == [(2, 4), (4, 8), (3, 6), (1, 2)]


def test_a_pool_runs_every_task_once_even_those_added_while_it_runs() -> None:
    pool = drawpool.start(2)
    try:
        queue = drawpool.Queue(double, pool, 2)
        for n in range(6):
            queue.add(n, float(n))
        seen = {}
        for task, result in queue.results():
            seen[task] = result
            if task == 0:
                queue.add(10, 0.0)
    finally:
        pool.shutdown()
    assert seen == {n: 2 * n for n in [*range(6), 10]}


def test_timings_keep_the_last_builds_average_per_sort(tmp_path: Path) -> None:
    path = tmp_path / "timings.json"
    assert drawpool.Timings(path).guess("rbm card", 0.5) == 0.5
    timings = drawpool.Timings(path)
    timings.record("rbm card", 1.0)
    timings.record("rbm card", 2.0)
    timings.save()
    again = drawpool.Timings(path)
    assert again.guess("rbm card", 0.5) == 1.5 and again.guess("rbm slide", 0.5) == 0.5
    path.write_text("[1, 2]")  # not what it wrote: ignored
    assert drawpool.Timings(path).guess("rbm card", 0.5) == 0.5
