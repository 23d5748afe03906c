"""Page metadata, JSON-LD, feeds, fingerprinted assets and robots.txt (issue 4.4 and 4.5)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import feedparser
import pytest
from conftest import FULL_SITE, build_ok, copy_site
from htmlcheck import Document, parse_file

from briefsite.metadata import json_script

SITE = "https://example.org/desk/"
GRAIN = f"{SITE}briefs/grain-corridor-talks/"


def html_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html"))


def meta(doc: Document) -> dict[str, str]:
    """`<meta property|name=... content=...>` of a page."""
    found = {}
    for element in doc.root.find_all("meta"):
        key = element.attrs.get("property") or element.attrs.get("name")
        if key:
            found.setdefault(key, element.attrs.get("content", ""))
    return found


def json_ld(doc: Document) -> list[dict]:
    """Every JSON-LD object of a page, `@graph`s flattened."""
    items: list[dict] = []
    for script in doc.root.find_all("script"):
        if script.attrs.get("type") == "application/ld+json":
            data = json.loads(script.text())
            assert data["@context"] == "https://schema.org"
            items.extend(data.get("@graph", [data]))
    return items


def of_type(items: list[dict], kind: str) -> list[dict]:
    return [item for item in items if item.get("@type") == kind]


def test_every_page_has_canonical_description_og_twitter(full_output: Path) -> None:
    pages = html_files(full_output)
    assert len(pages) > 30
    for path in pages:
        doc = parse_file(path)
        rel = path.relative_to(full_output).as_posix()
        canonical = [e for e in doc.root.find_all("link") if e.attrs.get("rel") == "canonical"]
        assert len(canonical) == 1, rel
        url = canonical[0].attrs["href"]
        assert url.startswith(SITE), rel
        tags = meta(doc)
        assert tags["description"].strip(), rel
        assert tags["og:url"] == url, rel
        assert tags["og:title"] and tags["og:description"] and tags["og:site_name"], rel
        assert tags["og:type"] in ("website", "article", "profile"), rel
        assert tags["twitter:card"] == "summary", rel
        assert tags["twitter:title"] == tags["og:title"], rel
        if rel not in ("index.html", "404.html"):
            expected = SITE + rel.removesuffix("index.html")
            assert url == expected, rel


def test_brief_json_ld(full_output: Path) -> None:
    doc = parse_file(full_output / "briefs" / "grain-corridor-talks" / "index.html")
    assert meta(doc)["og:type"] == "article"
    assert meta(doc)["article:published_time"] == "2025-03-02T00:00:00+03:00"
    items = json_ld(doc)
    [article] = [i for i in items if i["@type"] in ("NewsArticle", "AnalysisNewsArticle")]
    assert article["@type"] == "AnalysisNewsArticle"  # it has an analyst takeaway
    assert article["headline"] == "Turkey offers to host new Black Sea grain corridor talks"
    assert article["url"] == article["mainEntityOfPage"] == GRAIN
    assert article["datePublished"] == "2025-03-02T00:00:00+03:00"
    assert article["dateModified"] == article["datePublished"]
    assert article["author"]["name"] and article["publisher"]["@type"] == "Organization"
    about = {a["name"]: a for a in article["about"]}
    erdogan = about["Recep Tayyip Erdoğan"]
    assert erdogan["@type"] == "Person"
    assert erdogan["url"] == f"{SITE}actors/recep-tayyip-erdogan/"
    assert erdogan["alternateName"] == ["Erdoğan", "Erdogan"]
    assert about["Turkey"]["@type"] == "Country"
    places = {p["name"]: p for p in article["mentions"]}
    assert places["Istanbul"] == {
        "@type": "Place",
        "name": "Istanbul",
        "url": f"{SITE}places/istanbul/",
    }
    citations = article["citation"]
    assert citations[0]["url"] == "https://example.org/ledger/2025/03/02/shipping-talks"
    assert citations[0]["publisher"]["name"] == "The Harbour Ledger"
    assert all(c["@type"] == "CreativeWork" and c["name"] for c in citations)
    quotes = of_type(items, "Quotation")
    assert quotes, items
    by_text = {q["text"]: q for q in quotes}
    quote = by_text["We are ready to host both delegations in Istanbul."]
    assert quote["creator"]["name"] == "Recep Tayyip Erdoğan"
    assert quote["creator"]["@type"] == "Person"
    assert quote["url"].startswith(GRAIN + "#")
    anchor = quote["url"].split("#")[1]
    assert doc.by_id(anchor) is not None


def test_updated_brief_has_date_modified(full_output: Path) -> None:
    doc = parse_file(full_output / "briefs" / "mission-update" / "index.html")
    [article] = [i for i in json_ld(doc) if i["@type"].endswith("NewsArticle")]
    assert article["dateModified"] == "2025-03-13T21:00:00+03:00"  # shown in site time
    assert article["datePublished"] < "2025-03-13"


@pytest.mark.parametrize(
    ("actor", "kind"),
    [
        ("recep-tayyip-erdogan", "Person"),
        ("turkey", "Country"),
        ("bosporus-monitoring-mission", "Organization"),
        ("coastal-volunteers", "Organization"),
    ],
)
def test_actor_json_ld(full_output: Path, actor: str, kind: str) -> None:
    doc = parse_file(full_output / "actors" / actor / "index.html")
    [entity] = [i for i in json_ld(doc) if i["@type"] != "Quotation"]
    assert entity["@type"] == kind
    assert entity["url"] == f"{SITE}actors/{actor}/"
    source = (FULL_SITE / "content" / "actors").glob("*.md")
    assert entity["name"] and any(entity["name"] in p.read_text() for p in source)


def test_actor_aliases_and_links(full_output: Path) -> None:
    doc = parse_file(full_output / "actors" / "maria-kovalenko" / "index.html")
    items = json_ld(doc)
    [person] = of_type(items, "Person")
    assert person["alternateName"] == ["Kovalenko", "Maria Kovalenko"]
    assert person["sameAs"] == ["http://example.org/profiles/kovalenko"]
    assert meta(doc)["og:type"] == "profile"
    quotes = of_type(items, "Quotation")
    assert quotes and all(q["creator"]["name"] == "Марія Коваленко" for q in quotes)


def test_quotes_page_json_ld(full_output: Path) -> None:
    items = json_ld(parse_file(full_output / "quotes" / "index.html"))
    assert items and all(i["@type"] == "Quotation" and i["text"] for i in items)
    assert any("creator" in i for i in items)


def test_json_script_cannot_close_the_script() -> None:
    text = json_script({"name": "</script><script>alert(1)</script> <!-- & >"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> <!-- & >"


def test_atom_feed_with_feedparser(full_output: Path) -> None:
    feed = feedparser.parse((full_output / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Black Sea Desk (fixture)"
    assert feed.feed.updated
    entries = {e.link: e for e in feed.entries}
    entry = entries[GRAIN]
    assert entry.id == GRAIN
    assert entry.updated and entry.published
    content = entry.content[0]
    assert content.type == "text/html"
    assert "indispensable venue" in content.value  # the full body, to its last section
    assert 'id="cite-1-1"' in content.value
    # xml:base makes the body's root-relative links absolute for feed readers
    assert f'href="{SITE}actors/recep-tayyip-erdogan/"' in content.value
    assert entries[f"{SITE}briefs/mission-update/"].updated == "2025-03-13T21:00:00+03:00"


def test_json_feed_1_1(full_output: Path) -> None:
    """JSON Feed 1.1 by its spec's required and recommended fields.

    feedparser 6 (the released line) reads Atom and RSS but not JSON Feed, so this feed is
    checked field by field against https://jsonfeed.org/version/1.1 instead.
    """
    data = json.loads((full_output / "feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] == "Black Sea Desk (fixture)"
    assert data["home_page_url"] == SITE
    assert data["feed_url"] == f"{SITE}feed.json"
    assert data["language"] == "en"
    atom = feedparser.parse((full_output / "feed.xml").read_bytes())
    assert [item["id"] for item in data["items"]] == [e.id for e in atom.entries]
    for item in data["items"]:
        assert isinstance(item["id"], str) and item["url"] == item["id"]
        assert item["content_html"] and item["title"]
        for key in ("date_published", "date_modified"):
            assert dt.datetime.fromisoformat(item[key]).tzinfo is not None
    item = {item["id"]: item for item in data["items"]}[GRAIN]
    assert "indispensable venue" in item["content_html"]
    assert item["date_modified"] == item["date_published"] == "2025-03-02T00:00:00+03:00"


def test_feed_ids_are_stable_across_rebuilds(tmp_path: Path) -> None:
    """Editing a brief changes its content and `updated`, never its id."""
    site = copy_site(FULL_SITE, tmp_path / "site")
    first = feedparser.parse((build_ok(site, tmp_path / "a") / "feed.xml").read_bytes())
    path = site / "content" / "briefs" / "2025-03-02-grain-corridor-talks.md"
    text = path.read_text(encoding="utf-8").replace(
        "date: 2025-03-02\n", "date: 2025-03-02\nupdated: 2025-04-01\n", 1
    )
    path.write_text(text + "\nA late paragraph.\n", encoding="utf-8")
    second = feedparser.parse((build_ok(site, tmp_path / "b") / "feed.xml").read_bytes())
    assert [e.id for e in first.entries] == [e.id for e in second.entries]
    changed = {e.id: e for e in second.entries}[GRAIN]
    assert changed.updated.startswith("2025-04-01")
    assert second.feed.updated.startswith("2025-04-01")


def test_css_is_fingerprinted_and_referenced(full_output: Path) -> None:
    css = sorted((full_output / "css").glob("*.css"))
    assert [p.name for p in css] == [
        p.name for p in css if re.fullmatch(r"briefsite\.[0-9a-f]{10}\.css", p.name)
    ]
    assert len(css) == 1
    assert not (full_output / "css" / "briefsite.css").exists()
    href = f"/desk/css/{css[0].name}"
    for path in html_files(full_output):
        links = [e.attrs["href"] for e in parse_file(path).root.find_all("link")]
        assert href in links, path
    # the site's own static files keep their names
    assert (full_output / "extra.txt").is_file() and (full_output / "favicon.ico").is_file()


def test_fingerprint_follows_the_content(tmp_path: Path) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    before = {p.name for p in (build_ok(site, tmp_path / "a") / "css").iterdir()}
    (site / "static" / "css").mkdir(parents=True)
    (site / "static" / "css" / "briefsite.css").write_text("body { color: teal }\n")
    out = build_ok(site, tmp_path / "b")
    after = {p.name for p in (out / "css").iterdir()}
    assert len(after) == 1 and after != before
    assert "teal" in (out / "css" / after.pop()).read_text()


def test_robots_txt_points_at_the_sitemap(full_output: Path) -> None:
    robots = (full_output / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots.splitlines()
    assert f"Sitemap: {SITE}sitemap.xml" in robots.splitlines()
    assert (full_output / "sitemap.xml").is_file()


def test_site_robots_txt_wins(tmp_path: Path) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    (site / "static" / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    out = build_ok(site, tmp_path / "out")
    assert (out / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
