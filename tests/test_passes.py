"""Skipping whole-document passes changes nothing Python-Markdown renders."""

from __future__ import annotations

import importlib
import subprocess
import sys

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.postprocessors import RawHtmlPostprocessor
from markdown.treeprocessors import Treeprocessor

from briefsite.markdown import BriefMarkdown, CitationSink, _extensions
from briefsite.passes import TRIGGERS, RawHtmlRestorer, qualified_name, use_triggered_passes
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
    for name in TRIGGERS:
        module, _, class_name = name.rpartition(".")
        kind = getattr(importlib.import_module(module), class_name)

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
    renderer.render_fragment("```\nfenced code joins at the first fence\n```", CitationSink("", {}))
    for md in (renderer.md, renderer.fragment_md):
        wrapped = [
            "run" in vars(processor)
            for registry in (md.preprocessors, md.treeprocessors, md.postprocessors)
            for processor in registry
            if qualified_name(type(processor)) in TRIGGERS
        ]
        # all seven, less the HTML block parser that front matter's converter has not
        assert len(wrapped) >= 6 and all(wrapped)


def test_briefs_take_fenced_code_at_the_first_fence() -> None:
    """Fenced code joins both converters at the first fence, in its stock place, its pass
    triggered, and renders as a converter that had it from the start."""
    renderer = BriefMarkdown()
    assert "fenced_code_block" not in renderer.md.preprocessors
    text = "Intro [1]\n\n```python\nx = [1] < 2\n```\n\nAfter."
    stock, _ = converter_pair(use_triggered_passes)
    sink = CitationSink("/b/", {1: "One"})
    body = renderer.render_body(text, sink, [], lambda name: None)
    assert '<pre><code class="language-python">x = [1] &lt; 2\n</code></pre>' in body.html
    stock_order = [qualified_name(type(p)) for p in stock.preprocessors]
    for md in (renderer.md, renderer.fragment_md):
        order = [qualified_name(type(p)) for p in md.preprocessors]  # as they run
        assert "markdown.extensions.fenced_code.FencedBlockPreprocessor" in order
        assert order == [name for name in stock_order if name in order]
        assert "run" in vars(md.preprocessors["fenced_code_block"])
    assert renderer.render_fragment("~~~\ncode\n~~~", sink).html == stock.reset().convert(
        "~~~\ncode\n~~~"
    )


def test_fenced_code_is_not_imported_for_briefs_without_fences() -> None:
    """Its module imports Pygments: some 15 ms of every build's start-up."""
    script = (
        "import sys\n"
        "import briefsite.cli, briefsite.pipeline\n"
        "from briefsite.markdown import BriefMarkdown, CitationSink\n"
        "BriefMarkdown().render_body('Words *em* [1].', CitationSink('/b/', {1: 'x'}), [],"
        " lambda n: None)\n"
        "print(sorted(m for m in sys.modules if 'fenced' in m or m.startswith('pygments')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_stashed_html_is_restored_as_stock_even_when_nested() -> None:
    """Pieces holding placeholders, pieces alone in a paragraph (block-level or not) and
    placeholders of pieces never stashed come back as Python-Markdown's own pass has them."""
    restored = []
    for kind in (RawHtmlPostprocessor, RawHtmlRestorer):
        md = markdown.Markdown()
        inner = md.htmlStash.store("<b>inner</b>")
        outer = md.htmlStash.store(f"<span>{inner} &amp; more</span>")
        block = md.htmlStash.store("<div>block</div>")
        comment = md.htmlStash.store("<!-- note -->")
        text = (
            f"<p>{outer}</p>\n<p>{block}</p>\n<p>{comment}</p>\n"
            f"<p>a {outer} b {inner}</p>\n<p>\x02wzxhzdk:99\x03</p>"
        )
        restored.append(kind(md).run(text))
    assert restored[0] == restored[1]
    assert "<p><span><b>inner</b> &amp; more</span></p>" in restored[1]
    assert "\n<div>block</div>\n" in restored[1]
