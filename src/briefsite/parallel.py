"""Spread work over processes.

This process and `jobs - 1` forked workers take chunks of the work in turn, each as soon
as it is free. Workers inherit the task and its inputs for free (they are forked); only
their results come back, and this process's own results are not copied at all. With one
process per core and none of them waiting on the others, no core is shared: a pool of
`jobs` workers would leave this process (unpickling their results) competing with them.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL_ITEMS = 64
Progress = Callable[[str, int, int], None]
"""Told (label, done, total) as long work goes on (a terminal draws it as a bar)."""
_INDEX = 4  # bytes of a chunk's number in the pipes


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def map_in_order(
    func: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    progress: Callable[[int], None] | None = None,
    weights: Sequence[int] | None = None,
    min_items: int = MIN_PARALLEL_ITEMS,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[R]:
    """`map(func, items)` over this process and `jobs - 1` forked ones, results in order.

    Items are taken in chunks of about equal `weights` (default: one each), so a few heavy
    items do not leave one process busy long after the others are done; put heavy items
    first. Fewer than `min_items` items, `jobs == 1` or platforms without fork run in this
    process alone. `meanwhile`, if given, is called in this process once the workers have
    started (only if there are workers), before it takes chunks itself.
    """
    shared = None
    if jobs > 1 and len(items) >= min_items and hasattr(os, "fork"):  # not on Windows
        with contextlib.suppress(OSError):  # no folder for results: work alone
            shared = _Shared(func, items, chunk_bounds(weights or [1] * len(items), jobs))
    if shared is not None:
        yield from shared.run(jobs - 1, progress, meanwhile)
        return
    for item in items:
        yield func(item)
        if progress:
            progress(1)


class _Shared:
    """Chunks of one `map_in_order` call, taken by whichever process is free.

    The chunks' numbers wait in a pipe that every process reads four bytes at a time to
    take the next one; a worker writes its results to a file and tells this process the
    chunk's number through another pipe; then it waits on a third for this process to end.
    """

    def __init__(self, func: Callable[[Any], Any], items: Sequence[Any], bounds: list) -> None:
        self.func, self.items, self.bounds = func, items, bounds
        self.folder = tempfile.mkdtemp(prefix="briefsite-")  # for the workers' results
        self.todo = self.done = -1  # the read ends of the pipes this process reads
        self.parent = os.getpid()

    def take(self) -> int | None:
        """The next chunk nobody has taken, if any is left."""
        data = os.read(self.todo, _INDEX)
        return int.from_bytes(data, "little") if data else None

    def compute(self, chunk: int) -> list[Any]:
        start, end = self.bounds[chunk]
        return [self.func(item) for item in self.items[start:end]]

    def run(
        self,
        workers: int,
        progress: Callable[[int], None] | None,
        meanwhile: Callable[[], object] | None,
    ) -> Iterator[Any]:
        self.todo, fill = os.pipe()
        self.done, report = os.pipe()
        alive, ending = os.pipe()  # workers wait on `alive` until this process closes `ending`
        unclosed = [ending, fill, report, alive]  # this process closes them as work goes on
        pids: list[int] = []
        stopped_early = True
        try:
            for _ in range(workers):
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the worker (coverage is not collected)
                    self._work(fill, report, alive, ending)
                pids.append(pid)
            os.close(unclosed.pop())  # `alive`
            os.close(unclosed.pop())  # `report`: the last worker done with chunks ends the pipe
            chunks = b"".join(n.to_bytes(_INDEX, "little") for n in range(len(self.bounds)))
            with os.fdopen(unclosed.pop(), "wb") as pipe:  # then workers find it empty
                pipe.write(chunks)
            if meanwhile is not None:
                meanwhile()
            yield from self._gather(progress)
            stopped_early = False
        finally:
            # closing `ending` tells the workers this process is done with their results:
            # they remove them and end (so does this process, once they are gone, if it still
            # can); stopped early, it stops them, busy as they may be
            for fd in (self.todo, self.done, *unclosed):
                os.close(fd)
            for pid in pids:
                if stopped_early:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            shutil.rmtree(self.folder, ignore_errors=True)

    def _work(self, fill: int, report: int, alive: int, ending: int) -> None:
        """A worker's life: take chunks, write each one's results, report it; then wait for
        this process's parent to be done with them, or to die (killed outright): either way
        nobody will read them again, and the worker removes them (the parent does too, but
        it may be killed first)."""
        code = 1
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler is not ours
            for fd in (fill, self.done, ending):
                os.close(fd)
            while os.getppid() == self.parent and (chunk := self.take()) is not None:
                try:
                    outcome: tuple[bool, Any] = (True, self.compute(chunk))
                except BaseException as exc:  # handed to the parent
                    outcome = (False, _portable(exc))
                path = os.path.join(self.folder, str(chunk))
                with open(f"{path}.part", "wb") as handle:
                    pickle.dump(outcome, handle, pickle.HIGHEST_PROTOCOL)
                os.rename(f"{path}.part", path)
                os.write(report, chunk.to_bytes(_INDEX, "little"))
                if not outcome[0]:
                    break
            os.close(report)
            os.read(alive, 1)  # returns once the parent is done with the results, or died
            code = 0
        finally:
            if code == 0 or os.getppid() != self.parent:
                shutil.rmtree(self.folder, ignore_errors=True)
            os._exit(code)

    def _gather(self, progress: Callable[[int], None] | None) -> Iterator[Any]:
        """Every chunk's results in order: this process's own, or a worker's once reported."""
        mine: dict[int, list[Any]] = {}
        reported: set[int] = set()
        for chunk in range(len(self.bounds)):
            while chunk not in mine and chunk not in reported:
                taken = self.take()
                if taken is not None:
                    mine[taken] = self.compute(taken)
                # with nothing left to take, wait for a worker
                reported.update(self._reported(wait=taken is None))
            results = mine.pop(chunk) if chunk in mine else self._load(chunk)
            yield from results
            if progress:
                progress(len(results))

    def _reported(self, wait: bool) -> list[int]:
        """Chunks the workers finished (waiting for one if `wait`)."""
        os.set_blocking(self.done, wait)
        try:
            data = os.read(self.done, _INDEX * 1024)
        except BlockingIOError:
            return []
        if not data and wait:
            raise RuntimeError("a worker process ended without finishing its work")
        return [
            int.from_bytes(data[at : at + _INDEX], "little") for at in range(0, len(data), _INDEX)
        ]

    def _load(self, chunk: int) -> list[Any]:
        path = os.path.join(self.folder, str(chunk))
        with open(path, "rb") as handle:
            ok, value = pickle.load(handle)
        os.unlink(path)
        if not ok:
            raise value
        return value


class RemoteTraceback(Exception):
    """Where a worker's exception was raised (the `__cause__` of the one raised here)."""

    def __str__(self) -> str:
        return str(self.args[0])


def _rebuilt(exc: BaseException, where: str) -> BaseException:
    exc.__cause__ = RemoteTraceback(where)
    return exc


class _Portable:
    """A worker's exception, with its traceback as text, made again in the parent."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc
        self.where = "".join(traceback.format_exception(exc))

    def __reduce__(self) -> tuple:
        return _rebuilt, (self.exc, self.where)


def _portable(exc: BaseException) -> object:
    """`exc` as it can be pickled: itself with its traceback, or its text."""
    try:
        pickle.dumps(exc)
    except Exception:  # any that does not pickle
        exc = RuntimeError("".join(traceback.format_exception(exc)))
    return _Portable(exc)


def ticker(progress: Progress | None, label: str, total: int) -> Callable[[int], None] | None:
    """A `map_in_order` progress callback telling `progress` how many of `total` are done;
    `progress` is told 0 at once, so that the stage's rate counts from its start, not from
    its first results."""
    if progress is None:
        return None
    progress(label, 0, total)
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
