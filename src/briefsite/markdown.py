"""Markdown to HTML for briefs: citations, first-mention actor links, pull quotes, analysis.

One `BriefMarkdown` (one Python-Markdown instance) is reused for every brief a process
renders. Rendering returns data (`RenderedBody`, `Fragment`) so citations are validated
and indexed later, from data.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

import markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import Treeprocessor

from briefsite.blocks import use_triggered_blocks
from briefsite.inline import use_triggered_inline
from briefsite.passes import FENCES, use_triggered_passes

CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_ATTRIBUTION = re.compile(
    r"^\s*(?:\u2014|\u2013|--)\s*(?P<name>[^\[\n]*?)\s*(?P<cite>\[\d+(?:\s*,\s*\d+)*\])?\s*$"
)
TAKEAWAY_HEADINGS = frozenset({"takeaway", "takeaways", "analysis", "analyst takeaway"})
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_SKIP_TAGS = frozenset({"a", "code", "pre", "script", "style", *_HEADINGS})
_BLOCK_TAGS = frozenset({"p", "li", "td", "th", "dd", "dt", "figcaption", *_HEADINGS})
_SPACED_CITATION = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_PLACEHOLDER = re.compile("\x02[^\x03]*\x03")
_NEEDS_MARKDOWN = re.compile(r"[\\`*_\[\]<>!#|~]|\n\s*\n|^\s*(?:[-+]|\d+\.)\s|https?://")


def _extensions(fenced_code: bool = True) -> list[Extension]:
    """Python-Markdown's own extensions that briefs use. Given by class, not by name: a name
    is looked up among the entry points of every installed package (40 ms at each start)."""
    extensions = [FootnoteExtension(), TableExtension(), AttrListExtension(), SaneListExtension()]
    return [_fenced_code(), *extensions] if fenced_code else extensions


def _fenced_code() -> Extension:
    # imported when first needed: importing it imports Pygments (15 ms), which Python-Markdown
    # uses only for syntax highlighting (CodeHilite), which briefsite does not turn on
    from markdown.extensions.fenced_code import FencedCodeExtension

    return FencedCodeExtension()


def citation_numbers(marker: str) -> list[int]:
    """The source numbers in a marker's inner text: "1, 2" -> [1, 2]."""
    return [int(part) for part in marker.split(",")]


@dataclass(frozen=True)
class ActorLink:
    """Names and aliases that, at their first mention in a body, link to `url`."""

    names: tuple[str, ...]
    url: str


@dataclass
class CitationSink:
    """Numbers the citation links of one brief page in document order."""

    page_url: str
    source_titles: dict[int, str]
    made: list[tuple[int, int]] = field(default_factory=list)
    invalid: list[tuple[str, list[int]]] = field(default_factory=list)
    with_ids: bool = True
    _counts: dict[int, int] = field(default_factory=dict)

    def render(self, inner: str) -> str:
        """HTML for one marker `[inner]`; numbers with no source stay plain and are recorded."""
        numbers = citation_numbers(inner)
        missing = [n for n in numbers if n not in self.source_titles]
        if missing:
            self.invalid.append((inner, missing))
        links = [str(n) if n in missing else self._link(n) for n in numbers]
        return f'<sup class="cite">[{", ".join(links)}]</sup>'

    def _link(self, number: int) -> str:
        """One citation link; `data-source` repeats the title for the theme's CSS tooltip."""
        title = html.escape(self.source_titles[number])
        href = f"{self.page_url}#source-{number}"
        tip = f'title="{title}" data-source="{title}"'
        if not self.with_ids:
            return f'<a href="{href}" {tip}>{number}</a>'
        k = self._counts.get(number, 0) + 1
        self._counts[number] = k
        self.made.append((number, k))
        return (
            f'<a href="{href}" id="cite-{number}-{k}" role="doc-noteref" '
            f'aria-describedby="source-{number}" {tip}>{number}</a>'
        )


_CITE_IDS = re.compile(r' id="cite-\d+-\d+" role="doc-noteref" aria-describedby="source-\d+"')


def without_cite_ids(html: str) -> str:
    """A fragment of a brief page as other pages show it: its citation links (made by
    `CitationSink`) keep their href but not their ids, which are the brief page's."""
    return _CITE_IDS.sub("", html)


@dataclass
class BodyQuote:
    html: str
    text: str
    by: str | None
    sources: tuple[int, ...]
    anchor: str


