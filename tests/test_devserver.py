"""The preview server over real sockets: files, safety, live reload, lifecycle."""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefsite.devserver import BuildOutcome, DevSession, LiveReload, PortInUseError, PreviewServer
from briefsite.devserver.paths import parse_target

HOME = (
    b"<!doctype html><html><head><link rel=stylesheet href=/css/site.css></head>"
    b"<body><h1>Home</h1></body></html>\n"
)
NOT_FOUND = b"<!doctype html><html><body><h1>Custom 404</h1></body></html>\n"
FILES: dict[str, bytes] = {
    "index.html": HOME,
    "404.html": NOT_FOUND,
    "briefs/x/index.html": b"<html><body><p>Brief X</p></body></html>",
    "fragment.html": b"<p>no body element</p>",
    "css/site.css": b"body { color: black }\n",
    "js/app.js": b"console.log(1);\n",
    "feed.xml": b"<?xml version='1.0'?><feed/>",
    "data.json": b'{"a": 1}',
    "img/logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "favicon.ico": b"\x00\x00\x01\x00",
    "img/a.png": b"\x89PNG\r\n\x1a\n",
    "fonts/f.woff2": b"wOF2",
    "robots.txt": b"User-agent: *\n",
    "blob.unknownext": b"\x01\x02",
}
SECRET = b"TOP-SECRET-OUTSIDE-THE-OUTPUT"


# --- helpers -------------------------------------------------------------------------


