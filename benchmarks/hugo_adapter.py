#!/usr/bin/env python3
"""Convert a briefsite corpus into an equivalent Hugo site, for a baseline build time.

The Hugo site carries the same briefs (bodies byte-for-byte, citation markers
and all) with actors, topics, places and publishers as taxonomies, so Hugo
renders every brief, every term page of the four taxonomies (with the actor's
bio or the publisher's name as its ``_index.md``), the archive and taxonomy
lists, a home page with the latest briefs and RSS feeds.

Usage::

    python benchmarks/hugo_adapter.py --corpus /tmp/corpus --out /tmp/corpus-hugo
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import slugify

try:
    _LOADER: type = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    _LOADER = yaml.SafeLoader

DATE_PREFIX_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-")
TAXONOMIES = ("actors", "topics", "places", "publishers")
OWNED = ("hugo.toml", "content", "layouts")

RELATED_BLOCK = """{{ with site.RegularPages.Related . | first 5 }}<h2>Related briefs</h2>
<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}"""

LAYOUTS: dict[str, str] = {
    "baseof.html": """<!doctype html>
<html lang="{{ site.Language.Lang }}">
<head>
<meta charset="utf-8">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" \
href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav>{{ range slice "briefs" "actors" "topics" "places" "publishers" }}\
<a href="{{ printf "%s/" . | relURL }}">{{ . | title }}</a> {{ end }}</nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "page.html": """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">\
{{ .Date.Format "2 January 2006" }}</time>
{{ range slice "actors" "topics" "places" "publishers" }}{{ with $.GetTerms . }}
<p class="terms">{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>\
{{ end }}{{ end }}
<div class="body">{{ .Content }}</div>
<nav>{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
RELATED_BLOCK
</article>
{{ end }}
""",
    "section.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><time>{{ .Date.Format "2006-01-02" }}</time> \
<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">\
{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
""",
    "term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><time>{{ .Date.Format "2006-01-02" }}</time> \
<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
""",
    "home.html": """{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ range first 20 (where site.RegularPages "Section" "briefs") }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2006-01-02" }}</time><p>{{ .Summary }}</p></article>
{{ end }}
<h2>Most active actors</h2>
<ul>{{ range first 10 site.Taxonomies.actors.ByCount }}<li><a href="{{ .Page.RelPermalink }}">\
{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
}


@dataclass
class Registry:
    """Actor and publisher lookups, plus the titles and bios of every term page."""

    actor_keys: dict[str, str] = field(default_factory=dict)
    publishers: set[str] = field(default_factory=set)
    terms: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def actor_id(self, ref: str) -> str:
        """Resolve an actor id, name or alias to its id (free names are slugified)."""
        ident = self.actor_keys.get(ref.casefold())
        if ident is None:
            ident = slugify(ref)
            self.terms.setdefault(("actors", ident), (ref, ""))
        return ident

    def publisher_id(self, ref: str) -> str:
        """Resolve a publisher registry id or free name to its id."""
        if ref in self.publishers:
            return ref
        ident = slugify(ref)
        self.terms.setdefault(("publishers", ident), (ref, ""))
        return ident

    def term(self, taxonomy: str, name: str) -> str:
        """Return the slug of a topic or place, remembering its display name."""
        ident = slugify(name)
        self.terms.setdefault((taxonomy, ident), (name, ""))
        return ident


def split_front_matter(text: str) -> tuple[Any, str]:
    """Return ``(parsed front matter, body)`` of a Markdown file."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---\n", 3)
    return yaml.load(text[4 : end + 1], Loader=_LOADER), text[end + 5 :]


def load_registry(content: Path) -> Registry:
    """Read the actor and publisher registries of a corpus."""
    reg = Registry()
    for path in sorted((content / "actors").glob("*.md")):
        meta, bio = split_front_matter(path.read_text(encoding="utf-8"))
        ident = str(meta.get("slug") or path.stem)
        for key in [ident, str(meta["name"]), *map(str, meta.get("aliases") or [])]:
            reg.actor_keys.setdefault(key.casefold(), ident)
        reg.terms[("actors", ident)] = (str(meta["name"]), bio)
    for path in sorted((content / "sources").glob("*.yml")):
        meta = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        reg.publishers.add(path.stem)
        reg.terms[("publishers", path.stem)] = (str(meta.get("name") or path.stem), "")
    return reg


def _iso(value: Any) -> str:
    """Return a YAML date or date-time value as an ISO 8601 string."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _actor_refs(meta: dict[str, Any]) -> list[str]:
    """Return every actor reference of a brief: actors, quotes' ``by``, events' actors."""
    refs = [a["name"] if isinstance(a, dict) else a for a in meta.get("actors") or []]
    refs += [q["by"] for q in meta.get("quotes") or [] if q.get("by")]
    for event in meta.get("events") or []:
        refs += list(event.get("actors") or [])
    return [str(r) for r in refs]


def _unique(items: list[str]) -> list[str]:
    """Return ``items`` without repeats, in first-seen order."""
    return list(dict.fromkeys(items))


def convert_brief(meta: dict[str, Any], stem: str, reg: Registry) -> tuple[str, dict[str, Any]]:
    """Return ``(slug, Hugo front matter)`` for one brief."""
    slug = str(meta.get("slug") or DATE_PREFIX_RE.sub("", stem))
    publishers = [
        reg.publisher_id(str(s["publisher"]))
        for s in meta.get("sources") or []
        if isinstance(s, dict) and s.get("publisher")
    ]
    front: dict[str, Any] = {
        "title": str(meta["title"]),
        "date": _iso(meta["date"]),
        "actors": _unique([reg.actor_id(r) for r in _actor_refs(meta)]),
        "topics": _unique([reg.term("topics", str(t)) for t in meta.get("topics") or []]),
        "places": _unique([reg.term("places", str(p)) for p in meta.get("places") or []]),
        "publishers": _unique(publishers),
    }
    if meta.get("summary"):
        front["summary"] = str(meta["summary"])
    if meta.get("updated"):
        front["lastmod"] = _iso(meta["updated"])
    if meta.get("draft"):
        front["draft"] = True
    return slug, front


def hugo_config(site: dict[str, Any]) -> str:
    """Return ``hugo.toml`` for the corpus's ``site.yml`` settings."""
    taxonomies = "\n".join(f"{t[:-1]} = {json.dumps(t)}" for t in TAXONOMIES)
    return f"""baseURL = {json.dumps(str(site["base_url"]))}
title = {json.dumps(str(site.get("title", "Briefings")), ensure_ascii=False)}
defaultContentLanguage = {json.dumps(str(site.get("language", "en")))}
timeZone = {json.dumps(str(site.get("timezone", "UTC")))}
enableRobotsTXT = false

[taxonomies]
{taxonomies}

[services.rss]
limit = 50

[markup.goldmark.renderer]
unsafe = true

[related]
includeNewer = true
threshold = 80
toLower = false
[[related.indices]]
name = "actors"
weight = 100
[[related.indices]]
name = "topics"
weight = 80
"""


def write_page(path: Path, front: dict[str, Any], body: str) -> None:
    """Write a Hugo page with JSON front matter."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(front, ensure_ascii=False, indent=1))
        fh.write("\n\n")
        fh.write(body)


def prepare_out(out: Path) -> None:
    """Remove what a previous run of the adapter wrote into ``out``."""
    for name in OWNED:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    out.mkdir(parents=True, exist_ok=True)


def adapt(corpus: Path, out: Path, related: bool = False) -> int:
    """Write the Hugo version of ``corpus`` into ``out``; return the number of briefs.

    With ``related``, brief pages list five related briefs (Hugo's ``.Related``
    over shared actors and topics); it is off by default because it grows
    quadratically here (see the README).
    """
    content = corpus / "content"
    site = yaml.load((content / "site.yml").read_text(encoding="utf-8"), Loader=_LOADER)
    reg = load_registry(content)
    prepare_out(out)
    (out / "hugo.toml").write_text(hugo_config(site), encoding="utf-8")
    for name, text in LAYOUTS.items():
        (out / "layouts").mkdir(parents=True, exist_ok=True)
        text = text.replace("RELATED_BLOCK\n", RELATED_BLOCK + "\n" if related else "")
        (out / "layouts" / name).write_text(text, encoding="utf-8")
    write_page(out / "content/briefs/_index.md", {"title": "Briefs"}, "")
    count = 0
    for path in sorted((content / "briefs").rglob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        slug, front = convert_brief(meta, path.stem, reg)
        write_page(out / "content/briefs" / f"{slug}.md", front, body)
        count += 1
    for (taxonomy, ident), (title, bio) in sorted(reg.terms.items()):
        write_page(out / "content" / taxonomy / ident / "_index.md", {"title": title}, bio)
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="briefsite site root")
    parser.add_argument("--out", type=Path, required=True, help="Hugo site directory to write")
    parser.add_argument(
        "--related", action="store_true", help="list related briefs (slow in Hugo: quadratic)"
    )
    args = parser.parse_args(argv)
    count = adapt(args.corpus, args.out, args.related)
    print(f"wrote a Hugo site with {count} briefs to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
