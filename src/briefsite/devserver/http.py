"""The HTTP side of the preview server: files from the output, plus live-reload endpoints.

Requests never wait for a build. The build swaps the output directory in atomically,
so a request sees the old site or the new one; the server resolves the output root
afresh for every request and, if a lookup fails while the root is being swapped
(missing, or a different directory before and after), retries briefly, so a request
racing a swap gets the old or the new file, never a spurious 404 or a 500.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

from briefsite.devserver.livereload import CLIENT_SCRIPT, RESERVED, LiveReload, inject, snippet
from briefsite.devserver.paths import (
    Target,
    content_type,
    join_url,
    normalise_base_path,
    parse_target,
    resolve_under,
)

_SWAP_RETRIES = 8
_SWAP_PAUSE = 0.01  # seconds; grows linearly: at most ~0.36 s in all


class DevServerError(Exception):
    """The preview server could not start."""


class PortInUseError(DevServerError):
    """The port asked for is taken."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(f"port {port} is already in use on {host} (try --port 0)")
        self.host = host
        self.port = port


@dataclass(frozen=True)
class _Site:
    """What request handlers need to know; shared read-only by all of them."""

    root: Path
    base_path: str
    base_segments: tuple[str, ...]
    hub: LiveReload
    heartbeat: float
    log: Callable[[str], None]


@dataclass
class _Found:
    """An open file to send."""

    path: Path
    file: BinaryIO


@dataclass(frozen=True)
class _Redirect:
    location: str


