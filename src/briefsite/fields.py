"""Typed readers for YAML nodes: each reports a diagnostic and returns None on a bad value."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from briefsite.diagnostics import Diagnostics
from briefsite.yamlsafe import Node

_SAFE_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DECIMAL = re.compile(r"^\+?[0-9][0-9_]*$")


@dataclass(frozen=True)
class Reader:
    """Reads the fields of one file, reporting problems against that file's path."""

    path: str
    diags: Diagnostics

    def error(self, line: int, message: str) -> None:
        self.diags.error(self.path, line, message)

    def warning(self, line: int, message: str) -> None:
        self.diags.warning(self.path, line, message)

    def mapping(self, node: Node | None, what: str, line: int) -> Node | None:
        """The node if it is a mapping, else a diagnostic."""
        if node is None or node.kind != "map":
            self.error(node.line if node else line, f"{what} must be a mapping of keys to values")
            return None
        return node

    def unknown_keys(self, node: Node, known: frozenset[str], what: str) -> None:
        """Warn about keys the format does not define."""
        for key, line in node.key_lines.items():
            if key not in known:
                self.warning(line, f"unknown key '{key}' in {what}")

    def text(self, node: Node | None, name: str) -> str | None:
        """A scalar taken as the text the author wrote (`no` is "no", `3.10` is "3.10")."""
        if node is None or node.is_null:
            return None
        if node.kind != "scalar":
            self.error(node.line, f"'{name}' must be text, not a {_kind_name(node)}")
            return None
        return node.text.strip()

    def boolean(self, node: Node | None, name: str) -> bool | None:
        """A YAML boolean."""
        if node is None or node.is_null:
            return None
        if node.kind != "scalar" or node.tag != "bool":
            self.error(node.line, f"'{name}' must be true or false")
            return None
        return node.text.lower() in {"true", "yes", "on", "y"}

    def url(self, node: Node | None, name: str) -> str | None:
        """An absolute http(s) URL; any other scheme (javascript:, data:) is refused."""
        value = self.text(node, name)
        if value is None or node is None:
            return None
        if not _SAFE_URL.match(value):
            self.error(node.line, f"'{name}' must be an http(s) URL, not '{value}'")
            return None
        return value

    def text_list(self, node: Node | None, name: str) -> list[tuple[str, int]]:
        """A list of texts (a single text is a list of one), each with its line."""
        if node is None or node.is_null:
            return []
        if node.kind == "scalar":
            value = self.text(node, name)
            return [(value, node.line)] if value else []
        if node.kind != "seq":
            self.error(node.line, f"'{name}' must be a list")
            return []
        found = []
        for item in node.items:
            value = self.text(item, name)
            if value:
                found.append((value, item.line))
        return found

    def items(self, node: Node | None, name: str) -> tuple[Node, ...]:
        """The items of a list field."""
        if node is None or node.is_null:
            return ()
        if node.kind != "seq":
            self.error(node.line, f"'{name}' must be a list")
            return ()
        return node.items

    def integers(self, node: Node | None, name: str) -> list[tuple[int, int]]:
        """A number or a list of numbers (e.g. source references), each with its line."""
        if node is None or node.is_null:
            return []
        nodes = node.items if node.kind == "seq" else (node,)
        found = []
        for item in nodes:
            number = _source_number(item)
            if number is None:
                self.error(item.line, f"'{name}' must be a source number (1, 2, ...)")
                continue
            found.append((number, item.line))
        return found

    def when(self, node: Node | None, name: str, tz: ZoneInfo) -> dt.datetime | None:
        """A date (start of that day in the site's timezone) or an ISO 8601 date-time."""
        value = self.text(node, name)
        if value is None or node is None:
            return None
        parsed = parse_when(value, tz)
        if parsed is None:
            self.error(node.line, f"'{name}' is not a valid date or ISO 8601 date-time: '{value}'")
        return parsed

    def choice(self, node: Node | None, name: str, allowed: tuple[str, ...]) -> str | None:
        """A text that must be one of `allowed`."""
        value = self.text(node, name)
        if value is None or node is None:
            return None
        if value.lower() not in allowed:
            self.error(node.line, f"'{name}' must be one of {', '.join(allowed)}, not '{value}'")
            return None
        return value.lower()


def parse_when(value: str, tz: ZoneInfo) -> dt.datetime | None:
    """Parse `YYYY-MM-DD` or an ISO 8601 date-time, as a moment in the site's time `tz`."""
    try:
        if _DATE.match(value):
            moment = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tz)
        else:
            moment = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
        moment = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
        offset = moment.utcoffset()
        if offset is not None:
            moment = moment.replace(tzinfo=dt.timezone(offset))
        moment.astimezone(dt.UTC)  # feeds show it in UTC: it must exist there too
    except (ValueError, OverflowError):
        return None
    return moment


def _source_number(node: Node) -> int | None:
    """A positive decimal integer such as `2` (not `0x2`, `1:30`, `"2"` or `2.0`)."""
    if node.kind != "scalar" or node.tag != "int" or not _DECIMAL.match(node.text):
        return None
    number = int(node.text.replace("_", ""))
    return number if number >= 1 else None


def _kind_name(node: Node) -> str:
    return {"map": "mapping", "seq": "list"}.get(node.kind, node.tag)
