"""YAML through libyaml's safe composer into nodes that remember where they were written.

We compose (never construct) so that every value keeps its line, scalars keep the text
as the author wrote it (`title: no` stays "no"), duplicate keys can be reported, and
anything outside the plain safe subset (language tags, alias bombs, absurd nesting) is
a diagnostic instead of an exception or a hang.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_NODES = 10_000
MAX_DEPTH = 64
PRESCAN_DEPTH = 256
"""YAML that could nest deeper than this is pre-scanned before it is composed (libyaml's
composer recurses); nesting past `MAX_DEPTH` is refused either way, with the same message."""
_TAG_PREFIX = "tag:yaml.org,2002:"
_SAFE_TAGS = {"str", "int", "float", "bool", "null", "timestamp", "seq", "map"}
_SAFE_SHORT = {_TAG_PREFIX + tag: tag for tag in _SAFE_TAGS}
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}

_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)
_UNCLOSED = re.compile(r"end of stream|while parsing a flow|while scanning a quoted")

Kind = Literal["scalar", "seq", "map"]


_NO_ENTRIES: Mapping[str, Any] = MappingProxyType({})


class Node(NamedTuple):
    """A composed YAML node with its 1-based line in the file.

    A named tuple: a brief's front matter makes dozens, made faster this way than as
    dataclass instances. Only a mapping has `entries` and `key_lines` of its own.
    """

    kind: Kind
    line: int
    tag: str
    text: str = ""
    items: tuple[Node, ...] = ()
    entries: Mapping[str, Node] = _NO_ENTRIES
    key_lines: Mapping[str, int] = _NO_ENTRIES

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and self.tag == "null"

    def plain(self) -> Any:
        """The node as plain Python data (scalars typed by YAML's core schema)."""
        if self.kind == "map":
            return {k: v.plain() for k, v in self.entries.items()}
        if self.kind == "seq":
            return [v.plain() for v in self.items]
        return scalar_value(self)


class YamlProblem(Exception):
    """Raised inside composition; turned into one diagnostic by `parse_yaml`."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def scalar_value(node: Node) -> Any:
    """Interpret a scalar node by its resolved tag."""
    text = node.text
    if node.tag == "null":
        return None
    if node.tag == "bool":
        return text.lower() in _TRUE
    if node.tag == "int":
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text
    if node.tag == "float":
        lowered = text.lower().replace("_", "")
        if lowered in {".nan"}:
            return float("nan")
        if lowered.lstrip("+-") in {".inf"}:
            return float("-inf") if lowered.startswith("-") else float("inf")
        try:
            return float(lowered)
        except ValueError:
            return text
    return text


def parse_yaml(text: str, first_line: int = 1) -> tuple[Node | None, list[tuple[int, str]]]:
    """Parse one YAML document into its root node (None if empty) and (line, message) problems.

    `first_line` is the file line on which `text` starts, so lines point into the whole file.
    """
    try:
        too_big = _prescan(text, first_line) if _could_be_too_big(text) else None
        if too_big is not None:
            return None, [too_big]
        composed = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and _UNCLOSED.search(f"{exc.context} {exc.problem}"):
            mark = exc.context_mark  # an unclosed quote or bracket: point at where it opened
        line = first_line + (mark.line if mark else 0)
        if "maximum nesting depth" in (exc.problem or ""):  # libyaml's own limit (PyYAML 6.0.4+)
            return None, [(line, f"YAML nested more than {MAX_DEPTH} levels deep")]
        return None, [(line, f"invalid YAML: {_describe(exc, text)}")]
    except yaml.YAMLError as exc:
        return None, [(first_line, f"invalid YAML: {exc}")]
    if composed is None:
        return None, []
    converter = _Converter(first_line)
    try:
        root = converter.convert(composed, 0)
    except YamlProblem as problem:
        return None, [*converter.problems, (problem.line, problem.message)]
    return root, converter.problems


def _could_be_too_big(text: str) -> bool:
    """Whether `text` could hold more than `MAX_NODES` nodes or `PRESCAN_DEPTH` levels.

    Every node takes at least a character, and every collection opens with a bracket, at
    the start of a line, after a `-` or `?` indicator, or (a one-pair mapping inside a flow
    sequence, `[a: b]`) at a `:`; a document short of both limits by that count (a brief's
    front matter always is) needs no pre-scan.
    """
    if len(text) >= MAX_NODES:
        return True
    lines = text.count("\n") + text.count("\r") + 1
    brackets = text.count("[") + text.count("{")
    indicators = text.count("-") + text.count("?") + text.count(":")
    return lines + brackets + indicators > PRESCAN_DEPTH


def _prescan(text: str, first_line: int) -> tuple[int, str] | None:
    """Stream the parse events and stop at absurd nesting or size, before composing.

    libyaml's composer recurses in C: a few hundred thousand nested brackets crash the
    process, and a huge document is built in memory before it could be counted. The event
    stream is flat and lazy, so this stops early, in bounded time and memory.
    """
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _NODE_EVENTS):
            nodes += 1
            line = first_line + event.start_mark.line
            if nodes > MAX_NODES:
                return line, f"YAML expands to more than {MAX_NODES} nodes (alias bomb?)"
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return line, f"YAML nested more than {MAX_DEPTH} levels deep"
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _describe(exc: yaml.MarkedYAMLError, text: str) -> str:
    mark = exc.problem_mark
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        return f"a tab cannot be used for indentation ({exc.problem})"
    parts = [p for p in (exc.context, exc.problem) if p]
    return ", ".join(parts) if parts else str(exc).splitlines()[0]


class _Converter:
    """Walks a composed node graph, counting expanded nodes to stop alias bombs."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.count = 0
        self.problems: list[tuple[int, str]] = []

    def convert(self, node: yaml.Node, depth: int) -> Node:
        self.count += 1
        line = self.first_line + node.start_mark.line
        if self.count > MAX_NODES:
            raise YamlProblem(line, f"YAML expands to more than {MAX_NODES} nodes (alias bomb?)")
        if isinstance(node, yaml.ScalarNode):
            return Node("scalar", line, self.short_tag(node, line), text=node.value)
        if depth >= MAX_DEPTH:  # this collection is inside MAX_DEPTH others (as `_prescan` counts)
            raise YamlProblem(line, f"YAML nested more than {MAX_DEPTH} levels deep")
        self.short_tag(node, line)
        if isinstance(node, yaml.SequenceNode):
            items = tuple(self.convert(child, depth + 1) for child in node.value)
            return Node("seq", line, "seq", items=items)
        return self.convert_mapping(node, line, depth)

    def convert_mapping(self, node: yaml.MappingNode, line: int, depth: int) -> Node:
        entries: dict[str, Node] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = self.first_line + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append((key_line, "a mapping key must be a plain value"))
                self.convert(key_node, depth + 1)  # both checked all the same, then dropped
                self.convert(value_node, depth + 1)
                continue
            self.short_tag(key_node, key_line)
            key = key_node.value
            if key in entries:
                self.problems.append(
                    (key_line, f"duplicate key '{key}' (first on line {key_lines[key]})")
                )
                self.convert(value_node, depth + 1)  # checked all the same, then dropped
                continue
            entries[key] = self.convert(value_node, depth + 1)
            key_lines[key] = key_line
        return Node("map", line, "map", entries=entries, key_lines=key_lines)

    def short_tag(self, node: yaml.Node, line: int) -> str:
        tag = node.tag or ""
        safe = _SAFE_SHORT.get(tag)
        if safe is not None:
            return safe
        short = tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag
        if short == "value":  # a lone `=` is YAML 1.1's "value" key; to an author it is text
            return "str"
        if short == "merge":
            raise YamlProblem(line, "YAML merge keys ('<<') are not supported; write the keys out")
        if short not in _SAFE_TAGS:
            raise YamlProblem(line, f"YAML tag '{tag}' is not allowed (only plain YAML is)")
        return short
