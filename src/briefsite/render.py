"""Render every page of the site through Jinja2; returns data (`Page`s), writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from briefsite import __version__
from briefsite.config import SiteConfig
from briefsite.graph import Graph
from briefsite.urls import Urls
from briefsite.views import Views

HOME_LIMIT = 10
FEED_LIMIT = 50
SECTIONS = ("briefs", "actors", "sources", "timeline", "quotes", "takeaways", "topics", "places")


@dataclass(frozen=True)
class Page:
    """One output file: its path inside the output directory and its bytes."""

    path: str
    data: bytes


def theme_dir() -> Path:
    """The built-in theme: package data in an installed wheel, the checkout otherwise."""
    packaged = Path(str(resources.files("briefsite") / "theme"))
    if (packaged / "templates").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


def make_environment(site_root: Path) -> jinja2.Environment:
    """Jinja2 with the site's own templates layered over the theme's, autoescape on."""
    theme = theme_dir() / "templates"
    search = [site_root / "templates", theme] if (site_root / "templates").is_dir() else [theme]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path) for path in search]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = format_date
    env.filters["isodate"] = lambda value: value.isoformat() if value else ""
    return env


def format_date(value: dt.datetime | None, style: str = "long") -> str:
    """`11 May 2025`; `short` gives `11 May`; a date-time keeps its time only if it has one."""
    if value is None:
        return ""
    text = f"{value.day} {value:%B %Y}" if style == "long" else f"{value.day} {value:%b}"
    if style == "long" and (value.hour or value.minute):
        text += f", {value:%H:%M}"
    return text


class SiteRenderer:
    """Knows every page of the site and renders any of them on demand."""

    def __init__(
        self,
        config: SiteConfig,
        graph: Graph,
        urls: Urls,
        env: jinja2.Environment,
        assets: dict[str, str],
    ) -> None:
        self.config = config
        self.graph = graph
        self.urls = urls
        self.env = env
        self.views = Views(graph, urls)
        self.assets = assets
        self.globals = {
            "site": config,
            "urls": urls,
            "nav": [(name, urls.section(name)) for name in SECTIONS],
            "asset": self.asset,
            "generator": f"briefsite {__version__}",
        }

    def asset(self, name: str) -> str:
        """The URL of a static file (its fingerprinted name if it has one)."""
        return self.urls.file(self.assets.get(name, name))

    def pages(self) -> Iterator[tuple[str, Callable[[], bytes]]]:
        """Every page as (output path, render function), in a stable order."""
        g, u, v = self.graph, self.urls, self.views
        yield self._html(
            u.home(),
            "home.html",
            "",
            lambda: {
                "briefs": [v.card(b) for b in g.briefs[:HOME_LIMIT]],
                "takeaways": [v.takeaway(t, b) for t, b in g.takeaways[:HOME_LIMIT]],
                "actors": v.most_active(),
            },
        )
        yield self._html(
            u.section("briefs"),
            "briefs.html",
            "All briefs",
            lambda: {"groups": v.archive(), "count": len(g.briefs)},
        )
        for brief in g.briefs:
            yield self._html(
                u.brief(brief.slug),
                "brief.html",
                brief.title,
                lambda b=brief: v.brief_page(b),
                brief.summary,
            )
        yield self._html(
            u.section("actors"), "actors.html", "Actors", lambda: {"actors": v.actors_index()}
        )
        for node in g.actors.values():
            yield self._html(
                u.actor(node.actor.id),
                "actor.html",
                node.actor.name,
                lambda n=node: v.actor_page(n),
                node.actor.role or "",
            )
        yield self._html(
            u.section("sources"),
            "sources.html",
            "Sources",
            lambda: {
                "publishers": v.publishers_index(),
                "unattributed": [v.source_use(use) for use in g.unattributed],
            },
        )
        for node in g.publishers.values():
            yield self._html(
                u.publisher(node.publisher.id),
                "publisher.html",
                node.publisher.name,
                lambda n=node: v.publisher_page(n),
            )
        yield self._html(
            u.section("timeline"),
            "timeline.html",
            "Timeline",
            lambda: {"groups": v.timeline(), "count": len(g.events)},
        )
        yield self._html(
            u.section("quotes"),
            "quotes.html",
            "Quotes",
            lambda: {"quotes": [v.quote(q, b) for q, b in g.quotes]},
        )
        yield self._html(
            u.section("takeaways"),
            "takeaways.html",
            "Analyst takeaways",
            lambda: {"takeaways": [v.takeaway(t, b) for t, b in g.takeaways]},
        )
        for kind, terms, url in (("topics", g.topics, u.topic), ("places", g.places, u.place)):
            yield self._html(
                u.section(kind),
                "terms.html",
                kind.title(),
                lambda t=terms, f=url, k=kind: {"terms": v.terms_index(t, f), "kind": k},
            )
            for node in terms.values():
                yield self._html(
                    url(node.slug),
                    "term.html",
                    node.name,
                    lambda n=node, k=kind: {**v.term_page(n), "kind": k},
                )
        yield "404.html", lambda: self._render("404.html", u.file("404.html"), "Not found", "", {})
        yield "feed.xml", self.atom_feed
        yield "feed.json", self.json_feed
        yield "sitemap.xml", self.sitemap

    def _html(
        self,
        url: str,
        template: str,
        title: str,
        context: Callable[[], dict],
        description: str = "",
    ) -> tuple[str, Callable[[], bytes]]:
        return self.urls.output_path(url), lambda: self._render(
            template, url, title, description, context()
        )

    def _render(
        self, template: str, url: str, title: str, description: str, context: dict
    ) -> bytes:
        page = {
            "title": title,
            "url": url,
            "canonical": self.urls.absolute(url),
            "description": description or self.config.description,
            "template": template,
        }
        html = self.env.get_template(template).render(self.globals, page=page, **context)
        return html.encode("utf-8")

    # ---- feeds and sitemap -------------------------------------------------------------
    def _feed_briefs(self) -> list:
        return self.graph.briefs[:FEED_LIMIT]

    def atom_feed(self) -> bytes:
        """Atom 1.0 with the full content of the latest briefs."""
        briefs = self._feed_briefs()
        updated = max((b.updated or b.date for b in briefs), default=None)
        text = self.env.get_template("feed.xml").render(
            self.globals,
            briefs=briefs,
            updated=updated,
            views=self.views,
            feed_url=self.urls.absolute(self.urls.file("feed.xml")),
            home_url=self.urls.absolute(self.urls.home()),
        )
        return text.encode("utf-8")

    def json_feed(self) -> bytes:
        """JSON Feed 1.1 with the full content of the latest briefs."""
        items = []
        for brief in self._feed_briefs():
            url = self.urls.absolute(self.urls.brief(brief.slug))
            item = {
                "id": url,
                "url": url,
                "title": brief.title,
                "summary": brief.summary,
                "content_html": brief.body_html,
                "date_published": brief.date.isoformat(),
                "tags": list(brief.topics),
            }
            if brief.updated:
                item["date_modified"] = brief.updated.isoformat()
            items.append(item)
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.config.title,
            "home_page_url": self.urls.absolute(self.urls.home()),
            "feed_url": self.urls.absolute(self.urls.file("feed.json")),
            "description": self.config.description,
            "language": self.config.language,
            "items": items,
        }
        if self.config.author:
            feed["authors"] = [{"name": self.config.author}]
        return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def sitemap(self) -> bytes:
        """Every HTML page but the 404, with absolute URLs."""
        lastmod = {self.urls.brief(b.slug): (b.updated or b.date) for b in self.graph.briefs}
        entries = []
        for path, _ in self.pages():
            if path.endswith("index.html"):
                url = self.urls.base_path + path[: -len("index.html")]
                entries.append((self.urls.absolute(url), lastmod.get(url)))
        text = self.env.get_template("sitemap.xml").render(entries=entries)
        return text.encode("utf-8")
