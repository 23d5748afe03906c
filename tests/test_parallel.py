"""Work is handed to the workers in chunks that cover every item once, in order, and end
small, so that no worker is left running alone at the end of a stage."""

from __future__ import annotations

import functools
import itertools
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from briefsite.cli import main
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
    open_files = os.listdir("/proc/self/fd")
    assert list(map_in_order(lambda n: n * n, items, jobs=2)) == [n * n for n in items]
    assert os.listdir("/proc/self/fd") == open_files  # no pipe left open


def test_without_a_folder_for_results_it_works_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_folder(**_: object) -> str:
        raise PermissionError("read-only temporary folder")

    monkeypatch.setattr(tempfile, "mkdtemp", no_folder)
    assert set(map_in_order(_pid, range(100), jobs=2)) == {os.getpid()}


def _pid(_: object) -> int:
    time.sleep(0.001)  # long enough for every process to take some chunks
    return os.getpid()


@pytest.mark.parametrize(("count", "jobs", "calls"), [(500, 2, 1), (500, 1, 0), (10, 2, 0)])
def test_meanwhile_runs_here_once_while_workers_work(count: int, jobs: int, calls: int) -> None:
    """The parent's own work is done once the workers have started, and only if there are
    workers (else it would only come later); then the parent takes chunks too."""
    ran: list[int] = []
    results = map_in_order(_pid, range(count), jobs, meanwhile=lambda: ran.append(os.getpid()))
    assert ran == []  # nothing starts before the results are asked for
    workers = set(results)
    assert ran == [os.getpid()] * calls
    assert len(workers) == jobs if calls else workers == {os.getpid()}


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """The pids of the workers forked during a test; their results' folders go in tmp_path."""
    pids: list[int] = []
    fork = os.fork

    def recording_fork() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return pids


def _all_gone(pids: list[int], folder: Path) -> bool:
    """Whether every worker was reaped and no results folder is left."""
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    return bool(pids) and not any(folder.iterdir())


def _fail_in_a_worker(parent: int, n: int) -> int:
    if os.getpid() == parent:
        time.sleep(0.002)  # so that a worker takes most chunks
    elif n == 300:
        raise KeyError(f"item {n}")
    return n


def test_a_workers_exception_is_raised_here_with_its_traceback(
    forked: list[int], tmp_path: Path
) -> None:
    items = [0] * 300 + [300] * 200
    with pytest.raises(KeyError, match="item 300") as caught:
        list(map_in_order(functools.partial(_fail_in_a_worker, os.getpid()), items, jobs=2))
    assert "_fail_in_a_worker" in str(caught.value.__cause__)
    assert _all_gone(forked, tmp_path)


def _die_in_a_worker(parent: int, n: int) -> int:
    if os.getpid() == parent:
        time.sleep(0.002)
    elif n == 300:
        os._exit(3)
    return n


def test_a_worker_that_dies_is_an_error_not_a_wait(forked: list[int], tmp_path: Path) -> None:
    items = [0] * 300 + [300] * 200
    with pytest.raises(RuntimeError, match="ended without finishing"):
        list(map_in_order(functools.partial(_die_in_a_worker, os.getpid()), items, jobs=2))
    assert _all_gone(forked, tmp_path)


def test_stopping_early_stops_the_workers(forked: list[int], tmp_path: Path) -> None:
    results = map_in_order(lambda n: n, range(5000), jobs=3)
    assert next(results) == 0
    results.close()
    assert len(forked) == 2 and _all_gone(forked, tmp_path)


def _killed_build_leaves_nothing(tmp_path: Path, task: str) -> None:
    """Run `map_in_order` over 600 items and `task(n)` (its source, which kills its own
    build) in a new process; its workers must leave nothing in `tmp_path`."""
    script = f"""
import os, signal, tempfile, time
from briefsite.parallel import map_in_order
tempfile.tempdir = {str(tmp_path)!r}
parent = os.getpid()
{task}
list(map_in_order(task, range(600), jobs=3))
"""
    killed = subprocess.run([sys.executable, "-c", script], check=False)
    assert killed.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 20
    while any(tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(tmp_path.iterdir())


def test_workers_of_a_killed_parent_leave_nothing(tmp_path: Path) -> None:
    """A build killed outright (SIGKILL) leaves no results behind: its workers, finding
    their parent gone, stop and remove them."""
    _killed_build_leaves_nothing(
        tmp_path,
        """
def task(n):
    time.sleep(0.005)
    if os.getpid() == parent and n > 100:
        os.kill(parent, signal.SIGKILL)
    return n
""",
    )


def test_a_parent_killed_as_it_lets_its_workers_go_leaves_nothing(tmp_path: Path) -> None:
    """Killed after telling its workers it is done, before removing their results' folder
    itself (the preview server may exit then, with a build in its last steps): the workers,
    told the results are no longer needed, remove it."""
    _killed_build_leaves_nothing(
        tmp_path,
        """
def wait_and_die(pid, options):  # the parent waits for its workers to end, once told to go
    time.sleep(0.5)
    os.kill(parent, signal.SIGKILL)
os.waitpid = wait_and_die
def task(n):
    return n
""",
    )


def test_workers_done_before_their_parent_is_killed_leave_nothing(tmp_path: Path) -> None:
    """Workers that finished every chunk wait for their parent: killed while its own chunk
    takes long, it leaves the workers' results, and they remove them."""
    started = tmp_path.parent / f"{tmp_path.name}-parent-started"  # outside what is checked
    _killed_build_leaves_nothing(
        tmp_path,
        f"""
def task(n):
    if os.getpid() == parent:
        open({str(started)!r}, "w").close()
        time.sleep(0.5)  # the workers take and finish every other chunk meanwhile
        os.kill(parent, signal.SIGKILL)
    deadline = time.monotonic() + 10  # else the workers might take every chunk first
    while not os.path.exists({str(started)!r}) and time.monotonic() < deadline:
        time.sleep(0.001)
    return n
""",
    )


@pytest.mark.parametrize(
    ("value", "problem"), [("-1", "must be 0 (all cores) or more"), ("x", "not a whole number")]
)
def test_a_job_count_below_zero_or_not_a_number_is_a_usage_error(
    value: str, problem: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "content").mkdir()  # a site: only the count can make this a usage error
    assert main(["build", "--jobs", value, "--site", str(tmp_path)]) == 2
    assert problem in capsys.readouterr().err
