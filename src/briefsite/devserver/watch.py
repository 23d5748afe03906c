"""Watching the site's sources with watchdog, debounced into one call per burst."""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

_IGNORED_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db"})
_IGNORED_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", "~", "___jb_tmp___", "___jb_old___")
_IGNORED_PREFIXES = (".#", ".goutputstream-")
_IGNORED_DIRS = frozenset({".git", ".hg", ".svn", ".briefsite-cache", "__pycache__"})
_NOISE = frozenset({EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE})  # reads, e.g. by the build


def is_editor_temp(name: str) -> bool:
    """True for the scratch files editors and tools write beside the real ones."""
    return (
        name in _IGNORED_NAMES
        or name.endswith(_IGNORED_SUFFIXES)
        or name.startswith(_IGNORED_PREFIXES)
        or (name.startswith("#") and name.endswith("#"))  # Emacs auto-save
    )


def _is_under(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


class Watcher:
    """Calls `on_change(paths)` once per burst of changes under `paths`.

    Directories are watched recursively; for a file, its parent is watched and events
    filtered to it. A burst ends after `quiet` seconds without events, or `max_wait`
    seconds after it began. Changes during a call are collected for the next call.
    Left out: editor scratch files, version-control and cache directories, everything
    under an `ignore`d directory, and the output directory with its staging and backup
    siblings (`_site.*`, `._site*`) when it lies inside a watched directory.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        on_change: Callable[[frozenset[Path]], None],
        *,
        output_dir: Path | None = None,
        ignore: Iterable[Path] = (),
        quiet: float = 0.1,
        max_wait: float = 1.0,
        log: Callable[[str], None] = print,
    ) -> None:
        absolute = [Path(os.path.abspath(p)) for p in paths]
        self._dirs = tuple(str(p) for p in absolute if p.is_dir())
        self._files = frozenset(str(p) for p in absolute if not p.is_dir())
        ignored = {os.path.abspath(p) for p in ignore} | {os.path.realpath(p) for p in ignore}
        self._ignore = tuple(d.rstrip(os.sep) + os.sep for d in ignored)
        self._ignore_prefixes = self._ignore + _output_prefixes(output_dir)
        self._on_change = on_change
        self._quiet = quiet
        self._max_wait = max_wait
        self._log = log
        self._condition = threading.Condition()
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._stopping = False
        self._observer: Observer | None = None  # type: ignore[valid-type]
        self._thread: threading.Thread | None = None

    def accepts(self, path: str) -> bool:
        """Whether a change at `path` should trigger a build."""
        path = os.path.abspath(path)
        if (path + os.sep).startswith(self._ignore_prefixes):
            return False
        if path in self._files:
            return not is_editor_temp(os.path.basename(path))
        for directory in self._dirs:
            if _is_under(path, directory):
                parts = Path(os.path.relpath(path, directory)).parts
                return not (
                    any(part in _IGNORED_DIRS for part in parts)
                    or (bool(parts) and is_editor_temp(parts[-1]))
                )
        return False

    def notify(self, path: str) -> None:
        """Record a change at `path`, if it is one to act on."""
        if not self.accepts(path):
            return
        with self._condition:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._last = now
            self._pending.add(Path(os.path.abspath(path)))
            self._condition.notify()

    def start(self) -> None:
        """Start the observer and the thread that calls `on_change`."""
        observer = Observer()
        handler = _Handler(self)
        for directory in _outermost(self._dirs):
            observer.schedule(handler, directory, recursive=True)
        parents = {os.path.dirname(f) for f in self._files}
        for parent in sorted(parents):
            if os.path.isdir(parent) and not any(_is_under(parent, d) for d in self._dirs):
                observer.schedule(handler, parent, recursive=False)
        observer.start()
        self._observer = observer
        self._thread = threading.Thread(target=self._run, name="briefsite-rebuild")
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop watching and join both threads (a build in progress is waited for)."""
        with self._condition:
            self._stopping = True
            self._condition.notify()
        if self._observer is not None:
            try:
                self._observer.stop()
            except (KeyError, OSError):
                # watchdog's inotify bookkeeping trips over a watched directory that was
                # renamed (the output swap does that); its threads are stopped all the same
                self._log("watcher: ignoring an error from watchdog while stopping")
            self._observer.join(timeout)
            self._observer = None
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                self._on_change(batch)
            except Exception:
                self._log(f"rebuild failed:\n{traceback.format_exc().rstrip()}")

    def _next_batch(self) -> frozenset[Path] | None:
        """Wait for a burst to end; None when stopping."""
        with self._condition:
            while not self._stopping:
                if not self._pending:
                    self._condition.wait()
                    continue
                due = min(self._last + self._quiet, self._first + self._max_wait)
                remaining = due - time.monotonic()
                if remaining > 0:
                    self._condition.wait(remaining)
                    continue
                batch, self._pending = frozenset(self._pending), set()
                return batch
            return None


class _Handler(FileSystemEventHandler):
    """Forwards watchdog's events to the watcher, both ends of a move included."""

    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _NOISE:
            return
        if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
            return  # a directory's mtime changes with every file event inside it
        for path in (event.src_path, event.dest_path):
            if path:
                self._watcher.notify(os.fsdecode(path))


def _outermost(directories: Iterable[str]) -> list[str]:
    """The directories not inside another one of them."""
    unique = sorted(set(directories))
    return [d for d in unique if not any(d != o and _is_under(d, o) for o in unique)]


def _output_prefixes(output_dir: Path | None) -> tuple[str, ...]:
    """Path prefixes for the output, its staging and its backup siblings (`_site.*`, `._site*`)."""
    if output_dir is None:
        return ()
    prefixes = set()
    for output in {os.path.abspath(output_dir), os.path.realpath(output_dir)}:
        parent, name = os.path.split(output)
        prefixes |= {
            output + os.sep,
            os.path.join(parent, name + "."),
            os.path.join(parent, "." + name),
        }
    return tuple(sorted(prefixes))
