"""The triggered block parser builds exactly what Python-Markdown's own does."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.blockprocessors import BlockProcessor

from briefsite.blocks import use_triggered_blocks
from briefsite.markdown import BriefMarkdown, _extensions
from tests.test_inline import PIECES, SAMPLES, converter_pair, same

BLOCK_PIECES = [
    *PIECES,
    "# ",
    "## H ##",
    "\n---\n",
    "\n- - -\n",
    "***",
    "___",
    "\n===\n",
    "\n--\n",
    "    code\n",
    "\t",
    "| a | b |\n",
    "|---|:-:|\n",
    "a | b\n",
    "[r]: /x 'T'\n",
    "  [r]:\n  /x\n",
    "[^1]: note\n    more\n",
    "> > ",
    "\n> ",
    "2. ",
    "* ",
    "+ ",
    "\n\n    ",
]

BLOCK_SAMPLES = [
    *SAMPLES,
    "# Title #\n\nText.\n\n## Analysis\n\n- one [1]\n- two\n\nSetext\n======\n\nMore\n---",
    "Text\n# Header inside a block\nmore",
    "> quoted\n> > nested\n>\n> \u2014 A [1]\n\n***\n\n1. a\n2. b\n\n    code block",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\nx | y\n--|--\n1 | 2",
    "Text[^a] and [b].\n\n[^a]: A note\n    continued\n[b]: /b 'B'\ntail",
]


def pair() -> tuple[markdown.Markdown, markdown.Markdown]:
    """A stock converter and one with the triggered block parser, otherwise alike."""
    return converter_pair(use_triggered_blocks)


@pytest.mark.parametrize("text", BLOCK_SAMPLES)
def test_samples_parse_as_stock(text: str) -> None:
    same(*pair(), text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(BLOCK_PIECES), max_size=40))
def test_generated_markdown_parses_as_stock(pieces: list[str]) -> None:
    same(*pair(), "".join(pieces))


def test_briefs_use_the_triggered_parser() -> None:
    renderer = BriefMarkdown()
    for md in (renderer.md, renderer.fragment_md):
        assert "parseBlocks" in vars(md.parser)


def test_unknown_processors_are_always_asked() -> None:
    """A processor the table does not know (here one taking blocks that say `zz`) runs."""

    class Marked(BlockProcessor):
        def test(self, parent: ET.Element, block: str) -> bool:
            return block.startswith("zz")

        def run(self, parent: ET.Element, blocks: list[str]) -> None:
            ET.SubElement(parent, "mark").text = blocks.pop(0)[2:]

    stock = markdown.Markdown(extensions=_extensions(), output_format="html")
    fast = markdown.Markdown(extensions=_extensions(), output_format="html")
    for md in (stock, fast):
        md.parser.blockprocessors.register(Marked(md.parser), "zz", 200)
    use_triggered_blocks(fast)
    same(stock, fast, "zzmarked\n\nword")
    assert "<mark>marked</mark>" in fast.reset().convert("zzmarked\n\nword")
