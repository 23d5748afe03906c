"""What the command line prints: diagnostics, progress and summaries; colour on a terminal only."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from briefsite.diagnostics import Diagnostic

_RED, _YELLOW, _DIM, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"
PROGRESS_MIN_ITEMS = 200
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"|(\[\d+(?:\s*,\s*\d+)*\])")
_MAX_EXCERPT = 160


def excerpt(root: Path, diagnostic: Diagnostic) -> list[str]:
    """The offending source line with a caret under the problem, or nothing if unreadable.

    Diagnostics carry a line but no column, so the caret goes under the last thing the
    message quotes that appears on the line (`'autor'`, `[4]`, the bad value of a key), else
    under the start of the line's content.
    """
    if diagnostic.line < 1:
        return []
    try:
        path = (root / diagnostic.path).resolve()
        path.relative_to(root.resolve())
        if not path.is_file():  # a FIFO would block, a folder has no lines
            return []
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            text = next((t for n, t in enumerate(handle, 1) if n == diagnostic.line), None)
        if text is None:
            return []
    except (OSError, ValueError):
        return []
    raw = text.rstrip("\r\n")[:_MAX_EXCERPT]
    text = raw.replace("\t", " ")
    if not text.strip():
        return []
    if "tab" in diagnostic.message and "\t" in raw:
        column, width = raw.index("\t"), 1
    else:
        column, width = _locate(text, diagnostic.message)
    gutter = " " * len(str(diagnostic.line))
    return [
        f" {diagnostic.line} | {text}",
        f" {gutter} | {' ' * column}^{'~' * (width - 1)}",
    ]


def _locate(text: str, message: str) -> tuple[int, int]:
    """Where on the line the message's quoted token is: (column, width)."""
    for match in reversed(list(_QUOTED.finditer(message))):
        token = next(group for group in match.groups() if group)
        for candidate in (token, token.split(":")[0]):
            column = text.find(candidate)
            if column >= 0 and candidate.strip():
                return column, len(candidate)
        if token.startswith("["):
            numbers = "|".join(n.strip() for n in token[1:-1].split(","))
            marker = re.search(rf"\[(?:\d+\s*,\s*)*(?:{numbers})(?:\s*,\s*\d+)*\]", text)
            if marker:
                return marker.start(), len(marker.group(0))
    column = len(text) - len(text.lstrip())
    content = text.strip()
    return column, max(1, len(content.split(":")[0]) if ":" in content else len(content))


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

    def diagnostics(self, items: Sequence[Diagnostic], root: Path | None = None) -> None:
        """Every diagnostic as `path:line: severity: message`, then a one-line summary.

        With the site's `root`, each is followed by its source line and a caret under the
        problem (indented, so the first line stays easy to parse).
        """
        for item in items:
            colour = _RED if item.severity == "error" else _YELLOW
            place = self._paint(f"{item.path}:{item.line}:", _BOLD)
            self._print(f"{place} {self._paint(item.severity + ':', colour)} {item.message}")
            if root is not None:
                lines = excerpt(root, item)
                if lines:
                    self._print(self._paint(lines[0], _DIM))
                    self._print(self._paint(lines[1], colour + _BOLD))
        if items:
            errors = sum(d.severity == "error" for d in items)
            warnings = len(items) - errors
            self._print(
                f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            )

    def detail(self, text: str) -> None:
        """A dimmed line for `--verbose`."""
        self._print(self._paint(text, _DIM))

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
