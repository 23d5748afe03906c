"""Work is handed to the workers in chunks that cover every item once, in order, and end
small, so that no worker is left running alone at the end of a stage."""

from __future__ import annotations

import itertools
import os
import random

import pytest

from briefsite.parallel import chunk_bounds, map_in_order


@pytest.mark.parametrize("count", [1, 7, 64, 100, 1000, 10_000])
@pytest.mark.parametrize("jobs", [1, 2, 8])
def test_chunks_cover_every_item_once_in_order(count: int, jobs: int) -> None:
    rng = random.Random(count * jobs)
    weights = [rng.randint(1, 50) for _ in range(count)]
    bounds = chunk_bounds(weights, jobs)
    assert bounds[0][0] == 0 and bounds[-1][1] == count
    assert all(end == start for (_, end), (start, _) in itertools.pairwise(bounds))
    assert all(0 < end - start <= 256 for start, end in bounds)


def test_chunks_end_small() -> None:
    """The last chunks hold a small share of the work (a straggler costs little), the
    first ones a big share (handing out chunks costs little)."""
    weights = [1] * 10_000
    loads = [end - start for start, end in chunk_bounds(weights, 2)]
    assert loads[0] == 256
    assert max(loads[-4:]) <= 10_000 // (2 * 64)
    assert len(loads) < 80


def test_results_come_back_in_order_from_several_processes() -> None:
    items = list(range(500))
    assert list(map_in_order(lambda n: n * n, items, jobs=2)) == [n * n for n in items]


def _pid(_: object) -> int:
    return os.getpid()


@pytest.mark.parametrize(("count", "jobs", "calls"), [(500, 2, 1), (500, 1, 0), (10, 2, 0)])
def test_meanwhile_runs_here_once_while_workers_work(count: int, jobs: int, calls: int) -> None:
    """The parent's own work is done while the workers do theirs, and only if there are
    workers (in this process it would only come later)."""
    ran: list[int] = []
    results = map_in_order(_pid, range(count), jobs, meanwhile=lambda: ran.append(os.getpid()))
    assert ran == []  # nothing starts before the results are asked for
    workers = set(results)
    assert ran == [os.getpid()] * calls
    assert (os.getpid() not in workers) == bool(calls)