@dataclass
class Fragment:
    """A rendered piece of Markdown with its plain text."""

    html: str
    text: str


@dataclass
class RenderedBody:
    """What rendering a brief's body yields besides its HTML."""

    html: str
    first_paragraph: str
    quotes: list[BodyQuote]
    takeaways: list[Fragment]
    passages: list[tuple[int, int, str]]
    words: int


@dataclass
class _Job:
    """Per-conversion state read by the tree processor."""

    sink: CitationSink
    actor_urls: dict[str, str] = field(default_factory=dict)
    speaker_url: Callable[[str], str | None] = lambda name: None
    body: bool = False
    quote_offset: int = 0
    linked: set[str] = field(default_factory=set)
    quotes: list[tuple[ET.Element, BodyQuote]] = field(default_factory=list)
    takeaways: list[ET.Element] = field(default_factory=list)
    cite_blocks: list[tuple[int, int, ET.Element]] = field(default_factory=list)
    quoted: dict[int, ET.Element] = field(default_factory=dict)
    """A pull quote's attribution (by id) -> the quote: the passage its citations cite."""
    first_paragraph: ET.Element | None = None
    plain: dict[str, str] = field(default_factory=dict)

    def store(self, md: markdown.Markdown, html_text: str, plain: str) -> str:
        """Stash HTML for the output; remember its plain text for passages and summaries."""
        placeholder = md.htmlStash.store(html_text)
        self.plain[placeholder] = plain
        return placeholder

    def text_of(self, element: ET.Element) -> str:
        """The element's text on one line, stashed pieces as their plain text."""
        raw = "".join(element.itertext())
        return " ".join(_PLACEHOLDER.sub(lambda m: self.plain.get(m.group(0), ""), raw).split())


class _BriefTreeprocessor(Treeprocessor):
    """Restructures pull quotes and the analysis section, then links citations and actors."""

    def __init__(self, md: markdown.Markdown, owner: BriefMarkdown) -> None:
        super().__init__(md)
        self.owner = owner

    def run(self, root: ET.Element) -> None:
        job = self.owner.job
        if job is None:
            return
        if job.body:
            job.first_paragraph = next((el for el in root if el.tag == "p"), None)
            self._pull_quotes(root, job)
            self._analysis(root, job)
        self._walk(root, job, None)

    def _pull_quotes(self, root: ET.Element, job: _Job) -> None:
        for index, element in enumerate(list(root)):
            if element.tag != "blockquote" or not len(element) or element[-1].tag != "p":
                continue
            parsed = _split_attribution(element[-1])
            if parsed is None:
                continue
            name, cite = parsed
            if not len(element[-1]) and not (element[-1].text or "").strip():
                element.remove(element[-1])
            anchor = f"quote-{job.quote_offset + len(job.quotes) + 1}"
            figure = ET.Element("figure", {"class": "pull-quote", "id": anchor})
            figure.append(element)
            caption = ET.SubElement(figure, "figcaption")
            caption.text = "\u2014 "
            url = job.speaker_url(name) if name else None
            label = html.escape(name, quote=False)
            speaker = f'<a class="actor" href="{html.escape(url)}">{label}</a>' if url else label
            cite_el = ET.SubElement(caption, "cite")
            cite_el.text = job.store(self.md, speaker, name)
            cite_el.tail = f" {cite}" if cite else ""
            job.quoted[id(caption)] = element
            root.remove(element)
            root.insert(index, figure)
            sources = tuple(citation_numbers(cite[1:-1])) if cite else ()
            job.quotes.append((element, BodyQuote("", "", name or None, sources, anchor)))

    def _analysis(self, root: ET.Element, job: _Job) -> None:
        children = list(root)
        for start, heading in enumerate(children):
            level = _HEADINGS.get(heading.tag)
            if not level or _text(heading).strip().lower() not in TAKEAWAY_HEADINGS:
                continue
            end = start + 1
            while end < len(children) and not (
                children[end].tag in _HEADINGS and _HEADINGS[children[end].tag] <= level
            ):
                end += 1
            section = ET.Element("section", {"class": "analysis", "id": "analysis"})
            for element in children[start:end]:
                root.remove(element)
                section.append(element)
            root.insert(start, section)
            for element in children[start + 1 : end]:
                if element.tag in ("ul", "ol"):
                    job.takeaways.extend(item for item in element if item.tag == "li")
                elif element.tag == "p":
                    job.takeaways.append(element)
            return

    def _walk(self, element: ET.Element, job: _Job, block: ET.Element | None) -> None:
        if element.tag in _BLOCK_TAGS:
            block = element
        if element.text and element.tag not in _SKIP_TAGS:
            element.text = self._link_text(element.text, job, block)
        for child in element:
            if child.tag not in _SKIP_TAGS:
                self._walk(child, job, block)
            if child.tail:
                child.tail = self._link_text(child.tail, job, block)

    def _link_text(self, text: str, job: _Job, block: ET.Element | None) -> str:
        spans = _actor_spans(text, job) if job.actor_urls else []
        if "[" in text:
            spans += [(m.start(), m.end(), m.group(1), True) for m in CITATION.finditer(text)]
        if not spans:
            return text
        spans.sort()
        pieces: list[str] = []
        position = 0
        for start, end, value, is_citation in spans:
            if start < position:
                continue
            pieces.append(text[position:start])
            position = end
            if is_citation:
                before = len(job.sink.made)
                pieces.append(job.store(self.md, job.sink.render(value), f"[{value}]"))
                if block is not None:
                    job.cite_blocks.extend((n, k, block) for n, k in job.sink.made[before:])
                continue
            url = job.actor_urls[value]
            if url in job.linked:
                pieces.append(value)
                continue
            job.linked.add(url)
            label = html.escape(value, quote=False)
            link = f'<a class="actor" href="{html.escape(url)}">{label}</a>'
            pieces.append(job.store(self.md, link, value))
        pieces.append(text[position:])
        return "".join(pieces)


