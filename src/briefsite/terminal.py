"""What the command line prints: diagnostics, progress and summaries; colour on a terminal only."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import TextIO

from briefsite.diagnostics import Diagnostic

_RED, _YELLOW, _DIM, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"
PROGRESS_MIN_ITEMS = 200


class Terminal:
    """Writes to one stream; colours and a progress bar only when it is an interactive terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.interactive = stream.isatty() and os.environ.get("TERM") != "dumb"
        self.colour = self.interactive and "NO_COLOR" not in os.environ
        self._started: dict[str, float] = {}
        self._drawn = False

    def _paint(self, text: str, colour: str) -> str:
        return f"{colour}{text}{_RESET}" if self.colour else text

    def _print(self, text: str) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self._drawn = False
        print(text, file=self.stream, flush=True)

    def info(self, text: str) -> None:
        self._print(text)

    def warning_line(self, text: str) -> None:
        self._print(self._paint(text, _YELLOW))

    def error_line(self, text: str) -> None:
        self._print(self._paint(text, _RED + _BOLD))

    def diagnostics(self, items: Sequence[Diagnostic]) -> None:
        """Every diagnostic as `path:line: severity: message`, then a one-line summary."""
        for item in items:
            colour = _RED if item.severity == "error" else _YELLOW
            place = self._paint(f"{item.path}:{item.line}:", _BOLD)
            self._print(f"{place} {self._paint(item.severity + ':', colour)} {item.message}")
        if items:
            errors = sum(d.severity == "error" for d in items)
            warnings = len(items) - errors
            self._print(
                f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            )

    def progress(self, label: str, done: int, total: int) -> None:
        """A progress bar with a rate, redrawn in place; silent when piped or for small jobs."""
        if not self.interactive or total < PROGRESS_MIN_ITEMS:
            return
        now = time.perf_counter()
        start = self._started.setdefault(label, now)
        rate = done / (now - start) if now > start else 0.0
        width = 30
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r\033[K{label} [{bar}] {done}/{total} {rate:,.0f}/s")
        self.stream.flush()
        self._drawn = True
        if done >= total:
            self.stream.write("\r\033[K")
            self._drawn = False
