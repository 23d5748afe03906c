"""The progress bar: drawn only on a terminal, with a rate counted from the stage's start."""

from __future__ import annotations

import io

import pytest

from briefsite import terminal
from briefsite.parallel import ticker
from briefsite.terminal import Terminal


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_stage_rate_counts_from_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first results of a stage come back together after a while: the rate counts that
    while, not only the time since they came back."""
    monkeypatch.delenv("TERM", raising=False)
    clock = [100.0]
    monkeypatch.setattr(terminal.time, "perf_counter", lambda: clock[0])
    stream = FakeTerminal()
    tick = ticker(Terminal(stream).progress, "rendering pages", 1000)
    assert tick is not None
    clock[0] += 0.25
    tick(500)  # the first two chunks, at once
    clock[0] += 0.001
    tick(100)
    last = stream.getvalue().split("\r\x1b[K")[-1]
    assert last == "rendering pages [##################------------] 600/1000 2,390/s"


def test_no_bar_when_piped() -> None:
    stream = io.StringIO()  # not a terminal
    tick = ticker(Terminal(stream).progress, "reading briefs", 1000)
    assert tick is not None
    tick(1000)
    assert stream.getvalue() == ""
