"""Check a built site: internal links and fragments, ids, image alt text, feeds and sitemap.

HTML is read with the standard library's `html.parser` (this module only collects what the
checks need from its events). A URL is internal when it has no scheme (root-relative,
relative or a bare `#fragment`) or when it is absolute and starts with the site's own
`base_url`; every internal URL must name a file of the output, and its `#fragment` an `id`
(or `<a name>`) on that page. Every problem names the output page, and the source file the
page was made from when a mapping is given.
"""

from __future__ import annotations

import functools
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from briefsite.parallel import Progress, map_in_order, ticker

URL_ATTRIBUTES = ("href", "src", "poster")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")
_HERE = "http://site.invalid"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the output: where (page and line), what, and its source file."""

    page: str
    line: int
    message: str
    source: str = ""

    def format(self) -> str:
        """`page:line: message (source: content/briefs/x.md)`."""
        where = f"{self.page}:{self.line}" if self.line else self.page
        origin = f" (source: {self.source})" if self.source else ""
        return f"{where}: {self.message}{origin}"


@dataclass
class PageScan:
    """What the checks need from one HTML page."""

    ids: dict[str, list[int]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    refs: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, tag, attr, url
    images_without_alt: list[int] = field(default_factory=list)

    @functools.cached_property
    def anchors(self) -> frozenset[str]:
        """Every fragment this page answers to (asked once the page is scanned)."""
        return frozenset(self.ids) | self.names


class _Scanner(HTMLParser):
    """Collects ids, URLs and `<img>` elements from the standard library parser's events."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.scan.ids.setdefault(values["id"], []).append(line)
        if tag == "a" and values.get("name"):
            self.scan.names.add(values["name"])
        for name in URL_ATTRIBUTES:
            if name in values:
                self.scan.refs.append((line, tag, name, values[name]))
        for candidate in values.get("srcset", "").split(","):
            url = candidate.strip().split(" ")[0]
            if url:
                self.scan.refs.append((line, tag, "srcset", url))
        if tag == "img" and "alt" not in values:
            self.scan.images_without_alt.append(line)

    handle_startendtag = handle_starttag


def scan_html(text: str) -> PageScan:
    """Scan one HTML page."""
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    return scanner.scan


def scan_file(path: Path) -> PageScan:
    """Scan one HTML file (bytes that are not UTF-8 are replaced)."""
    return scan_html(path.read_text(encoding="utf-8", errors="replace"))


