"""Live reload: the build state, the server-sent event stream and the injected script.

One `LiveReload` hub holds the state of the last build (ok, diagnostics, generation)
and the open event streams. Each stream has a small bounded queue; a client too slow
to keep up is dropped (its browser reconnects and is sent the current state), so
memory stays flat however many builds run.
"""

from __future__ import annotations

import html
import json
import queue
import secrets
import threading
from dataclasses import dataclass
from typing import Final

from briefsite.devserver.outcome import BuildOutcome

RESERVED: Final = "__briefsite__"
"""The first path segment (under the base path) of the server's own endpoints."""

OVERLAY_ID: Final = "__briefsite_overlay"
_OVERLAY_STYLE: Final = (
    "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;"
    "margin:0;padding:1em 1.5em;background:#2b0b0b;color:#ffe9e9;border-top:4px solid #e5484d;"
    "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
    "box-shadow:0 -4px 24px rgba(0,0,0,.4)"
)
_OVERLAY_TITLE: Final = "briefsite: the build failed; showing the last good site."


@dataclass(frozen=True)
class Status:
    """The state of the site as the browser sees it."""

    ok: bool
    diagnostics: tuple[str, ...]
    generation: str

    def to_json(self) -> str:
        """As the JSON sent by `/__briefsite__/status` and the `status` event."""
        return json.dumps(
            {"ok": self.ok, "diagnostics": list(self.diagnostics), "generation": self.generation}
        )


@dataclass(frozen=True)
class Message:
    """One server-sent event; an empty `event` is a heartbeat comment."""

    event: str
    data: str = ""

    def encode(self) -> bytes:
        """The bytes on the wire."""
        if not self.event:
            return b": heartbeat\n\n"
        lines = "".join(f"data: {line}\n" for line in self.data.split("\n"))
        return f"event: {self.event}\n{lines}\n".encode()


HEARTBEAT: Final = Message("")


class Subscription:
    """One open event stream: a bounded queue of messages to send."""

    def __init__(self, size: int) -> None:
        self._queue: queue.Queue[Message | None] = queue.Queue(maxsize=size)
        self.closed = False

    def offer(self, message: Message | None) -> bool:
        """Queue `message` (None closes the stream); False if the queue is full."""
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            return False
        return True

    def next(self, timeout: float) -> Message | None:
        """The next message, `HEARTBEAT` after `timeout` seconds of quiet, None once closed."""
        if self.closed:
            return None
        try:
            message = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None if self.closed else HEARTBEAT
        return None if message is None or self.closed else message


