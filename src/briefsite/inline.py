"""Python-Markdown's inline pass, skipping patterns that cannot match a piece of text.

Python-Markdown tries each of its ~15 inline patterns on every run of text, one Python
call after another, though most of them need a character the text does not contain (no
backquote, no `<`, no `&`...). That is about half of the time Markdown takes on a brief.
`TriggeredInlineProcessor` first checks the characters each known pattern needs; a pattern
whose characters are all absent is skipped, exactly as if it had been tried and found
nothing. Unknown patterns (another extension's) are always tried.

Briefs are full of citation markers (`[1]`, `[1, 2]`), and each sent the three link
patterns scanning for a link that was not there. In a document that defines no references,
a marker can only begin a link if `(` or `[` follows it, so the link patterns are tried only
on text with some other `[` (`LINK_START`).

Output is identical: `tests/test_inline.py` compares it with the stock processor on
generated Markdown.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import markdown
from markdown import inlinepatterns, util
from markdown.treeprocessors import InlineProcessor

TRIGGERS: dict[type, tuple[str, ...]] = {
    inlinepatterns.BacktickInlineProcessor: ("`",),
    inlinepatterns.EscapeInlineProcessor: ("\\",),
    inlinepatterns.ReferenceInlineProcessor: ("[",),
    inlinepatterns.LinkInlineProcessor: ("[",),
    inlinepatterns.ShortReferenceInlineProcessor: ("[",),
    inlinepatterns.ImageInlineProcessor: ("![",),
    inlinepatterns.ImageReferenceInlineProcessor: ("![",),
    inlinepatterns.ShortImageReferenceInlineProcessor: ("![",),
    inlinepatterns.AutolinkInlineProcessor: ("<",),
    inlinepatterns.AutomailInlineProcessor: ("<",),
}
"""For each stock pattern class: strings at least one of which every match contains."""

TRIGGERS_BY_NAME: dict[str, tuple[str, ...]] = {
    "footnote": ("[^",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
}
"""Patterns whose class is shared or generic, known by the name the stock code gives them."""


LINK_PATTERNS = (
    inlinepatterns.ReferenceInlineProcessor,
    inlinepatterns.LinkInlineProcessor,
    inlinepatterns.ShortReferenceInlineProcessor,
)
LINK_START = re.compile(r"\[(?!\d+(?:\s*,\s*\d+)*\](?!\(|\s?\[))")
"""A `[` that may begin a link where no reference is defined: any but a citation marker's
(a marker links only as `[1](url)` or `[1][ref]`, or if `[1]` is a defined reference)."""

Needs = tuple[str, ...] | re.Pattern[str] | None
"""What a pattern needs in a text to match: one of some strings, a match of a regular
expression, or (None) unknown."""


def trigger_table(registry: util.Registry, references: bool) -> list[tuple[object, Needs]]:
    """Each inline pattern in order, with what it needs in a text to match.

    `references`: whether the document defines any (then a citation marker may be a link).
    """
    by_name = {
        id(registry[name]): needs
        for name, needs in TRIGGERS_BY_NAME.items()
        if name in registry and type(registry[name]).__module__.startswith("markdown.")
    }
    table: list[tuple[object, Needs]] = []
    for pattern in registry:
        needs: Needs = TRIGGERS.get(type(pattern), by_name.get(id(pattern)))
        if not references and type(pattern) in LINK_PATTERNS:
            needs = LINK_START
        table.append((pattern, needs))
    return table


class TriggeredInlineProcessor(InlineProcessor):
    """The stock inline tree processor, minus calls to patterns that cannot match."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self._tables: dict[tuple, list[tuple[object, Needs]]] = {}

    def run(self, tree: ET.Element, ancestors: list[str] | None = None) -> ET.Element:
        # one table for each state of the patterns, and references or none
        patterns, references = self.md.inlinePatterns, bool(self.md.references)
        key = (references, *map(id, patterns))
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = trigger_table(patterns, references)
        self._table = table
        return super().run(tree, ancestors)

    # The stock method, name-mangled so that the base class's calls reach this one.
    def _InlineProcessor__handleInline(self, data: str, index: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        table, start = self._table, 0
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        while index < len(table):
            pattern, needs = table[index]
            if isinstance(needs, tuple):
                for need in needs:
                    if need in data:
                        break
                else:  # nothing this pattern needs is in the text: it cannot match
                    index, start = index + 1, 0
                    continue
            elif needs is not None and not needs.search(data):
                index, start = index + 1, 0
                continue
            data, matched, start = apply(pattern, data, index, start)
            if not matched:
                index += 1
        return data


def use_triggered_inline(md: markdown.Markdown) -> None:
    """Replace `md`'s inline tree processor with `TriggeredInlineProcessor`."""
    md.treeprocessors.register(TriggeredInlineProcessor(md), "inline", 20)
