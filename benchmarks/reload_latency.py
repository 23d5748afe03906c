#!/usr/bin/env python3
"""Time from saving a brief to the live-reload event reaching a browser-like client.

For each site, `briefsite serve --port 0` runs on a temporary copy; a client holds the
server-sent event stream open (`<url>__briefsite__/events`, as the injected script does).
Each edit appends a line to one brief and times how long until `event: reload` arrives.
The figure includes the watcher's debounce (0.1 s of quiet), the incremental rebuild and
the atomic output swap. Sites: the sample site (the repository root) and a generated
corpus (`generate_corpus.py`, 5,000 briefs unless told otherwise).

    python benchmarks/reload_latency.py [--edits 20] [--briefs 5000] [--skip-corpus]
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_BRIEF = "content/briefs/2025-05-11-zelensky-istanbul.md"


def start_server(site: Path) -> tuple[subprocess.Popen[str], str]:
    """Start `briefsite serve` on `site`; return it and its URL once it is serving."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "briefsite", "serve", "--site", str(site), "--port", "0"]
    server = subprocess.Popen(
        [*command, "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    assert server.stdout is not None
    for line in server.stdout:
        if line.startswith("Serving "):
            threading.Thread(target=server.stdout.read, daemon=True).start()  # keep draining
            return server, line.split(" at ")[1].split()[0]
    raise SystemExit(f"the server did not start (exit code {server.wait()})")


def stream_events(url: str, events: queue.Queue[tuple[str, float]]) -> None:
    """Put (event name, arrival time) for every event of the server's stream."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    connection.request("GET", parts.path + "__briefsite__/events")
    response = connection.getresponse()
    try:
        for raw in response:
            if raw.startswith(b"event: "):
                events.put((raw[7:].decode().strip(), time.perf_counter()))
    except (OSError, http.client.HTTPException):
        pass


def measure(site: Path, brief: Path, edits: int, timeout: float = 120.0) -> list[float]:
    """Seconds from each save of `brief` to the `reload` event."""
    server, url = start_server(site)
    events: queue.Queue[tuple[str, float]] = queue.Queue()
    threading.Thread(target=stream_events, args=(url, events), daemon=True).start()
    try:
        name, _ = events.get(timeout=10)
        assert name == "status", name  # the stream is open
        original = brief.read_text(encoding="utf-8")
        latencies = []
        for n in range(edits + 1):
            time.sleep(0.3)  # let the previous burst settle
            saved = time.perf_counter()
            brief.write_text(original + f"\nEdit {n} for the latency benchmark.\n", "utf-8")
            while True:
                name, arrived = events.get(timeout=timeout)
                if name == "reload":
                    break
                if name == "status":
                    raise SystemExit("the rebuild failed")
            if n:  # the first edit warms the server up
                latencies.append(arrived - saved)
        return latencies
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def report(label: str, latencies: list[float]) -> None:
    ms = sorted(x * 1000 for x in latencies)
    print(
        f"{label}: median {statistics.median(ms):.0f} ms, "
        f"min-max {ms[0]:.0f}-{ms[-1]:.0f} ms over {len(ms)} edits",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=20, help="timed edits per site")
    parser.add_argument("--briefs", type=int, default=5000, help="size of the generated corpus")
    parser.add_argument("--skip-corpus", action="store_true", help="time the sample site only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefsite-latency-") as tmp:
        sample = Path(tmp, "sample")
        for name in ("content", "templates", "static"):
            shutil.copytree(ROOT / name, sample / name)
        report("sample site (1 brief)", measure(sample, sample / SAMPLE_BRIEF, args.edits))
        if args.skip_corpus:
            return
        corpus = Path(tmp, "corpus")
        generate = [sys.executable, str(ROOT / "benchmarks/generate_corpus.py")]
        generate += ["--briefs", str(args.briefs), "--out", str(corpus)]
        subprocess.run(generate, check=True, capture_output=True)
        started = time.perf_counter()
        brief = sorted((corpus / "content/briefs").rglob("*.md"))[args.briefs // 2]
        latencies = measure(corpus, brief, args.edits)
        report(f"generated corpus ({args.briefs} briefs)", latencies)
        print(f"(corpus run took {time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