class LiveReload:
    """The build state and the open event streams it is pushed to."""

    def __init__(self, *, queue_size: int = 8) -> None:
        self._lock = threading.Lock()
        self._boot = secrets.token_hex(4)
        self._count = 0
        self._status = Status(True, (), self._generation())
        self._subscribers: set[Subscription] = set()
        self._queue_size = queue_size
        self._closed = False

    def _generation(self) -> str:
        return f"{self._boot}.{self._count}"

    @property
    def status(self) -> Status:
        """The current state."""
        with self._lock:
            return self._status

    @property
    def client_count(self) -> int:
        """How many event streams are open."""
        with self._lock:
            return len(self._subscribers)

    def apply(self, outcome: BuildOutcome) -> str | None:
        """Record a build's outcome and push it; returns the event sent, if any.

        A failed build sends `status` (the overlay); a successful one sends `css` when
        every changed path is a stylesheet and the site was not failing, `reload` when
        anything else changed or a failure is cleared, and nothing when nothing changed.
        """
        with self._lock:
            previous = self._status
            if not outcome.ok:
                self._status = Status(False, outcome.diagnostics, previous.generation)
                message = Message("status", self._status.to_json())
            elif outcome.changed or not previous.ok:
                self._count += 1
                self._status = Status(True, outcome.diagnostics, self._generation())
                only_css = previous.ok and all(p.endswith(".css") for p in outcome.changed)
                event = "css" if outcome.changed and only_css else "reload"
                data = {"generation": self._status.generation, "changed": list(outcome.changed)}
                message = Message(event, json.dumps(data))
            else:
                self._status = Status(True, outcome.diagnostics, previous.generation)
                return None
            self._publish(message)
        return message.event

    def _publish(self, message: Message | None) -> None:
        """Offer `message` to every stream; drop the streams that cannot take it."""
        for subscription in list(self._subscribers):
            if not subscription.offer(message):
                subscription.closed = True
                self._subscribers.discard(subscription)

    def subscribe(self) -> Subscription:
        """Open a stream; its first message is the current status."""
        subscription = Subscription(self._queue_size)
        with self._lock:
            if self._closed:
                subscription.closed = True
                return subscription
            subscription.offer(Message("status", self._status.to_json()))
            self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a stream whose client has gone."""
        with self._lock:
            self._subscribers.discard(subscription)

    def close(self) -> None:
        """End every stream and refuse new ones (on shutdown)."""
        with self._lock:
            self._closed = True
            for subscription in self._subscribers:
                subscription.closed = True
                subscription.offer(None)
            self._subscribers.clear()


def snippet(status: Status, base_path: str) -> bytes:
    """The HTML injected into every page: the client script and, when failing, the overlay."""
    endpoint = f"{base_path}{RESERVED}/"
    script = (
        f'<script src="{html.escape(endpoint)}livereload.js" '
        f'data-briefsite-events="{html.escape(endpoint)}events" '
        f'data-briefsite-generation="{html.escape(status.generation)}"></script>'
    )
    return (overlay_html(status.diagnostics) + script if not status.ok else script).encode()


def overlay_html(diagnostics: tuple[str, ...]) -> str:
    """The error overlay, server-rendered; every diagnostic is escaped."""
    lines = "\n".join(html.escape(line) for line in diagnostics)
    return (
        f'<div id="{OVERLAY_ID}" role="alert" style="{_OVERLAY_STYLE}">'
        f"<strong>{html.escape(_OVERLAY_TITLE)}</strong>"
        f'<pre style="margin:.5em 0 0;white-space:pre-wrap">{lines}</pre></div>'
    )


def inject(page: bytes, extra: bytes) -> bytes:
    """Insert `extra` before the last `</body>`, or append it if there is none."""
    index = page.lower().rfind(b"</body")
    if index == -1:
        return page + extra
    return page[:index] + extra + page[index:]


_CLIENT_TEMPLATE: Final = """\
// briefsite preview: live reload and the build-error overlay. Not part of the site.
(() => {
  "use strict";
  const me = document.currentScript;
  let generation = me.dataset.briefsiteGeneration;
  const overlayId = OVERLAY_ID;

  function hideOverlay() {
    const old = document.getElementById(overlayId);
    if (old) old.remove();
  }

  function showOverlay(diagnostics) {
    hideOverlay();
    const box = document.createElement("div");
    box.id = overlayId;
    box.setAttribute("role", "alert");
    box.style.cssText = OVERLAY_STYLE;
    const title = document.createElement("strong");
    title.textContent = OVERLAY_TITLE;
    const list = document.createElement("pre");
    list.style.cssText = "margin:.5em 0 0;white-space:pre-wrap";
    list.textContent = diagnostics.join("\\n");
    box.append(title, list);
    (document.body || document.documentElement).append(box);
  }

  function swapStylesheets() {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("__briefsite", Date.now().toString(36));
      const fresh = link.cloneNode();
      fresh.href = url.href;
      const drop = () => link.remove();
      fresh.addEventListener("load", drop, { once: true });
      fresh.addEventListener("error", drop, { once: true });
      link.after(fresh);
    }
  }

  const events = new EventSource(me.dataset.briefsiteEvents);
  events.addEventListener("status", (event) => {
    const status = JSON.parse(event.data);
    if (!status.ok) showOverlay(status.diagnostics);
    else if (status.generation !== generation) location.reload();
    else hideOverlay();
  });
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("css", (event) => {
    generation = JSON.parse(event.data).generation;
    hideOverlay();
    swapStylesheets();
  });
})();
"""
CLIENT_SCRIPT: Final = (
    _CLIENT_TEMPLATE.replace("OVERLAY_ID", json.dumps(OVERLAY_ID))
    .replace("OVERLAY_STYLE", json.dumps(_OVERLAY_STYLE))
    .replace("OVERLAY_TITLE", json.dumps(_OVERLAY_TITLE))
    .encode()
)
"""The script served at `<base>__briefsite__/livereload.js`."""