class _HTTPServer(ThreadingHTTPServer):
    """A threaded server that tracks its connections so that it can close them all."""

    daemon_threads = True
    # socketserver's default backlog of 5 drops connections when many clients (a browser
    # with many tabs, a load test) connect at once: they stall for seconds in SYN retries
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], site: _Site, family: int) -> None:
        self.address_family = family
        self.site = site
        self._lock = threading.Lock()
        self._active: dict[socket.socket, threading.Thread] = {}
        super().__init__(address, _Handler)

    def process_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """Handle each connection in its own tracked thread."""
        thread = threading.Thread(
            target=self._handle, args=(request, client_address), name="briefsite-http"
        )
        thread.daemon = True
        with self._lock:
            self._active[request] = thread
        thread.start()

    def _handle(self, request: socket.socket, client_address: tuple[str, int]) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            with self._lock:
                self._active.pop(request, None)
            self.shutdown_request(request)

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """Clients hanging up is normal; anything else is logged, not printed raw."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            self.site.log(f"preview server error:\n{traceback.format_exc().rstrip()}")

    def close_connections(self, timeout: float) -> None:
        """Shut down every open connection and join its thread."""
        with self._lock:
            active = list(self._active.items())
        for connection, _ in active:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for _, thread in active:
            thread.join(max(0.0, deadline - time.monotonic()))


class PreviewServer:
    """Serves `output_dir` over HTTP in a background thread, with live reload.

    `start()` binds (raising `PortInUseError`) and returns; `stop()` closes every
    connection, event streams included, and joins every thread it started.
    """

    def __init__(
        self,
        output_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        base_path: str = "/",
        hub: LiveReload | None = None,
        heartbeat: float = 15.0,
        log: Callable[[str], None] = print,
    ) -> None:
        base = normalise_base_path(base_path)
        base_target = parse_target(base)
        assert base_target is not None  # normalise_base_path checked it
        self.hub = hub if hub is not None else LiveReload()
        self._site = _Site(
            Path(output_dir).absolute(), base, base_target.segments, self.hub, heartbeat, log
        )
        self._host = host
        self._port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port bound (the real one when 0 was asked for)."""
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The site's address, base path included."""
        host = self._host
        if host in ("", "0.0.0.0", "::"):
            host = "127.0.0.1" if host != "::" else "::1"
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}{self._site.base_path}"

    def start(self) -> None:
        """Bind and start serving in a background thread."""
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        try:
            self._httpd = _HTTPServer((self._host, self._port), self._site, family)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUseError(self._host, self._port) from None
            raise DevServerError(f"cannot listen on {self._host}:{self._port}: {error}") from None
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="briefsite-serve"
        )
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop accepting, end event streams, close connections, join all threads."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        if self._thread is not None:
            self._thread.join(timeout)
        self.hub.close()
        httpd.close_connections(timeout)
        httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    """One connection: GET and HEAD of files, status and events."""

    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "briefsite-preview"
    timeout = 120  # idle keep-alive connections are dropped after this many seconds

    def do_GET(self) -> None:
        """Serve a GET."""
        self._respond(head=False)

    def do_HEAD(self) -> None:
        """Serve a HEAD: the GET's headers, no body."""
        self._respond(head=True)

    def version_string(self) -> str:
        """The Server header, without Python's version."""
        return self.server_version

    def end_headers(self) -> None:
        """Every response, errors included, must not be cached."""
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """No access log: the console is for build messages."""

    def _respond(self, *, head: bool) -> None:
        site = self.server.site
        target = parse_target(self.path)
        if target is None:
            return self._not_found(head)
        segments = target.segments
        if segments[:1] == (RESERVED,):
            return self._reserved(segments[1:], head)
        if segments[: len(site.base_segments)] != site.base_segments:
            if not segments:  # the bare host: the site lives under its base path
                return self._redirect(302, site.base_path, head)
            return self._not_found(head)
        relative = segments[len(site.base_segments) :]
        if relative[:1] == (RESERVED,):
            return self._reserved(relative[1:], head)
        self._serve_file(Target(relative, target.trailing_slash, target.query), head)

    def _serve_file(self, target: Target, head: bool) -> None:
        site = self.server.site
        # Read the status before the file: the build swaps the output before the status
        # changes, so a page never carries a newer generation than its content.
        status = site.hub.status
        found = _lookup(site.root, target)
        if isinstance(found, _Redirect):
            location = join_url(site.base_path, target.segments, trailing_slash=True)
            query = f"?{target.query}" if target.query else ""
            return self._redirect(301, location + query, head)
        if found is None:
            return self._not_found(head)
        with found.file:
            self._send_open_file(200, found, snippet(status, site.base_path), head)

    def _send_open_file(self, code: int, found: _Found, extra: bytes, head: bool) -> None:
        kind = content_type(found.path.name)
        if kind.startswith("text/html"):
            return self._send_bytes(code, kind, inject(found.file.read(), extra), head)
        size = os.fstat(found.file.fileno()).st_size
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(size))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            shutil.copyfileobj(found.file, self.wfile)

    def _send_bytes(self, code: int, kind: str, body: bytes, head: bool) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, code: int, location: str, head: bool) -> None:
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self, head: bool) -> None:
        """The site's own `404.html` with status 404, or a plain-text fallback."""
        site = self.server.site
        status = site.hub.status
        found = _lookup(site.root, Target(("404.html",), False, ""))
        if isinstance(found, _Found):
            with found.file:
                return self._send_open_file(404, found, snippet(status, site.base_path), head)
        body = "404 Not Found\n"
        if not status.ok:
            body += "\nThe last build failed:\n" + "".join(f"{d}\n" for d in status.diagnostics)
        self._send_bytes(404, "text/plain; charset=utf-8", body.encode(), head)

    def _reserved(self, rest: tuple[str, ...], head: bool) -> None:
        """The server's own endpoints: the client script, the status, the event stream."""
        hub = self.server.site.hub
        if rest == ("livereload.js",):
            return self._send_bytes(200, "text/javascript; charset=utf-8", CLIENT_SCRIPT, head)
        if rest == ("status",):
            return self._send_bytes(200, "application/json", hub.status.to_json().encode(), head)
        if rest == ("events",):
            return self._events(head)
        self._not_found(head)

    def _events(self, head: bool) -> None:
        """A server-sent event stream, open until the client leaves or the server stops."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        hub = self.server.site.hub
        subscription = hub.subscribe()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while (message := subscription.next(self.server.site.heartbeat)) is not None:
                self.wfile.write(message.encode())
        except OSError:  # the client went away, or stop() shut the socket down
            pass
        finally:
            hub.unsubscribe(subscription)


def _lookup(root: Path, target: Target) -> _Found | _Redirect | None:
    """Find and open what `target` names under `root`, retrying while the root is swapped."""
    for attempt in range(_SWAP_RETRIES):
        before = _identity(root)
        found = _lookup_once(root, target) if before is not None else None
        if found is not None or (before is not None and before == _identity(root)):
            return found
        time.sleep(_SWAP_PAUSE * (attempt + 1))
    return None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _lookup_once(root: Path, target: Target) -> _Found | _Redirect | None:
    path = resolve_under(root, target.segments)
    if path is None:
        return None
    if path.is_dir():
        if not target.trailing_slash:
            return _Redirect("")
        path = resolve_under(root, (*target.segments, "index.html"))
        if path is None:
            return None
    elif target.trailing_slash:
        return None
    try:
        file = open(path, "rb")  # noqa: SIM115 (the caller closes it)
    except OSError:
        return None
    if not os.path.isfile(path):  # a directory named index.html, a device, ...
        file.close()
        return None
    return _Found(path, file)