class _BriefExtension(Extension):
    def __init__(self, owner: BriefMarkdown) -> None:
        super().__init__()
        self.owner = owner

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_BriefTreeprocessor(md, self.owner), "briefsite", 15)


def attribution_name(line: str) -> str | None:
    """The name a line of a body blockquote attributes it to (`> — Name [n]`), if any."""
    found = _ATTRIBUTION.match(line.lstrip(">\t "))
    return found.group("name") if found else None


def _split_attribution(paragraph: ET.Element) -> tuple[str, str | None] | None:
    """Cut a trailing `— Name [n]` line off a paragraph; return (name, marker) if there was one."""
    last = paragraph[-1] if len(paragraph) else None
    text = (last.tail if last is not None else paragraph.text) or ""
    head, _, line = text.rstrip().rpartition("\n")
    match = _ATTRIBUTION.match(line)
    if not match:
        return None
    if last is not None:
        last.tail = head
    else:
        paragraph.text = head
    return match.group("name"), match.group("cite")


def _text(element: ET.Element) -> str:
    return _PLACEHOLDER.sub("", "".join(element.itertext()))


class BriefMarkdown:
    """Renders the Markdown of briefs; one per process, reused brief after brief."""

    def __init__(self) -> None:
        self.job: _Job | None = None
        self.md = markdown.Markdown(
            extensions=[*_extensions(fenced_code=False), _BriefExtension(self)],
            output_format="html",
        )
        # front matter (quotes, takeaways) is Markdown but never raw HTML: markup typed into
        # a YAML field is shown as text; only a brief's body may carry the author's HTML
        self.fragment_md = markdown.Markdown(
            extensions=[*_extensions(fenced_code=False), _BriefExtension(self)],
            output_format="html",
        )
        self.fragment_md.preprocessors.deregister("html_block")
        self.fragment_md.inlinePatterns.deregister("html")
        for md in (self.md, self.fragment_md):
            use_triggered_inline(md)
            use_triggered_blocks(md)
            use_triggered_passes(md)
        self.fenced_code = False

    def _use_fenced_code(self) -> None:
        """Add fenced code to both converters (at the first document with a fence: most
        processes never need it)."""
        for md in (self.md, self.fragment_md):
            md.registerExtensions([_fenced_code()], {})
            use_triggered_passes(md)
        self.fenced_code = True

    def render_body(
        self,
        text: str,
        sink: CitationSink,
        actor_links: list[ActorLink],
        speaker_url: Callable[[str], str | None],
    ) -> RenderedBody:
        """Render a brief's body: citations, first mentions, pull quotes and the analysis."""
        urls = {name: link.url for link in actor_links for name in link.names}
        job = _Job(sink, urls, speaker_url, body=True)
        body_html = self._convert(text, job)
        finish = self._finisher()
        quotes = []
        for element, quote in job.quotes:
            quote.html = finish(element, inner=True)
            quote.text = job.text_of(element)
            quotes.append(quote)
        takeaways = [Fragment(finish(el, inner=True), job.text_of(el)) for el in job.takeaways]
        blocks = {id(block): job.quoted.get(id(block), block) for _, _, block in job.cite_blocks}
        texts = {key: job.text_of(block) for key, block in blocks.items()}  # each read once
        passages = [(n, k, texts[id(block)]) for n, k, block in job.cite_blocks]
        first = job.text_of(job.first_paragraph) if job.first_paragraph is not None else ""
        first = _SPACED_CITATION.sub("", first)
        words = len(_PLACEHOLDER.sub(" ", re.sub(r"<[^>]+>", " ", body_html)).split())
        self.md.reset()
        return RenderedBody(body_html, first, quotes, takeaways, passages, words)

    def render_fragment(self, text: str, sink: CitationSink) -> Fragment:
        """Render a short piece (a quote, a takeaway) with its citations, without a wrapping <p>."""
        if not _NEEDS_MARKDOWN.search(CITATION.sub("", text)):
            escaped = html.escape(text.strip(), quote=False)
            linked = CITATION.sub(lambda m: sink.render(m.group(1)), escaped)
            return Fragment(linked, " ".join(text.split()))
        job = _Job(sink)
        converted = self._convert(text, job, self.fragment_md)
        plain = " ".join(_PLACEHOLDER.sub("", re.sub(r"<[^>]+>", "", converted)).split())
        self.fragment_md.reset()
        if (
            converted.startswith("<p>")
            and converted.endswith("</p>")
            and "<p>" not in converted[3:]
        ):
            converted = converted[3:-4]
        return Fragment(converted, html.unescape(plain))

    def _convert(self, text: str, job: _Job, md: markdown.Markdown | None = None) -> str:
        if not self.fenced_code and any(fence in text for fence in FENCES):
            self._use_fenced_code()
        self.job = job
        try:
            return (md or self.md).convert(text)
        finally:
            self.job = None

    def _finisher(self) -> Callable[..., str]:
        """Serialise an element of the converted tree, restoring stashed HTML."""
        postprocessors = list(self.md.postprocessors)

        def finish(element: ET.Element, inner: bool = False) -> str:
            parts = [element.text or ""] if inner else []
            children = list(element) if inner else [element]
            parts += [markdown.serializers.to_html_string(child) for child in children]
            result = "".join(parts).strip()
            for processor in postprocessors:
                result = processor.run(result)
            return result

        return finish


