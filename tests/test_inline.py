"""The triggered inline pass renders exactly what Python-Markdown's own does."""

from __future__ import annotations

from collections.abc import Callable

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefsite.inline import TriggeredInlineProcessor, use_triggered_inline
from briefsite.markdown import BriefMarkdown, _extensions

PIECES = [
    *"*_`[]()!<>&\\^:@#;-=~|\"' ",
    "a",
    "Word",
    "é",
    "  \n",
    "\n",
    "\n\n",
    "1. ",
    "- ",
    "> ",
    "http://example.org/x",
    "<https://example.org>",
    "<a@b.org>",
    "&amp;",
    "&#169;",
    "&copy",
    "[1]",
    "[1, 2]",
    "[12,\n3]",
    "[1](/one)",
    "[1][ref]",
    "[1] [ref]",
    "![1]",
    "[1]: /one\n",
    "[a [1]](/x)",
    "[x](/p/[1] '[2]')",
    "[^n]",
    "[^n]: note\n",
    "[ref]: /x\n",
    "![alt](/i.png)",
    "[link](/x)",
    "<span>",
    "</span>",
    "<!-- c -->",
    "**",
    "__",
    "```",
    "{: .c }",
]

SAMPLES = [
    "Plain words only.",
    "*em* and **strong** and ***both*** and _u_ and __uu__",
    "`code [1]` and \\*escaped\\* and \\[1\\]",
    "A [link](http://x.org 'title') and ![img](/i.png) and [ref][r]\n\n[r]: /r",
    "Auto <http://x.org> and <me@x.org> and a <b>tag</b> &amp; &#169;",
    "line  \nbreak, footnote[^1]\n\n[^1]: The note *with* [a link](/x).",
    "> quote with *em*\n>\n> \u2014 Someone [2]",
    "| a | *b* |\n|---|---|\n| `c` | [d](/d) |",
    'Cited [1] and [2, 3], [4][5], ![alt [6]](/i.png) and [see [7]](/x) and <b title="[8]">',
    "Linked [1](/one), [2] [r] and [3]\n\n[r]: /r",
    "Defined [1] and [2].\n\n[1]: /one",
]


def converter_pair(
    speed_up: Callable[[markdown.Markdown], None], *, fragment: bool = False
) -> tuple[markdown.Markdown, markdown.Markdown]:
    """A stock converter and one changed by `speed_up`, otherwise alike; `fragment`: both
    without raw HTML, as briefsite renders front matter."""
    stock = markdown.Markdown(extensions=_extensions(), output_format="html")
    fast = markdown.Markdown(extensions=_extensions(), output_format="html")
    if fragment:
        for md in (stock, fast):
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
    speed_up(fast)
    return stock, fast


def pair(*, fragment: bool = False) -> tuple[markdown.Markdown, markdown.Markdown]:
    """A stock converter and one with the triggered inline pass, otherwise alike."""
    return converter_pair(use_triggered_inline, fragment=fragment)


def same(stock: markdown.Markdown, fast: markdown.Markdown, text: str) -> None:
    expected = stock.reset().convert(text)
    assert fast.reset().convert(text) == expected, text


@pytest.mark.parametrize("text", SAMPLES)
def test_samples_render_as_stock(text: str) -> None:
    stock, fast = pair()
    same(stock, fast, text)
    assert "<" in stock.reset().convert(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.booleans())
def test_generated_markdown_renders_as_stock(pieces: list[str], fragment: bool) -> None:
    stock, fast = pair(fragment=fragment)
    same(stock, fast, "".join(pieces))


def test_briefs_use_the_triggered_pass() -> None:
    renderer = BriefMarkdown()
    for md in (renderer.md, renderer.fragment_md):
        assert isinstance(md.treeprocessors["inline"], TriggeredInlineProcessor)


def test_unknown_patterns_are_always_tried() -> None:
    """A pattern the table does not know (here one needing only letters) still runs."""
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    stock, fast = pair()
    for md in (stock, fast):
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"()zz(.+?)zz", "mark"), "zz", 5)
    same(stock, fast, "a zzmarkedzz word")
    assert "<mark>marked</mark>" in fast.reset().convert("a zzmarkedzz word")


def test_patterns_registered_after_a_conversion_are_tried() -> None:
    """The trigger table is kept between conversions, but not past a change of patterns."""
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    stock, fast = pair()
    same(stock, fast, "a zzmarkedzz word")
    for md in (stock, fast):
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"()zz(.+?)zz", "mark"), "zz", 5)
    same(stock, fast, "a zzmarkedzz word")
    assert "<mark>marked</mark>" in fast.reset().convert("a zzmarkedzz word")
