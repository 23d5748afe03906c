"""Soak and load the preview server: `briefsite serve` in a child process, on loopback only.

    python benchmarks/soak.py --edits 500             # the long soak: RSS figures per 100 edits
    python benchmarks/soak.py --edits 0 --load 20000  # only the load test

Each edit rewrites one brief's title and waits until the served page shows it, so every
edit is one full rebuild. RSS is the server process's VmRSS from /proc. The load test runs
`--clients` threads with keep-alive connections for `--load` requests in all while edits
go on, and checks every response is complete and of a single version. tests/
test_devserver_load.py imports this module for its shorter runs.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TITLE = re.compile(rb"Load edit (\d+)")
EDITED = "content/briefs/soak-target.md"


@dataclass
class Server:
    """A running `briefsite serve --port 0` child."""

    process: subprocess.Popen[str]
    port: int
    base: str = "/"  # the site's base path, e.g. /briefings/

    def rss_kib(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def make_site(root: Path, briefs: int) -> Path:
    """A generated corpus plus the brief the edits rewrite."""
    script = str(HERE / "generate_corpus.py")
    arguments = ["--briefs", str(briefs), "--out", str(root), "--force"]
    subprocess.run([sys.executable, script, *arguments], check=True, capture_output=True)
    write_edit(root, 0)
    return root


def write_edit(site: Path, number: int) -> None:
    (site / EDITED).write_text(
        f"---\ntitle: Load edit {number}\ndate: 2025-05-11\nslug: soak-target\n---\n"
        f"Load edit {number} changes this brief.\n",
        encoding="utf-8",
    )


def start_server(site: Path) -> Server:
    """Start `briefsite serve --port 0` and wait for its address."""
    command = [sys.executable, "-m", "briefsite", "serve", "-q", "--site", str(site), "--port", "0"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
        if match:
            threading.Thread(target=_drain, args=(process,), daemon=True).start()
            return Server(process, int(match.group(1)), match.group(2))
        if not line and process.poll() is not None:
            break
    process.kill()
    raise RuntimeError("briefsite serve did not start")


def _drain(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    for _ in process.stdout:
        pass


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    length = response.getheader("Content-Length")
    if length is not None and int(length) != len(body):
        raise ValueError(f"{path}: {len(body)} bytes of {length}")
    return response.status, body


def check_page(path: str, body: bytes) -> str | None:
    """A problem with a served page, or None: HTML must be whole and of one version."""
    if path.endswith("/") and b"</html>" not in body[-200:]:
        return f"{path}: truncated page"
    versions = set(TITLE.findall(body))
    if len(versions) > 1:
        return f"{path}: a mix of versions {sorted(versions)}"
    return None


def wait_for(server: Server, number: int, timeout: float = 30.0) -> None:
    """Wait until the edited brief's page shows edit `number`."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            status, body = get(connection, f"{server.base}briefs/soak-target/")
            if status == 200 and f"Load edit {number}<".encode() in body:
                return
            time.sleep(0.01)
    finally:
        connection.close()
    raise TimeoutError(f"edit {number} never appeared")


@dataclass
class LoadReport:
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    edits: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load(
    server: Server, site: Path, paths: list[str], clients: int, total: int, edit_every: float
) -> LoadReport:
    """`clients` threads make `total` requests in all while the site is edited and rebuilt."""
    report = LoadReport()
    lock = threading.Lock()
    per_client = total // clients
    done = threading.Event()
    start_gate = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        problems: list[str] = []
        count = 0
        start_gate.wait()
        for k in range(per_client):
            path = paths[(index + k) % len(paths)]
            try:
                status, body = get(connection, path)
                problem = None if status == 200 else f"{path}: HTTP {status}"
                problem = problem or check_page(path, body)
            except (OSError, http.client.HTTPException, ValueError) as error:
                problem = f"{path}: {type(error).__name__}: {error}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            count += 1
            if problem:
                problems.append(problem)
        connection.close()
        with lock:
            report.requests += count
            report.errors += problems

    def editor() -> None:
        number = 1000
        while not done.wait(edit_every):
            number += 1
            write_edit(site, number)
            report.edits += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    edits = threading.Thread(target=editor)
    start_gate.wait()
    started = time.perf_counter()
    edits.start()
    for thread in threads:
        thread.join()
    report.seconds = time.perf_counter() - started
    done.set()
    edits.join()
    return report


def site_paths(server: Server) -> list[str]:
    """Pages to request: the home page, sections, the edited brief and some assets."""
    pages = ["", "briefs/", "actors/", "timeline/", "quotes/", "sources/", "topics/"]
    pages += ["briefs/soak-target/"] * 4 + ["feed.xml", "sitemap.xml", "404.html"]
    paths = [server.base + page for page in pages]
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    _, body = get(connection, f"{server.base}briefs/")
    connection.close()
    pattern = rb'href="(' + re.escape(server.base.encode()) + rb'briefs/[a-z0-9-]+/)"'
    briefs = sorted(set(re.findall(pattern, body)))[:20]
    return paths + [b.decode() for b in briefs]


def soak(server: Server, site: Path, edits: int, every: int) -> list[tuple[int, int]]:
    """Make `edits` edits, each awaited; return (edit, RSS KiB) samples."""
    samples = [(0, server.rss_kib())]
    for number in range(1, edits + 1):
        write_edit(site, number)
        wait_for(server, number)
        if number % every == 0 or number == edits:
            samples.append((number, server.rss_kib()))
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=100)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20, help="edits before the first sample")
    parser.add_argument("--load", type=int, default=20_000, help="requests in the load test")
    parser.add_argument("--clients", type=int, default=200)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="briefsite-soak-"))
    site = make_site(root / "site", args.briefs)
    server = start_server(site)
    try:
        if args.load:
            report = load(server, site, site_paths(server), args.clients, args.load, 0.25)
            print(
                f"load: {report.requests} requests from {args.clients} clients in "
                f"{report.seconds:.1f} s ({report.rate:.0f}/s), {len(report.errors)} errors, "
                f"{report.edits} edits during the run"
            )
            for problem in report.errors[:10]:
                print(f"  {problem}")
        if args.edits:
            soak(server, site, args.warmup, args.warmup)
            started = time.perf_counter()
            samples = soak(server, site, args.edits, 100)
            seconds = time.perf_counter() - started
            print(f"soak: {args.edits} edits in {seconds:.1f} s (after {args.warmup} warm-up)")
            for number, rss in samples:
                print(f"  after edit {number:4d}: RSS {rss / 1024:.1f} MiB")
            growth = (samples[-1][1] - samples[0][1]) / 1024
            print(f"  growth: {growth:+.1f} MiB")
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
