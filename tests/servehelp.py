"""Running `python -m briefsite serve` as a child process for end-to-end tests.

The child's output is drained by a thread (so it never blocks on a full pipe) and kept
for assertions; `stop()` sends Ctrl+C (SIGINT), waits, and kills it if it hangs.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
_URL = re.compile(r"Serving .* at (http://\S+)")


class ServeProcess:
    """`briefsite serve --port 0` on a site, with its URL and everything it printed."""

    def __init__(self, site: Path, *extra: str, start_timeout: float = 60.0) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "briefsite",
                "serve",
                "--site",
                str(site),
                "--port",
                "0",
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        line = self.wait_for(_URL.search, start_timeout)
        match = _URL.search(line)
        assert match is not None
        self.url = match.group(1)

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        """Everything the server printed so far."""
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, test, timeout: float, start: int = 0) -> str:  # type: ignore[no-untyped-def]
        """The first line from index `start` on for which `test(line)` is true."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines[start:]:
                    if test(line):
                        return line
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (
                    self.process.poll() is not None and not self._reader.is_alive()
                ):
                    raise AssertionError(f"no such line; the server printed:\n{self.output}")
                self._changed.wait(min(remaining, 0.1))

    def stop(self, timeout: float = 5.0) -> float:
        """Ctrl+C the server and wait for it; returns how long it took to exit."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        elapsed = time.monotonic() - started
        self._reader.join(timeout)
        return elapsed

    def rss_kib(self) -> int:
        """The server's resident set size (Linux), in KiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        assert match is not None
        return int(match.group(1))