def request(
    port: int, target: str, method: str = "GET", host: str = "127.0.0.1"
) -> tuple[int, dict[str, str], bytes]:
    """Send exactly `target` (no client-side normalisation) and read the whole response."""
    with socket.create_connection((host, port), timeout=3) as sock:
        head = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        sock.sendall(head.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    header_block, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = header_block.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


class EventStream:
    """A minimal server-sent events client."""

    def __init__(self, port: int, path: str = "/__briefsite__/events") -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=3)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self.file = self.sock.makefile("rb")
        self.status = int(self.file.readline().split()[1])
        self.headers = {}
        while (line := self.file.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            self.headers[name.strip().lower()] = value.strip()

    def next(self, *, comments: bool = False) -> tuple[str, str]:
        """The next event as (name, data); a comment is ("", text) when asked for."""
        event, data = "", []
        while True:
            raw = self.file.readline()
            if not raw:
                raise EOFError
            line = raw.decode().rstrip("\n")
            if line.startswith(":") and comments:
                return "", line
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
            elif not line and event:
                return event, "\n".join(data)

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def write_site(output: Path) -> None:
    for name, content in FILES.items():
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


@pytest.fixture
def output(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_bytes(SECRET)
    out = tmp_path / "_site"
    write_site(out)
    (out / "leak").symlink_to(tmp_path)
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "inside.txt").symlink_to(out / "robots.txt")
    return out


@pytest.fixture
def server(output: Path) -> Iterator[PreviewServer]:
    preview = PreviewServer(output, port=0, log=lambda _: None)
    preview.start()
    yield preview
    preview.stop()


class FakeBuild:
    """A build callable: records its calls, writes into the output, returns set outcomes."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.calls: list[frozenset[Path]] = []
        self.called = threading.Event()
        self.outcome = BuildOutcome(True, (), ("index.html",))
        self.writes: dict[str, bytes] = {"index.html": HOME.replace(b"Home", b"Rebuilt")}

    def __call__(self, changed: frozenset[Path]) -> BuildOutcome:
        self.calls.append(changed)
        if self.outcome.ok:
            for name, content in self.writes.items():
                (self.output / name).write_bytes(content)
        self.called.set()
        return self.outcome


@pytest.fixture
def session(output: Path, tmp_path: Path) -> Iterator[tuple[DevSession, FakeBuild, Path]]:
    sources = tmp_path / "content"
    sources.mkdir()
    build = FakeBuild(output)
    preview = DevSession(build, output, [sources], port=0, log=lambda _: None, quiet=0.05)
    preview.start()
    yield preview, build, sources
    preview.stop()


# --- serving -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/index.html", "text/html; charset=utf-8"),
        ("/css/site.css", "text/css; charset=utf-8"),
        ("/js/app.js", "text/javascript; charset=utf-8"),
        ("/feed.xml", "application/xml"),
        ("/data.json", "application/json"),
        ("/img/logo.svg", "image/svg+xml"),
        ("/favicon.ico", "image/x-icon"),
        ("/img/a.png", "image/png"),
        ("/fonts/f.woff2", "font/woff2"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/blob.unknownext", "application/octet-stream"),
    ],
)
def test_content_types(server: PreviewServer, path: str, expected: str) -> None:
    status, headers, body = request(server.port, path)
    assert status == 200
    assert headers["content-type"] == expected
    if not expected.startswith("text/html"):
        assert body == FILES[path[1:]]
    assert headers["content-length"] == str(len(body))


def test_directories_serve_index_html(server: PreviewServer) -> None:
    assert request(server.port, "/")[2].startswith(HOME.split(b"</body>")[0])
    status, _, body = request(server.port, "/briefs/x/")
    assert status == 200
    assert b"Brief X" in body


def test_directory_without_slash_redirects_permanently(server: PreviewServer) -> None:
    status, headers, body = request(server.port, "/briefs/x?q=1")
    assert (status, headers["location"], body) == (301, "/briefs/x/?q=1", b"")
    assert request(server.port, "/robots.txt/")[0] == 404  # a file is not a directory


def test_missing_paths_get_the_sites_404_page(server: PreviewServer) -> None:
    status, headers, body = request(server.port, "/no/such/page.html")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"Custom 404" in body
    assert b"__briefsite__/livereload.js" in body


def test_404_falls_back_to_plain_text(server: PreviewServer, output: Path) -> None:
    (output / "404.html").unlink()
    status, headers, body = request(server.port, "/nope")
    assert (status, headers["content-type"]) == (404, "text/plain; charset=utf-8")
    assert body == b"404 Not Found\n"


def test_head_has_the_get_headers_and_no_body(server: PreviewServer) -> None:
    for path in ("/", "/css/site.css", "/nope", "/briefs/x", "/__briefsite__/status"):
        get_status, get_headers, _ = request(server.port, path)
        status, headers, body = request(server.port, path, method="HEAD")
        assert (status, body) == (get_status, b"")
        for name in ("content-type", "content-length", "location"):
            assert headers.get(name) == get_headers.get(name), (path, name)
    status, headers, body = request(server.port, "/__briefsite__/events", method="HEAD")
    assert (status, headers["content-type"], body) == (200, "text/event-stream; charset=utf-8", b"")


def test_every_response_is_no_store(server: PreviewServer) -> None:
    for method, path in [
        ("GET", "/"),
        ("GET", "/css/site.css"),
        ("GET", "/briefs/x"),
        ("GET", "/nope"),
        ("GET", "/../x"),
        ("GET", "/__briefsite__/status"),
        ("GET", "/__briefsite__/livereload.js"),
        ("HEAD", "/"),
        ("POST", "/"),
    ]:
        headers = request(server.port, path, method=method)[1]
        assert headers["cache-control"] == "no-store", (method, path)
    stream = EventStream(server.port)
    assert stream.headers["cache-control"] == "no-store"
    stream.close()


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/briefs/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/briefs/%2e%2e/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/%25252e%25252e/secret.txt",
        "//etc/passwd",
        "/%2Fetc%2Fpasswd",
        "/" + "/".join([".."] * 12) + "/etc/passwd",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/..%255csecret.txt",
        "/robots.txt%00.html",
        "/robots.txt\x00",
        "/%c0%ae%c0%ae/secret.txt",
        "/leak/secret.txt",
        "/leak.txt",
        "http://127.0.0.1/../secret.txt",
        "secret.txt",
        "*",
    ],
)
def test_nothing_outside_the_output_is_served(server: PreviewServer, target: str) -> None:
    status, _, body = request(server.port, target)
    assert status == 404
    assert SECRET not in body
    assert b"root:" not in body


def test_symlinks_inside_the_output_are_followed(server: PreviewServer) -> None:
    assert request(server.port, "/inside.txt")[2] == FILES["robots.txt"]


def test_parse_target_keeps_percent_signs_that_are_not_traversal() -> None:
    target = parse_target("/100%25.png?x=1")
    assert target is not None
    assert (target.segments, target.query) == (("100%.png",), "x=1")
    assert parse_target("/caf%C3%A9/") is not None
    assert parse_target("/%ff") is None  # not UTF-8


def test_port_in_use_is_a_one_line_error(output: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError) as caught:
            PreviewServer(output, port=port).start()
    assert str(caught.value) == f"port {port} is already in use on 127.0.0.1 (try --port 0)"


def test_port_zero_picks_a_free_port(server: PreviewServer) -> None:
    assert server.port != 0
    assert server.url == f"http://127.0.0.1:{server.port}/"


def test_base_path(output: Path) -> None:
    preview = PreviewServer(output, port=0, base_path="/desk", log=lambda _: None)
    preview.start()
    try:
        assert preview.url.endswith("/desk/")
        status, headers, _ = request(preview.port, "/")
        assert (status, headers["location"]) == (302, "/desk/")
        status, headers, _ = request(preview.port, "/desk")
        assert (status, headers["location"]) == (301, "/desk/")
        status, _, body = request(preview.port, "/desk/")
        assert status == 200
        assert b'src="/desk/__briefsite__/livereload.js"' in body
        assert request(preview.port, "/desk/briefs/x")[1]["location"] == "/desk/briefs/x/"
        assert request(preview.port, "/desk/css/site.css")[2] == FILES["css/site.css"]
        assert request(preview.port, "/css/site.css")[0] == 404
        assert request(preview.port, "/desk/__briefsite__/status")[0] == 200
    finally:
        preview.stop()


# --- injection -------------------------------------------------------------------------


def test_script_is_injected_into_html_and_never_written(
    server: PreviewServer, output: Path
) -> None:
    status, headers, body = request(server.port, "/index.html")
    assert status == 200
    script = body[body.index(b"<script") : body.index(b"</script>") + 9]
    assert body == HOME.replace(b"</body>", script + b"</body>")
    assert int(headers["content-length"]) == len(body)
    assert (output / "index.html").read_bytes() == HOME
    fragment = request(server.port, "/fragment.html")[2]
    assert fragment.startswith(FILES["fragment.html"])
    assert fragment.endswith(b"</script>")
    assert b"<script" not in request(server.port, "/css/site.css")[2]
    status, headers, body = request(server.port, "/__briefsite__/livereload.js")
    assert (status, headers["content-type"]) == (200, "text/javascript; charset=utf-8")
    assert b"EventSource" in body


# --- live reload -------------------------------------------------------------------------


def test_a_watched_change_rebuilds_and_pushes_reload(session) -> None:
    preview, build, sources = session
    stream = EventStream(preview.server.port)
    assert stream.next()[0] == "status"
    (sources / "brief.md").write_text("changed")
    event, data = stream.next()
    assert event == "reload"
    assert json.loads(data)["changed"] == ["index.html"]
    assert build.calls == [frozenset({sources / "brief.md"})]
    assert b"Rebuilt" in request(preview.server.port, "/")[2]
    stream.close()


def test_css_only_change_sends_css_event(session) -> None:
    preview, build, _ = session
    stream = EventStream(preview.server.port)
    stream.next()
    build.outcome = BuildOutcome(True, (), ("css/site.css",))
    build.writes = {"css/site.css": b"body { color: red }\n"}
    preview.rebuild(frozenset())
    assert stream.next()[0] == "css"
    build.outcome = BuildOutcome(True, (), ("css/site.css", "index.html"))
    preview.rebuild(frozenset())
    assert stream.next()[0] == "reload"
    stream.close()


def test_unchanged_output_sends_nothing(session) -> None:
    preview, build, _ = session
    build.outcome = BuildOutcome(True, (), ())
    assert preview.hub.apply(build.outcome) is None


def test_failed_build_shows_escaped_diagnostics_and_keeps_the_old_site(session) -> None:
    preview, build, _ = session
    port = preview.server.port
    stream = EventStream(port)
    stream.next()
    bad = "content/briefs/a.md:3: error: unknown actor <script>alert(1)</script> & co"
    build.outcome = BuildOutcome(False, (bad,), ())
    preview.rebuild(frozenset())

    event, data = stream.next()
    assert (event, json.loads(data)["ok"], json.loads(data)["diagnostics"]) == (
        "status",
        False,
        [bad],
    )
    status = json.loads(request(port, "/__briefsite__/status")[2])
    assert (status["ok"], status["diagnostics"]) == (False, [bad])
    page = request(port, "/")[2]
    assert page.startswith(HOME.split(b"</body>")[0])  # the last good file
    assert b"__briefsite_overlay" in page
    assert b"unknown actor &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert b"<script>alert(1)" not in page
    fresh = EventStream(port)  # a page opened now learns of the failure at once
    assert json.loads(fresh.next()[1])["ok"] is False

    build.outcome = BuildOutcome(True, (), ())  # fixed, even with nothing changed
    preview.rebuild(frozenset())
    assert stream.next()[0] == "reload"
    assert json.loads(request(port, "/__briefsite__/status")[2])["ok"] is True
    assert b"__briefsite_overlay" not in request(port, "/")[2]
    stream.close()
    fresh.close()


def test_a_build_that_raises_is_reported_as_a_failure(session) -> None:
    preview, build, _ = session
    build.writes = {}

    def broken(_: frozenset[Path]) -> BuildOutcome:
        raise RuntimeError("boom")

    preview._build = broken
    preview.rebuild(frozenset())
    status = json.loads(request(preview.server.port, "/__briefsite__/status")[2])
    assert status == {**status, "ok": False, "diagnostics": ["internal error: RuntimeError: boom"]}


def test_event_stream_sends_heartbeats(output: Path) -> None:
    preview = PreviewServer(output, port=0, heartbeat=0.05, log=lambda _: None)
    preview.start()
    try:
        stream = EventStream(preview.port)
        assert stream.next()[0] == "status"
        assert stream.next(comments=True) == ("", ": heartbeat")
        stream.close()
    finally:
        preview.stop()


def test_requests_racing_a_directory_swap_never_fail(server: PreviewServer, output: Path) -> None:
    staging = output.with_name("_site.staging")
    write_site(staging)
    (staging / "index.html").write_bytes(HOME.replace(b"Home", b"Other"))
    done = threading.Event()

    def swap() -> None:
        old = output.with_name("_site.old")
        while not done.is_set():
            os.rename(output, old)
            os.rename(staging, output)
            os.rename(old, staging)
            time.sleep(0.002)  # real builds swap at most every ~100 ms

    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        statuses = {request(server.port, "/")[0] for _ in range(150)}
        statuses |= {request(server.port, "/css/site.css")[0] for _ in range(50)}
    finally:
        done.set()
        swapper.join()
    assert statuses == {200}


# --- lifecycle and memory --------------------------------------------------------------


def test_stop_closes_streams_and_joins_every_thread(output: Path, tmp_path: Path) -> None:
    baseline = threading.active_count()
    sources = tmp_path / "content"
    sources.mkdir()
    preview = DevSession(FakeBuild(output), output, [sources], port=0, log=lambda _: None)
    preview.start()
    streams = [EventStream(preview.server.port) for _ in range(3)]
    for stream in streams:
        stream.next()
    idle = socket.create_connection(("127.0.0.1", preview.server.port))  # sends nothing
    keep_alive = http.client.HTTPConnection("127.0.0.1", preview.server.port, timeout=3)
    keep_alive.request("GET", "/")
    keep_alive.getresponse().read()
    started = time.monotonic()
    preview.stop()
    assert time.monotonic() - started < 1.0
    assert threading.active_count() == baseline
    for stream in streams:
        with pytest.raises(EOFError):
            stream.next()
        stream.close()
    idle.close()
    keep_alive.close()


def test_slow_clients_are_dropped_so_memory_stays_bounded() -> None:
    hub = LiveReload(queue_size=4)
    hub.subscribe()  # never read
    for index in range(500):
        hub.apply(BuildOutcome(True, (), (f"page{index}.html",)))
    assert hub.client_count == 0


def test_memory_is_flat_over_hundreds_of_rebuilds(session) -> None:
    preview, build, _ = session
    stream = EventStream(preview.server.port)
    stream.next()
    for _ in range(50):
        preview.rebuild(frozenset())
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(300):
            build.outcome = BuildOutcome(index % 7 != 0, ("a.md:1: error: x",), ("index.html",))
            preview.rebuild(frozenset({Path(f"/src/{index}.md")}))
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 200_000
    assert preview.hub.client_count <= 1
    stream.close()
