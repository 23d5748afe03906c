"""The preview server under load and abuse: `briefsite serve` in a child process, loopback only.

The harness is `benchmarks/soak.py` (which also runs the long 500-edit soak); these are its
bounded versions: 20,000 requests from 200 clients while the site is edited and rebuilt, no
response ever from a half-built site, and memory flat over a short run of edits.
"""

from __future__ import annotations

import http.client
import importlib.util
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FULL_SITE, build_ok

from briefsite.devserver import PreviewServer

SPEC = importlib.util.spec_from_file_location(
    "soak", Path(__file__).resolve().parents[1] / "benchmarks" / "soak.py"
)
assert SPEC is not None and SPEC.loader is not None
soak = importlib.util.module_from_spec(SPEC)
sys.modules["soak"] = soak  # dataclasses look their module up while being created
SPEC.loader.exec_module(soak)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Path]]:
    site = soak.make_site(tmp_path_factory.mktemp("load") / "site", 60)
    server = soak.start_server(site)
    yield server, site
    server.stop()
    assert server.process.returncode is not None


@pytest.mark.slow
def test_200_clients_20000_requests_while_rebuilding(served: tuple[object, Path]) -> None:
    server, site = served
    report = soak.load(server, site, soak.site_paths(server), 200, 20_000, 0.25)
    print(
        f"load: {report.requests} requests, 200 clients, {report.seconds:.1f} s, "
        f"{report.rate:.0f}/s, {len(report.errors)} errors, {report.edits} edits"
    )
    assert report.requests == 20_000
    assert report.errors == []
    assert report.edits >= 5
    soak.wait_for(server, 1000 + report.edits)  # the rebuilds kept up: the last edit is live


def test_a_request_during_a_rebuild_never_sees_a_partial_site(
    served: tuple[object, Path],
) -> None:
    server, site = served
    pages = [f"{server.base}briefs/soak-target/", server.base, f"{server.base}briefs/"]
    seen: set[bytes] = set()
    problems: list[str] = []
    done = threading.Event()
    lock = threading.Lock()

    def hammer() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        while not done.is_set():
            for page in pages:
                status, body = soak.get(connection, page)
                problem = f"{page}: HTTP {status}" if status != 200 else None
                problem = problem or soak.check_page(page, body)
                with lock:
                    seen.update(soak.TITLE.findall(body))
                    if problem:
                        problems.append(problem)
        connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        for number in range(5000, 5012):  # spaced past the watcher's debounce: one build each
            soak.write_edit(site, number)
            time.sleep(0.3)
        soak.wait_for(server, 5011)
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert problems == []
    assert len([v for v in seen if int(v) >= 5000]) >= 3  # many versions were served


@pytest.mark.slow
def test_memory_stays_flat_over_edits(served: tuple[object, Path]) -> None:
    server, site = served
    soak.soak(server, site, 5, 5)  # warm up: caches, first-time imports
    samples = soak.soak(server, site, 20, 10)
    growth_mib = (samples[-1][1] - samples[0][1]) / 1024
    print(f"short soak: RSS {samples[0][1] / 1024:.1f} -> {samples[-1][1] / 1024:.1f} MiB")
    assert growth_mib < 8, samples


# --- traversal, on the real built site (tests/test_devserver.py has the common forms) -------


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewServer]:
    root = tmp_path_factory.mktemp("real")
    (root / "secret.txt").write_text("TOP-SECRET")
    out = build_ok(FULL_SITE, root / "out")
    preview = PreviewServer(out, port=0, log=lambda _: None)
    preview.start()
    yield preview
    preview.stop()


@pytest.mark.parametrize(
    "target",
    [
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/briefs/.%2E/.%2E/secret.txt",
        "/..;/secret.txt",
        "/%u002e%u002e/secret.txt",
        "/..%c0%afsecret.txt",
        "/..%c1%9csecret.txt",
        "/%ef%bc%8e%ef%bc%8e/secret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/./../secret.txt",
        "/..//secret.txt",
        "/briefs/..%2f..%2fsecret.txt",
        "/%2e%2e%5c%2e%2e%5csecret.txt",
        "/..%00/secret.txt",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/file:///etc/passwd",
        "/\\..\\secret.txt",
        "/..%2F..%2F..%2F..%2Fproc%2Fself%2Fenviron",
    ],
)
def test_more_traversal_encodings_get_404(real_site: PreviewServer, target: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", real_site.port, timeout=10)
    connection.putrequest("GET", target, skip_host=False, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 404
    assert b"TOP-SECRET" not in body and b"root:" not in body and b"PATH=" not in body


def test_ctrl_c_after_a_rebuild_stops_the_server_promptly(tmp_path: Path) -> None:
    """A rebuild swaps the watched output directory; watchdog then failed while stopping,
    which skipped stopping the HTTP server, and `briefsite serve` ignored Ctrl+C."""
    site = soak.make_site(tmp_path / "site", 10)
    server = soak.start_server(site)
    try:
        soak.write_edit(site, 1)
        soak.wait_for(server, 1)
    finally:
        started = time.monotonic()
        server.stop()
    assert server.process.returncode == 0
    assert time.monotonic() - started < 5