class SiteChecker:
    """Checks one output directory built for `base_url`."""

    def __init__(
        self,
        output_dir: Path,
        base_path: str,
        origin: str | None,
        sources: dict[str, str],
        jobs: int = 1,
        progress: Progress | None = None,
    ) -> None:
        self.output = Path(output_dir)
        self.jobs = jobs
        self.progress = progress
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        self.origin = origin.rstrip("/") if origin else None
        self.sources = sources
        self.problems: list[Problem] = []
        self._scans: dict[Path, PageScan] = {}
        self._targets: dict[str, tuple[Path | None, str | None]] = {}
        """`resolve` of each URL path asked (most pages link to the same few hundred)."""
        self._located: dict[tuple[str, str], tuple[str, str]] = {}

    # ---- helpers ---------------------------------------------------------------------------
    def report(self, page: str, line: int, message: str) -> None:
        self.problems.append(Problem(page, line, message, self.sources.get(page, "")))

    def scan(self, path: Path) -> PageScan:
        if path not in self._scans:
            self._scans[path] = scan_file(path)
        return self._scans[path]

    def page_url(self, rel: str) -> str:
        """The URL path an output file is served at (`briefs/x/index.html` -> `/p/briefs/x/`)."""
        if rel == "index.html":
            rel = ""
        elif rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return self.base_path + rel

    def internal(self, url: str) -> str | None:
        """The URL made root-relative if it is internal, else None."""
        url = url.strip()
        if self.origin and url.startswith(self.origin + self.base_path):
            url = url[len(self.origin) :]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url:
            return None
        return url

    def locate(self, url: str, base: str) -> tuple[str, str]:
        """The URL path and the (unquoted) fragment an internal `url` on page `base` names."""
        key = ("", url) if url.startswith("/") else (base, url)  # "/x" is the same everywhere
        found = self._located.get(key)
        if found is None:
            absolute = urlsplit(urljoin(_HERE + base, url))
            found = self._located[key] = (absolute.path, unquote(absolute.fragment))
        return found

    def resolve(self, path: str) -> tuple[Path | None, str | None]:
        """The file an internal URL path is served from, or None and the reason it is not."""
        found = self._targets.get(path)
        if found is None:
            found = self._targets[path] = self._resolve(path)
        return found

    def _resolve(self, path: str) -> tuple[Path | None, str | None]:
        if not path.startswith(self.base_path):
            return None, f"outside the base path {self.base_path}"
        parts = [p for p in unquote(path[len(self.base_path) :]).split("/") if p]
        if any(p in (".", "..") for p in parts):
            return None, "escapes the output directory"
        target = self.output.joinpath(*parts)
        if path.endswith("/") or not parts:
            target = target / "index.html"
        elif target.is_dir():
            return None, "names a directory without a trailing slash"
        if not target.is_file():
            return None, "target does not exist"
        return target, None

    def check_url(self, page: str, line: int, label: str, url: str, base: str) -> None:
        """Report an internal `url` (relative to `base`) that leads nowhere."""
        inner = self.internal(url)
        if inner is None:
            return
        path, fragment = self.locate(inner, base)
        target, reason = self.resolve(path)
        if target is None:
            self.report(page, line, f"{label}: {reason}")
            return
        if fragment and target.suffix == ".html" and fragment not in self.scan(target).anchors:
            rel = target.relative_to(self.output).as_posix()
            self.report(page, line, f"{label}: no id {fragment!r} on {rel}")

    # ---- the checks --------------------------------------------------------------------------
    def check_html(self) -> None:
        """Links, fragments, duplicate ids and image alt text on every HTML page.

        Pages are read over `jobs` processes (reading HTML is most of the check's time),
        then checked over them: each worker starts with every page's scan.
        """
        pages = sorted(self.output.rglob("*.html"))
        weights = [1 + path.stat().st_size // 4096 for path in pages]
        tick = ticker(self.progress, "reading pages", len(pages))
        scans = map_in_order(scan_file, pages, self.jobs, tick, weights)
        self._scans.update(zip(pages, scans, strict=True))
        tick = ticker(self.progress, "checking links", len(pages))
        for problems in map_in_order(self._page_problems, pages, self.jobs, tick, weights):
            self.problems.extend(problems)

    def _page_problems(self, path: Path) -> list[Problem]:
        """The problems of one page: duplicate ids, images without alt text, broken links."""
        start = len(self.problems)
        rel = path.relative_to(self.output).as_posix()
        scan = self.scan(path)
        for ident, lines in sorted(scan.ids.items()):
            if len(lines) > 1:
                joined = ", ".join(map(str, lines))
                self.report(rel, lines[0], f"duplicate id {ident!r} (lines {joined})")
        for line in scan.images_without_alt:
            self.report(rel, line, "<img> without alt text")
        base = self.page_url(rel)
        for line, tag, attr, url in scan.refs:
            self.check_url(rel, line, f"<{tag} {attr}={url!r}>", url, base)
        found = self.problems[start:]
        del self.problems[start:]
        return found

    def _xml(self, rel: str) -> ET.Element | None:
        path = self.output / rel
        if not path.is_file():
            self.report(rel, 0, "missing")
            return None
        try:
            return ET.fromstring(path.read_bytes())
        except ET.ParseError as exc:
            self.report(rel, exc.position[0], f"not well-formed XML: {exc}")
            return None

    def check_atom(self, rel: str = "feed.xml") -> None:
        """The Atom feed parses, has its required elements, and its links resolve."""
        root = self._xml(rel)
        if root is None:
            return
        if root.tag != f"{ATOM}feed":
            self.report(rel, 0, f"root element is {root.tag}, not an Atom <feed>")
            return
        for name in ("id", "title", "updated"):
            if root.find(f"{ATOM}{name}") is None:
                self.report(rel, 0, f"the feed has no <{name}>")
        for number, entry in enumerate(root.findall(f"{ATOM}entry"), 1):
            for name in ("id", "title", "updated", "content"):
                if entry.find(f"{ATOM}{name}") is None:
                    self.report(rel, 0, f"entry {number} has no <{name}>")
            for link in entry.findall(f"{ATOM}link"):
                url = link.get("href", "")
                self.check_url(rel, 0, f"entry {number} link {url!r}", url, self.base_path)

    def check_json_feed(self, rel: str = "feed.json") -> None:
        """The JSON Feed parses, is version 1.x, and its item URLs resolve."""
        path = self.output / rel
        if not path.is_file():
            self.report(rel, 0, "missing")
            return
        try:
            feed = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            self.report(rel, getattr(exc, "lineno", 0), f"not valid JSON: {exc}")
            return
        if not isinstance(feed, dict) or feed.get("version") not in JSON_FEED_VERSIONS:
            self.report(rel, 0, "not a JSON Feed (no version https://jsonfeed.org/version/1.1)")
            return
        if not isinstance(feed.get("items"), list) or not feed.get("title"):
            self.report(rel, 0, "a JSON Feed needs a title and a list of items")
            return
        for number, item in enumerate(feed["items"], 1):
            if not isinstance(item, dict) or not item.get("id"):
                self.report(rel, 0, f"item {number} has no id")
                continue
            if not (item.get("content_html") or item.get("content_text")):
                self.report(rel, 0, f"item {number} has no content")
            url = item.get("url", "")
            self.check_url(rel, 0, f"item {number} url {url!r}", url, self.base_path)

    def check_sitemap(self, rel: str = "sitemap.xml") -> None:
        """The sitemap parses and lists only absolute URLs of pages that exist."""
        root = self._xml(rel)
        if root is None:
            return
        if root.tag != f"{SITEMAP}urlset":
            self.report(rel, 0, f"root element is {root.tag}, not a sitemap <urlset>")
            return
        for loc in root.iter(f"{SITEMAP}loc"):
            url = (loc.text or "").strip()
            if not urlsplit(url).scheme:
                self.report(rel, 0, f"<loc> {url!r} is not an absolute URL")
            self.check_url(rel, 0, f"<loc> {url!r}", url, self.base_path)

    def check_robots(self, rel: str = "robots.txt") -> None:
        """Each `Sitemap:` line of robots.txt names a file that exists."""
        path = self.output / rel
        if not path.is_file():
            return
        for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            key, _, value = text.partition(":")
            if key.strip().lower() == "sitemap":
                url = value.strip()
                if not urlsplit(url).scheme:
                    self.report(rel, line, f"Sitemap {url!r} is not an absolute URL")
                self.check_url(rel, line, f"Sitemap {url!r}", url, self.base_path)


def blame_content(problems: list[Problem]) -> list[Problem]:
    """Point problems on pages that gather passages (takeaways, quotes, the home page) at the
    content file the passage came from, when exactly one content page has the same problem."""
    owners: dict[str, set[str]] = {}
    for problem in problems:
        if problem.source.startswith("content/"):
            owners.setdefault(problem.message, set()).add(problem.source)
    blamed = []
    for problem in problems:
        found = owners.get(problem.message, set())
        if not problem.source.startswith("content/") and len(found) == 1:
            via = f", shown through {problem.source}" if problem.source else ""
            problem = Problem(problem.page, problem.line, problem.message, f"{found.pop()}{via}")
        blamed.append(problem)
    return blamed


def check_html_links(output_dir: Path, base_path: str, origin: str | None = None) -> list[Problem]:
    """Links, fragments, ids and alt text of every HTML page in `output_dir`."""
    checker = SiteChecker(output_dir, base_path, origin, {})
    checker.check_html()
    return checker.problems


def check_site(
    output_dir: Path,
    base_url: str,
    sources: dict[str, str],
    jobs: int = 1,
    progress: Progress | None = None,
) -> list[Problem]:
    """Every check of a built site; `sources` maps output paths to their source files.

    Pages are read over `jobs` processes; `progress` hears how many are done.
    """
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    checker = SiteChecker(output_dir, parts.path or "/", origin, sources, jobs, progress)
    checker.check_html()
    checker.check_atom()
    checker.check_json_feed()
    checker.check_sitemap()
    checker.check_robots()
    return blame_content(checker.problems)