def _actor_spans(text: str, job: _Job) -> list[tuple[int, int, str, bool]]:
    """The first whole-word mention in `text` of each actor not linked yet (leftmost, longest)."""
    best: dict[str, tuple[int, int, str]] = {}
    for name, url in job.actor_urls.items():
        if url in job.linked:
            continue
        start = _find_word(text, name)
        if start < 0:
            continue
        found = best.get(url)
        if found is None or (start, -len(name)) < (found[0], found[0] - found[1]):
            best[url] = (start, start + len(name), name)
    return [(start, end, name, False) for start, end, name in best.values()]


def _find_word(text: str, word: str) -> int:
    """Where `word` first stands in `text` as a whole word, or -1."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not _is_word_char(before) and not _is_word_char(after):
            return start
        start = text.find(word, start + 1)
    return -1


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in "_\x02\x03"


def marker_lines(text: str, first_line: int) -> list[tuple[str, int]]:
    """Citation markers in Markdown source with their file lines (code and links excluded)."""
    found: list[tuple[str, int]] = []
    fence: str | None = None
    for offset, line in enumerate(text.split("\n")):
        stripped = line.lstrip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(FENCES):
            fence = stripped[:3]
            continue
        if line.startswith(("    ", "\t")) and not stripped.startswith(("-", "*", ">")):
            continue
        visible = re.sub(r"`[^`]*`", "", line.replace("\\[", "  "))
        for match in CITATION.finditer(visible):
            after = visible[match.end() : match.end() + 1]
            if after in ("(", "[", ":") or (match.start() and visible[match.start() - 1] == "]"):
                continue
            found.append((match.group(1), first_line + offset))
    return found
