"""Python-Markdown's block parser, skipping processors that cannot take a block.

For each block of a document (a paragraph, mostly), Python-Markdown asks its ~13 block
processors in turn whether they take it, and several of them search the whole block with a
regular expression for something it does not contain: a `#` header line, a `>` quote
line, a `---` rule, a `[id]: url` reference... `use_triggered_blocks` first checks the
characters each known processor needs; a processor whose characters are all absent is
skipped, exactly as if it had been asked and had declined. Unknown processors (another
extension's, or a subclass) are always asked.

Output is identical: `tests/test_blocks.py` compares it with the stock parser on
generated Markdown.
"""

from __future__ import annotations

import types
import xml.etree.ElementTree as ET

import markdown
from markdown import blockprocessors
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.tables import TableProcessor

TRIGGERS: dict[type, tuple[str, ...]] = {
    blockprocessors.BlockQuoteProcessor: (">",),
    blockprocessors.HashHeaderProcessor: ("#",),
    blockprocessors.SetextHeaderProcessor: ("\n=", "\n-"),
    blockprocessors.HRProcessor: ("-", "_", "*"),
    blockprocessors.ReferenceProcessor: ("]:",),  # its `run` declines a block without one
    FootnoteBlockProcessor: ("[^",),  # likewise
    TableProcessor: ("|",),
}
"""For each stock processor class: strings at least one of which every block it takes (or,
for those that decide in `run`, every block it changes) contains."""


def use_triggered_blocks(md: markdown.Markdown) -> None:
    """Make `md`'s block parser skip processors that cannot take a block.

    The processors are looked up once, here: call it after every extension has registered
    its own.
    """
    table = [(processor, TRIGGERS.get(type(processor))) for processor in md.parser.blockprocessors]

    def parse_blocks(self: object, parent: ET.Element, blocks: list[str]) -> None:
        # the stock `BlockParser.parseBlocks`, with the check before each `test`
        while blocks:
            for processor, needs in table:
                block = blocks[0]
                if needs is not None:
                    for need in needs:
                        if need in block:
                            break
                    else:  # nothing this processor needs is in the block: it declines
                        continue
                if processor.test(parent, block) and processor.run(parent, blocks) is not False:
                    break

    md.parser.parseBlocks = types.MethodType(parse_blocks, md.parser)  # type: ignore[method-assign]
