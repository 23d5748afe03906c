"""Parse built HTML with the standard library and check a built site's internal links.

`parse_html` turns a page into a small element tree on top of `html.parser.HTMLParser`
(the tokenizing is the standard library's; this module only keeps track of open elements)
and collects what the tests need: every element with an `id`, every `href`/`src`, and every
`<a>` with its attributes and text. `check_links` runs briefsite's own link checker
(`briefsite.linkcheck`) over an output directory and returns its problems as strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from briefsite.linkcheck import check_html_links

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
URL_ATTRIBUTES = ("href", "src")


@dataclass(eq=False)
class Element:
    """One element of a parsed page, with its attributes, children and source line."""

    tag: str
    attrs: dict[str, str]
    line: int
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        """The element's `class` attribute, split."""
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        """All text inside the element, as written (entities decoded)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def plain(self) -> str:
        """The element's text with runs of whitespace collapsed to one space."""
        return " ".join(self.text().split())

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        """Descendants (not self) with the given tag and/or class, in document order."""
        return [
            e
            for e in self.iter()
            if e is not self and (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
        ]

    def find(self, tag: str | None = None, cls: str | None = None) -> Element | None:
        """The first element `find_all` would return, or None."""
        found = self.find_all(tag, cls)
        return found[0] if found else None

    def ancestors(self) -> Iterator[Element]:
        """The enclosing elements, innermost first."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def inside(self, *tags: str) -> bool:
        """Whether any enclosing element has one of these tags."""
        return any(a.tag in tags for a in self.ancestors())


@dataclass(frozen=True)
class UrlRef:
    """One `href` or `src` attribute value and the element carrying it."""

    attr: str
    url: str
    element: Element


@dataclass
class Document:
    """A parsed page: its element tree plus the indexes the checks use."""

    root: Element
    ids: dict[str, list[Element]]
    urls: list[UrlRef]
    anchors: list[Element]

    def by_id(self, ident: str) -> Element | None:
        """The first element with this id, or None."""
        found = self.ids.get(ident)
        return found[0] if found else None

    @property
    def main(self) -> Element:
        """The page's `<main>` element (the whole page if it has none)."""
        return self.root.find("main") or self.root

    def duplicate_ids(self) -> list[str]:
        """Ids used by more than one element."""
        return sorted(i for i, elements in self.ids.items() if len(elements) > 1)


class _TreeBuilder(HTMLParser):
    """Builds `Element`s from the standard library parser's start/end/data events."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, 0)
        self.stack: list[Element] = [self.root]
        self.ids: dict[str, list[Element]] = {}
        self.urls: list[UrlRef] = []
        self.anchors: list[Element] = []

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> Element:
        values = {name: value or "" for name, value in attrs}
        element = Element(tag, values, self.getpos()[0], parent=self.stack[-1])
        self.stack[-1].children.append(element)
        if "id" in values:
            self.ids.setdefault(values["id"], []).append(element)
        for name in URL_ATTRIBUTES:
            if name in values:
                self.urls.append(UrlRef(name, values[name], element))
        if tag == "a":
            self.anchors.append(element)
        return element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._open(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Document:
    """Parse an HTML page into a `Document`."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return Document(builder.root, builder.ids, builder.urls, builder.anchors)


def parse_file(path: Path) -> Document:
    """Parse an HTML file (UTF-8) into a `Document`."""
    return parse_html(path.read_text(encoding="utf-8"))


def check_links(output_dir: Path, base_path: str, origin: str | None = None) -> list[str]:
    """Follow every internal href/src of every HTML file in `output_dir`; return the problems.

    The checker is `briefsite.linkcheck` (the one `briefsite check` runs). `base_path` is the
    path of the site's `base_url` (`/desk/`). A URL is internal when it has no scheme
    (root-relative, relative or a bare `#fragment`), or when it is absolute and starts with
    `origin` + `base_path`, if `origin` is given; other absolute URLs are external, even on
    the same host. Reported: internal targets outside `base_path` or missing from the output,
    `#fragment`s that are no id on the target HTML page, ids used twice on one page and
    images without alt text.
    """
    return [problem.format() for problem in check_html_links(Path(output_dir), base_path, origin)]
