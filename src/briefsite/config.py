"""Site settings from `content/site.yml` and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefsite.diagnostics import Diagnostics
from briefsite.fields import Reader
from briefsite.frontmatter import DecodeProblem, decode
from briefsite.sitefiles import inside
from briefsite.yamlsafe import parse_yaml

CONFIG_PATH = "content/site.yml"
MAX_CONFIG_BYTES = 1024 * 1024
KNOWN_KEYS = frozenset(
    {"title", "base_url", "language", "description", "timezone", "author", "copyright", "params"}
)


@dataclass(frozen=True)
class SiteConfig:
    """Everything a build needs to know about the site as a whole."""

    root: Path
    base_url: str = "http://localhost/"
    title: str = "Briefings"
    language: str = "en"
    description: str = ""
    timezone: str = "UTC"
    author: str = ""
    copyright: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of `base_url`, always starting and ending with `/`."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def origin(self) -> str:
        """`scheme://host[:port]` of `base_url`."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def normalise_base_url(value: str) -> str | None:
    """`value` with a trailing slash, or None if it is not an absolute http(s) URL that
    every link can start with: a host, no query, fragment or credentials, no spaces."""
    text = value.strip()
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        return None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or any(char.isspace() or not char.isprintable() for char in text)
    ):
        return None
    return text if text.endswith("/") else text + "/"


def load_config(root: Path, diags: Diagnostics, base_url: str | None = None) -> SiteConfig:
    """Read `content/site.yml`; every problem becomes a diagnostic."""
    reader = Reader(CONFIG_PATH, diags)
    settings: dict[str, Any] = {}
    path = root / CONFIG_PATH
    node = None
    if path.is_file() and not inside(root, path):
        reader.error(1, "symlink leads outside the site root; refused")
    elif path.is_file():
        try:
            if path.stat().st_size > MAX_CONFIG_BYTES:
                raise DecodeProblem(
                    1, f"file is too large (the limit is {MAX_CONFIG_BYTES:,} bytes)"
                )
            node, problems = parse_yaml(decode(path.read_bytes()))
        except DecodeProblem as problem:
            problems = [(problem.line, problem.message)]
        except OSError as exc:
            problems = [(1, f"cannot read file: {exc.strerror or exc}")]
        for line, message in problems:
            reader.error(line, message)
        if node is not None and reader.mapping(node, "site.yml", 1):
            settings = _read_settings(reader, node)
        elif node is None and not problems:
            node = None
    if base_url is not None:
        normal = normalise_base_url(base_url)
        if normal is None:
            diags.error("--base-url", 0, f"not an absolute http(s) URL: '{base_url}'")
        settings["base_url"] = normal
    if not settings.get("base_url") and not diags.errors:
        line = node.key_lines.get("base_url", 1) if node is not None and node.kind == "map" else 1
        reader.error(line, "'base_url' is required (in site.yml or with --base-url)")
    clean = {k: v for k, v in settings.items() if v is not None}
    return SiteConfig(root=root, **clean)


def _read_settings(reader: Reader, node: Any) -> dict[str, Any]:
    reader.unknown_keys(node, KNOWN_KEYS, "site.yml")
    get = node.entries.get
    settings: dict[str, Any] = {
        name: reader.text(get(name), name)
        for name in ("title", "language", "description", "author", "copyright")
    }
    raw_url = reader.text(get("base_url"), "base_url")
    if raw_url is not None:
        settings["base_url"] = normalise_base_url(raw_url)
        if settings["base_url"] is None:
            reader.error(get("base_url").line, f"'base_url' must be an http(s) URL: '{raw_url}'")
    timezone = reader.text(get("timezone"), "timezone")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
            settings["timezone"] = timezone
        except (ZoneInfoNotFoundError, ValueError):
            reader.error(get("timezone").line, f"unknown timezone '{timezone}'")
    params = get("params")
    if params is not None and reader.mapping(params, "'params'", params.line):
        settings["params"] = params.plain()
    return settings
