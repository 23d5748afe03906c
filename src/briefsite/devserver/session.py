"""`serve()`: the preview server, the watcher and the build, wired together."""

from __future__ import annotations

import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path

from briefsite.devserver.http import PreviewServer
from briefsite.devserver.livereload import LiveReload
from briefsite.devserver.outcome import BuildFn, BuildOutcome
from briefsite.devserver.watch import Watcher


class DevSession:
    """A running preview: serves `output_dir`, rebuilds on changes, pushes reloads.

    `start()` and `stop()` make it usable in-process (tests use port 0); `serve()`
    runs one until Ctrl+C. Builds run on the watcher's thread, one at a time; requests
    never wait for them (see `briefsite.devserver.http`).
    """

    def __init__(
        self,
        build: BuildFn,
        output_dir: Path,
        watch_paths: Sequence[Path],
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        base_path: str = "/",
        initial: BuildOutcome | None = None,
        log: Callable[[str], None] = print,
        quiet: float = 0.1,
        max_wait: float = 1.0,
        heartbeat: float = 15.0,
    ) -> None:
        self._build = build
        self._log = log
        self.hub = LiveReload()
        if initial is not None:
            self.hub.apply(initial)
            if not initial.ok:
                self._report(initial, elapsed=None)
        self.server = PreviewServer(
            output_dir,
            host=host,
            port=port,
            base_path=base_path,
            hub=self.hub,
            heartbeat=heartbeat,
            log=log,
        )
        self.watcher = Watcher(
            watch_paths,
            self.rebuild,
            output_dir=output_dir,
            quiet=quiet,
            max_wait=max_wait,
            log=log,
        )

    @property
    def url(self) -> str:
        """The site's address."""
        return self.server.url

    def start(self) -> None:
        """Bind (raising `PortInUseError`), then start watching."""
        self.server.start()
        try:
            self.watcher.start()
        except BaseException:
            self.server.stop()
            raise

    def stop(self) -> None:
        """Stop watching, then serving; joins every thread. Serving stops even if watching
        fails to stop cleanly, so Ctrl+C always ends the process."""
        try:
            self.watcher.stop()
        finally:
            self.server.stop()

    def rebuild(self, changed: frozenset[Path]) -> None:
        """Run the build for `changed` sources, report it, and push the result."""
        self._log(f"Rebuilding: {_describe(changed)}")
        started = time.monotonic()
        try:
            outcome = self._build(changed)
        except Exception as error:  # the build should report, not raise; keep serving
            self._log(traceback.format_exc().rstrip())
            outcome = BuildOutcome(False, (f"internal error: {type(error).__name__}: {error}",))
        self._report(outcome, elapsed=time.monotonic() - started)
        self.hub.apply(outcome)

    def _report(self, outcome: BuildOutcome, *, elapsed: float | None) -> None:
        for line in outcome.diagnostics:
            self._log(line)
        if not outcome.ok:
            self._log("Build failed; still serving the last good site.")
        elif elapsed is not None:
            count = len(outcome.changed)
            self._log(f"Rebuilt in {elapsed:.2f} s; {count} output file(s) changed.")


def serve(
    build: BuildFn,
    output_dir: Path,
    watch_paths: Sequence[Path],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    base_path: str = "/",
    initial: BuildOutcome | None = None,
    log: Callable[[str], None] = print,
    started: Callable[[DevSession], None] | None = None,
) -> None:
    """Serve `output_dir` with live reload, rebuilding on changes, until Ctrl+C.

    The output is assumed current (build it first and pass the result as `initial`).
    Raises `PortInUseError` (a `DevServerError`) if the port is taken, before watching.
    `started` is handed the running session (to trigger rebuilds of one's own).
    """
    session = DevSession(
        build,
        output_dir,
        watch_paths,
        host=host,
        port=port,
        base_path=base_path,
        initial=initial,
        log=log,
    )
    session.start()
    try:
        if started is not None:
            started(session)
        log(f"Serving {output_dir} at {session.url} (press Ctrl+C to stop)")
        if open_browser:
            webbrowser.open(session.url)
        stop = threading.Event()
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        log("Stopping the preview server.")
    finally:
        session.stop()


def _describe(changed: frozenset[Path]) -> str:
    if not changed:
        return "requested"
    names = sorted(path.name for path in changed)
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")
