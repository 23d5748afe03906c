"""Spread work over processes.

Workers are forked, so they inherit the task and its inputs from the parent for free; only
chunk bounds go to them and only results come back.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL_ITEMS = 64
Progress = Callable[[str, int, int], None]
"""Told (label, done, total) as long work goes on (a terminal draws it as a bar)."""
_task: Callable[[Any], Any] | None = None  # set in the parent just before forking
_items: Sequence[Any] = ()


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _task is not None
    return [_task(item) for item in _items[bounds[0] : bounds[1]]]


def map_in_order(
    func: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    progress: Callable[[int], None] | None = None,
    weights: Sequence[int] | None = None,
    min_items: int = MIN_PARALLEL_ITEMS,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[R]:
    """`map(func, items)` over `jobs` forked processes, results in order.

    Items go to workers in chunks of about equal `weights` (default: one each), so a few
    heavy items do not leave one worker busy long after the others are done; put heavy
    items first. Fewer than `min_items` items, `jobs == 1` or platforms without fork run in
    this process. `meanwhile`, if given, is called in this process once the workers have
    their first chunks (only if there are workers): work that would otherwise wait.
    """
    global _task, _items
    if jobs <= 1 or len(items) < min_items or not hasattr(os, "fork"):  # Windows
        for item in items:
            yield func(item)
            if progress:
                progress(1)
        return
    import multiprocessing  # here: a rebuild of a few pages never shares out work

    _task, _items = func, items
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            chunks = pool.imap(_run_chunk, chunk_bounds(weights or [1] * len(items), jobs))
            if meanwhile is not None:
                meanwhile()
            for results in chunks:
                yield from results
                if progress:
                    progress(len(results))
    finally:
        _task, _items = None, ()


def ticker(progress: Progress | None, label: str, total: int) -> Callable[[int], None] | None:
    """A `map_in_order` progress callback telling `progress` how many of `total` are done."""
    if progress is None:
        return None
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        progress(label, done, total)

    return tick


def chunk_bounds(weights: Sequence[int], jobs: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) chunks, smaller and smaller towards the end (guided
    scheduling): each holds about `1 / (jobs * 4)` of the weight not handed out yet, at
    least `1 / (jobs * 128)` of the total, and at most 256 items (a chunk's results come
    back at once). Big chunks cost less to hand out; small last ones leave no worker
    running long after the others are done."""
    total = sum(weights)
    floor = max(1, total // (jobs * 128))
    size_limit = max(8, min(256, len(weights) // (jobs * 8) or 1))
    bounds, start, load, left = [], 0, 0, total
    for index, weight in enumerate(weights):
        load += weight
        if load >= max(floor, left // (jobs * 4)) or index + 1 - start >= size_limit:
            bounds.append((start, index + 1))
            left -= load
            start, load = index + 1, 0
    if start < len(weights):
        bounds.append((start, len(weights)))
    return bounds
