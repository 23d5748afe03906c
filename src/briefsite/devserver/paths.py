"""Request targets to files under the output directory, never outside it."""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xsl": "application/xslt+xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
}
_FALLBACK_TYPES = mimetypes.MimeTypes()  # built-in table only: independent of /etc/mime.types


@dataclass(frozen=True)
class Target:
    """A request path, decoded and checked: no segment is empty, `.` or `..`."""

    segments: tuple[str, ...]
    trailing_slash: bool
    query: str


def content_type(name: str) -> str:
    """The Content-Type for a file name, by its extension."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = _FALLBACK_TYPES.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def normalise_base_path(base_path: str) -> str:
    """`desk`, `/desk`, `/desk/` -> `/desk/`; empty -> `/`. Kept percent-encoded."""
    stripped = base_path.strip("/")
    target = parse_target("/" + stripped + "/" if stripped else "/")
    if target is None:
        raise ValueError(f"invalid base path: {base_path!r}")
    return join_url("/", target.segments, trailing_slash=True)


def join_url(prefix: str, segments: tuple[str, ...], *, trailing_slash: bool) -> str:
    """Percent-encode `segments` under `prefix` (which ends with `/`)."""
    path = prefix + "/".join(quote(segment, safe="!$&'()*+,;=:@~") for segment in segments)
    return path + "/" if trailing_slash and segments else path


def parse_target(raw: str) -> Target | None:
    """Decode a request target; None for anything that could name a file outside the root.

    Rejected: relative or empty paths, `.` and `..` segments (also when percent-encoded,
    once or twice), empty segments (`//`), backslashes, NUL and other control characters.
    """
    if raw.startswith(("http://", "https://")):  # absolute-form: keep only the path
        slash = raw.find("/", raw.index("//") + 2)
        raw = raw[slash:] if slash != -1 else "/"
    path, _, query = raw.partition("?")
    path = path.partition("#")[0]
    if not path.startswith("/"):
        return None
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    split = _split(decoded)
    if split is None or _split(unquote(decoded)) is None:  # the second: double encoding
        return None
    segments, trailing_slash = split
    return Target(segments, trailing_slash, query)


def _split(path: str) -> tuple[tuple[str, ...], bool] | None:
    """Split a decoded absolute path into safe segments and whether it ends with `/`."""
    if not path.startswith("/") or "\\" in path or any(ord(c) < 0x20 or c == "\x7f" for c in path):
        return None
    parts = path[1:].split("/")
    trailing_slash = parts[-1] == ""
    if trailing_slash:
        parts.pop()
    if any(part in ("", ".", "..") for part in parts):
        return None
    return tuple(parts), trailing_slash


def resolve_under(root: Path, segments: tuple[str, ...]) -> Path | None:
    """The real path `segments` name under `root`, or None if it lies outside.

    Symlinks are followed: one that leads out of the root gives None. The root is
    resolved on every call, so a root that is itself a symlink may be swapped.
    """
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, *segments))
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        return None
    return Path(real)
