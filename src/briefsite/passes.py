"""Python-Markdown's whole-document passes, skipped for a document they cannot change.

Besides its block and inline passes (see `blocks` and `inline`), Python-Markdown runs
every document through preprocessors and tree processors that look for one construct each
and leave a document without it as it was: raw HTML (the document is fed to an HTML
parser), fenced code, `{: attribute lists }`, backslash escapes, footnotes. Together they
took a tenth of the time Markdown took on a brief that has none of them.
`use_triggered_passes` first checks the document for the strings each known pass needs;
a pass whose strings are all absent is skipped, as if it had run and changed nothing.
Unknown passes (another extension's, or a subclass) always run. The pass that puts
stashed HTML back, which every document with a citation needs, is replaced by a cheaper
one with the same result (`RawHtmlRestorer`).

Output is identical: `tests/test_passes.py` compares it with the stock passes on generated
Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import markdown
from markdown.postprocessors import RawHtmlPostprocessor
from markdown.util import HTML_PLACEHOLDER, STX

FENCES = ("```", "~~~")
"""What opens a fenced code block (Python-Markdown's fenced code needs one)."""

TRIGGERS: dict[str, tuple[str, ...]] = {
    # an HTML parser reads the document: it changes text only at a `<` or an `&` (it
    # writes `&#38` back as `&#38;`)
    "markdown.preprocessors.HtmlBlockPreprocessor": ("<", "&"),
    "markdown.extensions.fenced_code.FencedBlockPreprocessor": FENCES,
    "markdown.extensions.attr_list.AttrListTreeprocessor": ("{",),
    # turns back into characters the placeholders that backslash escapes leave
    "markdown.treeprocessors.UnescapeTreeprocessor": ("\\",),
    # footnotes exist only where a `[^label]:` defines them
    "markdown.extensions.footnotes.FootnoteTreeprocessor": ("[^",),
    "markdown.extensions.footnotes.FootnotePostTreeprocessor": ("[^",),
    "markdown.extensions.footnotes.FootnotePostprocessor": ("[^",),
}
"""For each stock pass, by its class's qualified name (knowing a pass imports nothing: fenced
code's module imports Pygments): strings at least one of which a document it changes contains."""


def use_triggered_passes(md: markdown.Markdown) -> None:
    """Make `md` skip, document by document, the known passes that cannot change it (and
    restore stashed HTML through `RawHtmlRestorer`).

    Call it after every extension has registered its passes; called again (after more
    extensions are registered), it changes only the passes they added.
    """
    restore_raw_html_faster(md)
    document: list[str | None] | None = getattr(md, "_briefsite_document", None)
    if document is None:  # the source of the conversion under way, noted by `md.convert`
        document = md._briefsite_document = [None]  # type: ignore[attr-defined]
        _note_source(md, document)
    for registry in (md.preprocessors, md.treeprocessors, md.postprocessors):
        for processor in registry:
            needs = TRIGGERS.get(qualified_name(type(processor)))
            if needs is not None and "run" not in vars(processor):  # not changed yet
                # a tree processor returning None leaves the tree as it is
                unchanged = None if registry is md.treeprocessors else _same
                processor.run = _triggered(processor.run, needs, document, unchanged)


class RawHtmlRestorer(RawHtmlPostprocessor):
    """Python-Markdown's restoring of stashed HTML, with the same result, made cheaper.

    The stock pass compiles its pattern for every document and searches every restored
    piece for placeholders nested in it; briefs stash a piece for every citation and actor
    link, and almost none holds a placeholder.
    """

    def run(self, text: str) -> str:
        return _STASHED.sub(self._restore, text) if self.md.htmlStash.html_counter else text

    def _restore(self, match: re.Match[str]) -> str:
        # a method, not a closure calling itself: that would be a reference cycle holding
        # the document's stash, and builds collect no cycles while they run
        stash = self.md.htmlStash
        key = match.group(1)
        wrapped = bool(key)
        index = int(key if wrapped else match.group(2))
        if index >= stash.html_counter:
            return match.group(0)
        html = self.stash_to_string(stash.rawHtmlBlocks[index])
        if wrapped and not self.isblocklevel(html):
            html = f"<p>{html}</p>"
        return _STASHED.sub(self._restore, html) if STX in html else html


_PLACEHOLDER = HTML_PLACEHOLDER % r"([0-9]+)"
_STASHED = re.compile(f"<p>{_PLACEHOLDER}</p>|{_PLACEHOLDER}")


def restore_raw_html_faster(md: markdown.Markdown) -> None:
    """Put `RawHtmlRestorer` in the place of `md`'s stock pass (if it has that one)."""
    if "raw_html" not in md.postprocessors:
        return
    if type(md.postprocessors["raw_html"]) is RawHtmlPostprocessor:
        md.postprocessors.register(RawHtmlRestorer(md), "raw_html", 30)  # the stock priority


def qualified_name(kind: type) -> str:
    """`module.Class`, as `TRIGGERS` knows passes."""
    return f"{kind.__module__}.{kind.__qualname__}"


def _note_source(md: markdown.Markdown, document: list[str | None]) -> None:
    """Keep the source of the conversion under way in `document` while `md` converts it."""
    convert = md.convert

    def convert_noting_source(source: str) -> str:
        document[0] = source
        try:
            return convert(source)
        finally:
            document[0] = None

    md.convert = convert_noting_source  # type: ignore[method-assign]


def _same(data: Any) -> Any:
    return data


def _triggered(
    run: Callable[[Any], Any],
    needs: tuple[str, ...],
    document: list[str | None],
    unchanged: Callable[[Any], Any] | None,
) -> Callable[[Any], Any]:
    """`run`, called only if the document holds one of `needs` (or is not known)."""

    def triggered_run(data: Any) -> Any:
        source = document[0]
        if source is None:  # not converted through `md.convert`
            return run(data)
        for need in needs:
            if need in source:
                return run(data)
        return unchanged(data) if unchanged is not None else None

    return triggered_run
