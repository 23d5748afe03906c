"""Script and markup in every front-matter and registry field reach the HTML escaped.

Raw HTML in a brief's Markdown body is kept (authors are trusted; docs/authoring.md says so),
but nothing typed into a YAML field can open a tag or break out of an attribute.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import formatted, run_build

from briefsite.yamlsafe import parse_yaml

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"onmouseover="alert(2)'
SINGLE = "'onfocus='alert(3)"
IMAGE = "<img src=x onerror=alert(4)>"
PAYLOAD = f"{SCRIPT} {ATTRIBUTE} {SINGLE} {IMAGE}"
# what must never appear in HTML or XML output: an opened tag (attribute break-outs are found
# by parsing: a quote in text is harmless, an `on...` attribute is not)
FORBIDDEN = ("<script>alert", "<img src=x")


def q(text: str) -> str:
    """`text` as a double-quoted YAML scalar."""
    return json.dumps(text)


def payload(field: str) -> str:
    return q(f"{field} {PAYLOAD}")


def write_site(root: Path) -> Path:
    content = root / "content"
    for folder in ("briefs", "actors", "sources"):
        (content / folder).mkdir(parents=True)
    (content / "site.yml").write_text(
        f"title: {payload('site-title')}\nbase_url: http://127.0.0.1:8000/\n"
        f"description: {payload('site-description')}\nauthor: {payload('author')}\n"
        f"copyright: {payload('copyright')}\n"
    )
    (content / "actors" / "volodymyr-zelensky.md").write_text(
        f"---\nname: {payload('Actor Name')}\nkind: person\nrole: {payload('actor-role')}\n"
        f"country: {payload('actor-country')}\naliases: [Zelensky, {payload('alias')}]\n"
        "links: [" + q(f"https://example.org/z{ATTRIBUTE}") + "]\n---\nA bio.\n"
    )
    (content / "sources" / "example-wire.yml").write_text(
        f"name: {payload('publisher-name')}\nurl: "
        + q(f"https://example.org/{ATTRIBUTE}")
        + "\nkind: news\n"
    )
    (content / "briefs" / "2025-05-11-payload.md").write_text(
        f"""---
title: {payload("brief-title")}
date: 2025-05-11
summary: {payload("summary")}
actors:
  - Zelensky
  - {payload("free-actor")}
  - {{name: {payload("mapped-actor")}, role: {payload("ref-role")}}}
places: [{payload("place")}]
topics: [{payload("topic")}]
sources:
  - {{title: {payload("source-title")}, publisher: example-wire,
     url: {q("https://example.org/a" + ATTRIBUTE)}}}
  - {{title: {payload("source-title-2")}, publisher: {payload("free-publisher")}}}
events:
  - {{date: 2025-05-15, title: {payload("event-title")}, actors: [{payload("event-actor")}],
     place: {payload("event-place")}, sources: [1]}}
quotes:
  - {{text: {payload("quote-text")}, by: {payload("quote-by")}, source: 2}}
takeaways:
  - {q(f"takeaway {PAYLOAD} [1]")}
---
Zelensky proposed talks in Istanbul [1, 2].

<div class="author-raw-html">kept as written</div>
"""
    )
    return root


@pytest.fixture(scope="module")
def payload_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = write_site(tmp_path_factory.mktemp("payload") / "site")
    out = site.parent / "out"
    result = run_build(site, out)
    assert result.ok, formatted(result)
    return out


class _Injected(HTMLParser):
    """Collects what a payload could have injected: handlers, script with alert, stray img."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False
        self.in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        self.in_json_ld = self.in_script and ("type", "application/ld+json") in attrs
        self.found += [f"<{tag} {name}=...>" for name, _ in attrs if name.startswith("on")]
        if tag == "img" and ("src", "x") in attrs:
            self.found.append("<img src=x>")

    def handle_data(self, data: str) -> None:
        if self.in_json_ld:  # data, not code: it only must not be able to close its element
            if "<" in data:
                self.found.append(f"<script type=application/ld+json>{data}")
        elif self.in_script and "alert(" in data:
            self.found.append(f"<script>{data}")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = self.in_json_ld = False


def test_every_field_reaches_the_html_escaped(payload_output: Path) -> None:
    files = [p for p in payload_output.rglob("*") if p.suffix in (".html", ".xml")]
    assert len(files) > 10
    leaks = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        parser = _Injected()
        parser.feed(text)
        leaks += [f"{path.relative_to(payload_output)}: {bad}" for bad in parser.found]
        leaks += [f"{path.relative_to(payload_output)}: {bad}" for bad in FORBIDDEN if bad in text]
    assert leaks == []


@pytest.mark.parametrize(
    "field",
    [
        "site-title", "site-description", "brief-title", "summary", "free-actor",
        "mapped-actor", "ref-role", "place", "topic", "source-title", "source-title-2",
        "free-publisher", "event-title", "event-actor", "event-place", "quote-text", "quote-by",
        "takeaway", "Actor Name", "actor-role", "actor-country", "publisher-name",
    ],
)  # fmt: skip
def test_each_field_is_shown_as_text(payload_output: Path, field: str) -> None:
    escaped = f"{field} &lt;script&gt;alert(1)&lt;/script&gt;"
    pages = [p.read_text(encoding="utf-8") for p in payload_output.rglob("*.html")]
    assert any(escaped in page for page in pages), f"{field} not shown escaped anywhere"


def test_raw_html_in_the_body_is_kept(payload_output: Path) -> None:
    page = (payload_output / "briefs" / "payload" / "index.html").read_text(encoding="utf-8")
    assert '<div class="author-raw-html">kept as written</div>' in page


def test_feeds_carry_the_text_not_markup(payload_output: Path) -> None:
    feed = json.loads((payload_output / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["title"] == f"brief-title {PAYLOAD}"
    atom = (payload_output / "feed.xml").read_text(encoding="utf-8")
    assert "brief-title &lt;script&gt;" in atom


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x", "//x.org/"],
)
def test_unsafe_urls_are_refused_in_sources_links_and_publishers(tmp_path: Path, url: str) -> None:
    site = write_site(tmp_path / "site")
    (site / "content" / "sources" / "bad.yml").write_text(f"name: Bad\nurl: {q(url)}\n")
    (site / "content" / "actors" / "bad.md").write_text(f"---\nname: Bad\nlinks: [{q(url)}]\n---\n")
    (site / "content" / "briefs" / "2025-05-12-bad.md").write_text(
        f"---\ntitle: Bad\ndate: 2025-05-12\nsources:\n  - {{url: {q(url)}}}\n---\nBody [1].\n"
    )
    result = run_build(site, tmp_path / "out")
    shown = url.strip()
    assert formatted(result) == [
        f"content/actors/bad.md:3: error: 'links' must be an http(s) URL, not '{shown}'",
        f"content/briefs/2025-05-12-bad.md:5: error: 'url' must be an http(s) URL, not '{shown}'",
        f"content/sources/bad.yml:2: error: 'url' must be an http(s) URL, not '{shown}'",
    ]
    assert not result.ok and not (tmp_path / "out").exists()


def test_yaml_payloads_stay_text() -> None:
    node, problems = parse_yaml(f"title: {payload('x')}\n")
    assert problems == [] and node is not None
    assert node.entries["title"].text == f"x {PAYLOAD}"
