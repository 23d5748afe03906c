"""`briefsite serve` on the sample site as a child process: clean Ctrl+C after rebuilds,
and memory that stays flat over a few hundred rebuilds.

(The devserver's own lifecycle, with a stub build, is tested in test_devserver*.py; these
run the real command with the real incremental build.)
"""

from __future__ import annotations

import http.client
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from servehelp import ServeProcess

from briefsite.cache import CACHE_DIR
from briefsite.output import spare_dir
from briefsite.serve import SERVE_OUTPUT

SAMPLE_BRIEF = "content/briefs/2025-05-11-zelensky-istanbul.md"
MEMORY_EDITS = 200
MEMORY_WARMUP = 20
MEMORY_BOUND_KIB = 30 * 1024


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample site (the repository root's content, templates and static)."""
    site = tmp_path / "sample"
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO_ROOT / name, site / name)
    return site


def save_and_wait(server: ServeProcess, path: Path, text: str) -> None:
    """Write `text` to `path` and wait for the server to report the rebuild."""
    start = len(server.lines)
    path.write_text(text, encoding="utf-8")
    server.wait_for(lambda line: line.startswith("Rebuilt in "), 10, start)


def listen(url: str, events: list[str]) -> threading.Thread:
    """Read the server's event stream in a thread, recording each event name."""
    parts = urllib.parse.urlsplit(url)

    def run() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request("GET", parts.path + "__briefsite__/events")
            response = connection.getresponse()
            for raw in response:
                if raw.startswith(b"event: "):
                    events.append(raw[7:].decode().strip())
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_ctrl_c_after_rebuilds_stops_within_a_second_without_a_traceback(sample: Path) -> None:
    server = ServeProcess(sample)
    events: list[str] = []
    # the first build made the preview's output and, as a preview's does, the next one's spare
    assert spare_dir(sample / CACHE_DIR / SERVE_OUTPUT).is_dir()
    try:
        stream = listen(server.url, events)
        brief = sample / SAMPLE_BRIEF
        original = brief.read_text(encoding="utf-8")
        for n in range(3):
            save_and_wait(server, brief, original + f"\nAn added line, {n}.\n")
    finally:
        elapsed = server.stop()
    stream.join(2)
    assert not stream.is_alive(), "the event stream was left open"
    assert elapsed < 1.0, f"took {elapsed:.2f} s to stop"
    assert server.process.returncode == 0, server.output
    assert "Traceback" not in server.output, server.output
    assert server.lines[-1] == "Stopping the preview server.", server.output
    assert events.count("reload") == 3, events


def test_memory_stays_flat_over_hundreds_of_rebuilds(sample: Path) -> None:
    server = ServeProcess(sample)
    events: list[str] = []
    try:
        listen(server.url, events)
        brief = sample / SAMPLE_BRIEF
        original = brief.read_text(encoding="utf-8")
        for n in range(MEMORY_WARMUP):
            save_and_wait(server, brief, original + f"\nWarm-up edit {n}.\n")
        baseline = server.rss_kib()
        for n in range(MEMORY_EDITS):
            save_and_wait(server, brief, original + f"\nEdit number {n} " + "x" * (n % 7) + "\n")
        grown = server.rss_kib() - baseline
    finally:
        server.stop()
    assert "Traceback" not in server.output
    assert events.count("reload") >= MEMORY_WARMUP + MEMORY_EDITS - 5
    print(f"RSS {baseline} KiB after warm-up, +{grown} KiB after {MEMORY_EDITS} rebuilds")
    assert grown < MEMORY_BOUND_KIB, f"RSS grew by {grown} KiB over {MEMORY_EDITS} rebuilds"
