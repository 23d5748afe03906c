"""Skipping whole-document passes changes nothing Python-Markdown renders."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.treeprocessors import Treeprocessor

from briefsite.markdown import BriefMarkdown, _extensions
from briefsite.passes import TRIGGERS, use_triggered_passes
from tests.test_blocks import BLOCK_PIECES, BLOCK_SAMPLES
from tests.test_inline import converter_pair, same

PASS_PIECES = [
    *BLOCK_PIECES,
    "```\ncode <b> {x}\n```\n",
    "~~~ {: .py }\nx = 1\n~~~\n",
    "```python\n",
    "{: #id .c }",
    "{#h}",
    "\n{: .para }\n",
    "\\`",
    "\\<",
    "\\{",
    "&#38",
    "&#x26 ",
    "&amp",
    "R&D",
    "<div>\n*raw*\n</div>\n",
    '<div markdown="1">\n*md*\n</div>\n',
    "<?php x ?>",
    "<![CDATA[ x ]]>",
    "[^1]",
    "[^1]: one\n",
    "[^1]: one\n[^1]: again\n",
    "\x02",
    "\x03",
    "\x0242\x03",
]

PASS_SAMPLES = [
    *BLOCK_SAMPLES,
    "Intro\n\n```\n<b>not html</b> {: .x }\n```\n\n~~~\ntilde\n~~~",
    "# Heading {: #top .big }\n\nPara\n{: .note }\n\n- item {: .li }",
    "## Title {#top}\n\nPara\n{.note}",
    "Escapes \\*x\\* \\[1\\] \\{ \\\\ and `\\`",
    "Entities &#38 &#x26 &amp &copy; R&D <span>raw</span>\n\n<div>\nblock\n</div>",
    "A note[^n] and another[^m].\n\n[^n]: First.\n[^m]: Second *em*.",
    "Control \x02 and \x03 and \x0242\x03 characters",
]


def pair(*, fragment: bool = False) -> tuple[markdown.Markdown, markdown.Markdown]:
    """A stock converter and one with triggered passes, otherwise alike."""
    return converter_pair(use_triggered_passes, fragment=fragment)


@pytest.mark.parametrize("text", PASS_SAMPLES)
def test_samples_render_as_stock(text: str) -> None:
    same(*pair(), text)
    same(*pair(fragment=True), text)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PASS_PIECES), max_size=40), st.booleans())
def test_generated_markdown_renders_as_stock(pieces: list[str], fragment: bool) -> None:
    same(*pair(fragment=fragment), "".join(pieces))


def test_every_known_pass_is_skipped_without_its_strings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A document holding none of the trigger strings runs none of the known passes."""
    ran: list[str] = []
    for kind in TRIGGERS:

        def recording(self, data, run=kind.run, name=kind.__name__):  # type: ignore[no-untyped-def]
            ran.append(name)
            return run(self, data)

        monkeypatch.setattr(kind, "run", recording)
    _, fast = pair()
    fast.convert("Plain *words* and a [1] marker.\n\n- a list")
    assert ran == []
    fast.reset().convert("Words {: .x } and a \\* star")
    assert sorted(ran) == ["AttrListTreeprocessor", "UnescapeTreeprocessor"]


def test_passes_run_when_called_outside_convert() -> None:
    """Called other than through `convert` (the document unknown), a pass always runs."""
    _, fast = pair()
    html_block = fast.preprocessors["html_block"]
    assert html_block.run(["<div>", "x", "</div>"]) != ["<div>", "x", "</div>"]


def test_unknown_passes_always_run() -> None:
    """A pass the table does not know (here one marking every paragraph) still runs."""

    class Marked(Treeprocessor):
        def run(self, root):  # type: ignore[no-untyped-def]
            for paragraph in root.iter("p"):
                paragraph.set("class", "marked")

    stock = markdown.Markdown(extensions=_extensions(), output_format="html")
    fast = markdown.Markdown(extensions=_extensions(), output_format="html")
    for md in (stock, fast):
        md.treeprocessors.register(Marked(md), "marked", 1)
    use_triggered_passes(fast)
    same(stock, fast, "plain words")
    assert 'class="marked"' in fast.reset().convert("plain words")


def test_briefs_use_the_triggered_passes() -> None:
    renderer = BriefMarkdown()
    for md in (renderer.md, renderer.fragment_md):
        wrapped = [
            "run" in vars(processor)
            for registry in (md.preprocessors, md.treeprocessors, md.postprocessors)
            for processor in registry
            if type(processor) in TRIGGERS
        ]
        # all seven, less the HTML block parser that front matter's converter has not
        assert len(wrapped) >= 6 and all(wrapped)
