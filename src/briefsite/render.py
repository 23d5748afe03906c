"""Render every page of the site through Jinja2; returns data (`Page`s), writes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from importlib import resources
from operator import attrgetter
from pathlib import Path

import jinja2
from jinja2 import meta

from briefsite import __version__
from briefsite.config import SiteConfig
from briefsite.fast_escape import FastEscapeTemplate
from briefsite.fast_getattr import FastGetattrCodeGenerator
from briefsite.fragments import FragmentCache
from briefsite.graph import BY_PATH, ActorNode, Graph
from briefsite.metadata import Metadata, json_script
from briefsite.model import Brief
from briefsite.search import bundle_dir, split_into_shards
from briefsite.urls import Urls
from briefsite.views import LISTED, Views

HOME_LIMIT = 10
FEED_LIMIT = 50
CONFIG_SOURCE = "content/site.yml"
NO_BRIEF = "content/briefs"
"""The source named for a page made from briefs when it lists none."""
_BRIEF_PATH = attrgetter("brief.path")
SECTIONS = ("briefs", "actors", "sources", "timeline", "quotes", "takeaways", "topics", "places")


@dataclass(slots=True)
class PageSpec:
    """One output file: where it goes, the data it shows, and how to turn that into bytes.

    A page is a pure function of its context, so the context's fingerprint says whether a
    page must be rendered again.
    """

    path: str
    url: str
    context: Callable[[], dict]
    produce: Callable[[dict], bytes]
    key: Callable[[], object] | None = None
    source: str = ""
    bodies: tuple[str, ...] = ()
    """The briefs (by path) whose bodies the page shows; all else it shows of briefs is
    declared by `shows`."""
    weight: int = 1
    """About how long the page takes to render, in brief pages (for sharing out work)."""
    quick: Callable[[], str] | None = None
    """A key cheaper than `key` that covers (and may exceed) what the page shows: when it is
    unchanged the page is, and `key` need not be computed."""
    template: str = ""
    """The template the page is drawn through ("" for none): see `template_keys`."""
    shows: tuple[str, ...] = (LISTED,)
    """The aspects of briefs the page shows besides bodies (`views.ASPECTS`): while their
    keys are unchanged, the page can only have changed through a body in `bodies`."""
    indexed: bool = False
    """Whether the page is in the search index."""

    def fingerprint(self, salt: str) -> tuple[str, dict | None]:
        """The page's fingerprint, and its context if computing the fingerprint needed it."""
        if self.key is not None:
            return fingerprint(salt, self.key()), None
        context = self.context()
        return fingerprint(salt, context), context


def fingerprint(salt: str, data: object) -> str:
    """A digest of everything a page shows (the repr of its data), salted."""
    return hashlib.blake2b(f"{salt}\0{data!r}".encode(), digest_size=16).hexdigest()


def template_keys(env: jinja2.Environment) -> dict[str, str]:
    """Each template's key: a digest of its source and of the templates it extends, includes
    or imports, transitively. A page's fingerprint holds its template's key, so editing a
    template renders again only the pages drawn through it.

    A template naming another by a variable, or one that cannot be read or parsed, may use
    any template: its key is a digest of them all.
    """
    assert env.loader is not None
    sources: dict[str, str] = {}
    uses: dict[str, set[str] | None] = {}
    for name in env.list_templates():
        try:
            sources[name] = env.loader.get_source(env, name)[0]
            found = set(meta.find_referenced_templates(env.parse(sources[name])))
        except Exception:  # reported when the template is used
            sources.setdefault(name, "")
            found = {None}
        uses[name] = None if None in found else found  # type: ignore[assignment]

    def digest(names: Iterable[str]) -> str:
        hasher = hashlib.blake2b(digest_size=16)
        for name in sorted(names):
            hasher.update(f"{name}\0{sources.get(name, '')}\0".encode())
        return hasher.hexdigest()

    def closure(name: str) -> set[str] | None:
        """The template and all it uses; None if that may be any template."""
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                used = uses.get(current, set())  # a missing template uses nothing
                if used is None:
                    return None
                todo.extend(used)
        return seen

    everything = digest(sources)
    keys: dict[str, str] = {}
    for name in sources:
        used = closure(name)
        keys[name] = everything if used is None else digest(used)
    return keys


def theme_dir() -> Path:
    """The built-in theme: package data in an installed wheel, the checkout otherwise."""
    packaged = Path(str(resources.files("briefsite") / "theme"))
    if (packaged / "templates").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


def make_environment(
    site_root: Path, bytecode_cache: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """Jinja2 with the site's own templates layered over the theme's, autoescape on."""
    theme = theme_dir() / "templates"
    search = [site_root / "templates", theme] if (site_root / "templates").is_dir() else [theme]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path) for path in search]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the builder makes a new environment when a template changes
        bytecode_cache=bytecode_cache,
    )
    env.template_class = FastEscapeTemplate
    env.code_generator_class = FastGetattrCodeGenerator
    env.filters["date"] = remembered_per_date(format_date)
    env.filters["isodate"] = remembered_per_date(lambda value: value.isoformat() if value else "")
    return env


def remembered_per_date(show: Callable[..., str]) -> Callable[..., str]:
    """`show` (a date filter), each result remembered: a date is shown on many pages.

    Equal instants in other zones print differently, so a result is remembered by the date
    with its zone and fold, not by the date alone.
    """
    shown: dict[tuple, str] = {}

    def remembered(value: object, *args: object) -> str:
        key = (value, getattr(value, "tzinfo", None), getattr(value, "fold", 0), *args)
        try:
            text = shown.get(key)
        except TypeError:  # not hashable, so not a date: `show` says what is wrong
            return show(value, *args)
        if text is None:
            text = shown[key] = show(value, *args)
        return text

    return remembered


def check_templates(site_root: Path, env: jinja2.Environment) -> list[tuple[str, int, str]]:
    """Problems in the site's own templates as (path, line, message), found before rendering.

    Every template is read and compiled up front, so all syntax errors come out in one run,
    bytes that are not UTF-8 are a diagnostic rather than a crash, and a template symlinked
    from outside the site root is refused.
    """
    folder = site_root / "templates"
    problems: list[tuple[str, int, str]] = []
    if not folder.is_dir():
        return problems
    root = site_root.resolve()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() and not path.is_symlink():
            continue
        rel = path.relative_to(site_root).as_posix()
        if not path.resolve().is_relative_to(root):
            problems.append((rel, 1, "symlink leads outside the site root; refused"))
            continue
        try:
            data = path.read_bytes()
            source = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            problems.append((rel, line, "template is not valid UTF-8"))
            continue
        except OSError as exc:
            problems.append((rel, 1, f"cannot read template: {exc.strerror or exc}"))
            continue
        name = path.relative_to(folder).as_posix()
        try:
            env.parse(source, name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            problems.append((rel, exc.lineno or 1, f"template error: {exc.message or exc}"))
    return problems


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
        search: bool = False,
    ) -> None:
        self.config = config
        self.graph = graph
        self.urls = urls
        self.env = env
        self.views = Views(graph, urls)
        self.meta = Metadata(config, graph, urls)
        self.assets = assets
        self.search = search
        self.search_shards: list[list[str]] = [[]]
        """The indexed pages of each shard of the search index (`split_into_shards`)."""
        self._sources: dict[str, str] = {}
        sections = (*SECTIONS, "search") if search else SECTIONS
        self.globals = {
            "site": config,
            "urls": urls,
            "nav": [(name, urls.section(name)) for name in sections],
            "asset": self.asset,
            "generator": f"briefsite {__version__}",
            "search_url": urls.section("search") if search else None,
            "cached": FragmentCache(),
        }

    def asset(self, name: str) -> str:
        """The URL of a static file (its fingerprinted name if it has one)."""
        return self.urls.file(self.assets.get(name, name))

    def pages(self) -> list[PageSpec]:
        """Every page of the site, in a stable order."""
        g, u, v = self.graph, self.urls, self.views
        specs = [
            self._html(
                u.home(),
                "home.html",
                "",
                lambda: {
                    "briefs": [v.card(b) for b in g.briefs[:HOME_LIMIT]],
                    "takeaways": [v.takeaway(t, b) for t, b in g.takeaways[:HOME_LIMIT]],
                    "actors": v.most_active(),
                },
                meta=lambda: {"jsonld": [json_script(self.meta.website())]},
                key=partial(v.home_key, HOME_LIMIT),
                indexed=False,
                shows=("takeaways", "events"),
            ),
            self._html(
                u.section("briefs"),
                "briefs.html",
                "All briefs",
                lambda: {"groups": v.archive(), "count": len(g.briefs)},
                f"Every brief of {self.config.title}, newest first.",
                key=v.archive_key,
                indexed=False,
                weight=listing_weight(len(g.briefs)),
                shows=("cards",),
            ),
        ]
        specs += [
            self._html(
                u.brief(b.slug),
                "brief.html",
                b.title,
                partial(v.brief_page, b),
                b.summary,
                key=partial(v.brief_page_key, b),
                source=b.path,
                meta=partial(self._brief_meta, b),
                bodies=(b.path,),
                quick=partial(v.brief_quick_key, b),
                # neighbours as cards; related briefs, found from actors, topics and dates
                shows=("cards", "events"),
            )
            for b in g.briefs
        ]
        specs.append(
            self._html(
                u.section("actors"),
                "actors.html",
                "Actors",
                lambda: {"actors": v.actors_index()},
                indexed=False,
                shows=("events",),
            )
        )
        specs += [
            self._html(
                u.actor(n.actor.id),
                "actor.html",
                n.actor.name,
                partial(v.actor_page, n),
                f"{n.actor.name}: {n.actor.role}" if n.actor.role else "",
                source=n.actor.path or _oldest_brief_path(n.briefs),
                meta=partial(self._actor_meta, n),
                key=partial(v.actor_page_key, n),
                weight=listing_weight(len(n.briefs) + len(n.quotes) + len(n.events)),
                shows=("quotes", "events"),
            )
            for n in g.actors.values()
        ]
        specs.append(
            self._html(
                u.section("sources"),
                "sources.html",
                "Sources",
                lambda: {
                    "publishers": v.publishers_index(),
                    "unattributed": [v.source_use(use) for use in g.unattributed],
                },
                key=v.sources_key,
                indexed=False,
                bodies=tuple(dict.fromkeys(map(_BRIEF_PATH, g.unattributed))),
                shows=("sources",),
                weight=listing_weight(len(g.unattributed) + len(g.publishers)),
            )
        )
        specs += [
            self._html(
                u.publisher(n.publisher.id),
                "publisher.html",
                n.publisher.name,
                partial(v.publisher_page, n),
                source=n.publisher.path or _oldest_brief_path(n.briefs),
                key=partial(v.publisher_page_key, n),
                bodies=tuple(map(BY_PATH, n.briefs)),
                weight=listing_weight(2 * len(n.uses)),
                shows=("sources",),
            )
            for n in g.publishers.values()
        ]
        specs += [
            self._html(
                u.timeline(),
                "timeline.html",
                "Timeline",
                v.timeline_page,
                key=v.timeline_page_key,
                indexed=False,
                weight=listing_weight(len(g.events)),
                shows=("events",),
            ),
        ]
        specs += [
            self._html(
                u.timeline(actor_id),
                "timeline.html",
                f"Timeline: {g.actors[actor_id].actor.name}",
                partial(v.timeline_page, actor_id),
                key=partial(v.timeline_page_key, actor_id),
                indexed=False,
                weight=listing_weight(len(g.actors[actor_id].events)),
                shows=("events",),
            )
            for actor_id in v.timeline_actor_ids()
        ]
        specs += [
            self._html(
                u.section("quotes"),
                "quotes.html",
                "Quotes",
                lambda: {"quotes": [v.quote(q, b) for q, b in g.quotes]},
                meta=lambda: {"jsonld": [json_script(self.meta.quotes_page())]},
                key=v.quotes_key,
                indexed=False,
                weight=listing_weight(2 * len(g.quotes)),
                shows=("quotes",),
            ),
            self._html(
                u.section("takeaways"),
                "takeaways.html",
                "Analyst takeaways",
                lambda: {"takeaways": [v.takeaway(t, b) for t, b in g.takeaways]},
                key=v.takeaways_key,
                indexed=False,
                weight=listing_weight(len(g.takeaways)),
                shows=("takeaways",),
            ),
        ]
        for kind, terms, url in (("topics", g.topics, u.topic), ("places", g.places, u.place)):
            specs.append(
                self._html(
                    u.section(kind),
                    "terms.html",
                    kind.title(),
                    partial(_terms_context, v, terms, url, kind),
                    indexed=False,
                    shows=("events",),
                )
            )
            specs += [
                self._html(
                    url(n.slug),
                    "term.html",
                    n.name,
                    partial(_term_context, v, n, kind),
                    f"Briefs on {n.name}.",
                    source=_oldest_brief_path(n.briefs),
                    key=partial(v.term_page_key, n),
                    indexed=False,
                    weight=listing_weight(len(n.briefs)),
                    shows=("events",),
                )
                for n in terms.values()
            ]
        if self.search:
            specs.append(
                self._html(
                    u.section("search"),
                    "search.html",
                    "Search",
                    lambda: {"merge_index": self._merged_bundles()},
                    indexed=False,  # its shards follow the pages: any listing change may move them
                )
            )
        specs.append(
            self._html(u.file("404.html"), "404.html", "Not found", dict, indexed=False, shows=())
        )
        html_urls = [spec.url for spec in specs if spec.path.endswith("index.html")]
        feed_source = self._template_source("feed.xml")
        feed_key = partial(v.feed_key, FEED_LIMIT)
        feed_bodies = tuple(b.path for b in g.briefs[:FEED_LIMIT])
        specs += [
            PageSpec(
                "feed.xml",
                "",
                self._feed_context,
                self.atom_feed,
                key=feed_key,
                source=feed_source,
                bodies=feed_bodies,
                template="feed.xml",
            ),
            PageSpec(
                "feed.json",
                "",
                self._feed_context,
                self.json_feed,
                key=feed_key,
                source="content/briefs",
                bodies=feed_bodies,
            ),
            PageSpec(
                "sitemap.xml",
                "",
                partial(self._sitemap_context, html_urls),
                self.sitemap,
                key=partial(self._sitemap_key, html_urls),
                source=self._template_source("sitemap.xml"),
                template="sitemap.xml",
            ),
            PageSpec(
                "robots.txt",
                "",
                self._robots_context,
                self.robots,
                source=CONFIG_SOURCE,
                shows=(),
            ),
        ]
        self.search_shards = split_into_shards([spec.path for spec in specs if spec.indexed])
        return specs

    def _merged_bundles(self) -> list[dict[str, str]]:
        """PagefindUI's `mergeIndex`: the search index's shards after the first, if any."""
        return [
            {"bundlePath": self.urls.file(f"{bundle_dir(shard)}/")}
            for shard in range(1, len(self.search_shards))
        ]

    def _brief_meta(self, brief: Brief) -> dict:
        return {
            "jsonld": [json_script(self.meta.brief(brief))],
            "og_type": "article",
            "published": brief.date,
            "modified": brief.updated or brief.date,
            "section": brief.topics[0] if brief.topics else "",
            "tags": list(brief.topics),
        }

    def _actor_meta(self, node: ActorNode) -> dict:
        return {
            "jsonld": [json_script(self.meta.actor_page(node))],
            "og_type": "profile" if node.actor.kind == "person" else "website",
        }

    def _template_source(self, template: str) -> str:
        """Where a template comes from: the site's `templates/`, or the built-in theme."""
        source = self._sources.get(template)
        if source is None:
            own = (self.config.root / "templates" / template).is_file()
            source = f"templates/{template}" if own else f"(theme) templates/{template}"
            self._sources[template] = source
        return source

    def _html(
        self,
        url: str,
        template: str,
        title: str,
        context: Callable[[], dict],
        description: str = "",
        *,
        key: Callable[[], object] | None = None,
        source: str = "",
        meta: Callable[[], dict] | None = None,
        indexed: bool = True,
        bodies: tuple[str, ...] = (),
        weight: int = 1,
        quick: Callable[[], str] | None = None,
        shows: tuple[str, ...] = (LISTED,),
    ) -> PageSpec:
        """A page through `template`; `key`, if given, stands for its context in fingerprints.

        Only `indexed` pages are in the search index: briefs and the profiles of actors and
        publishers. Listings would only repeat the briefs' words.

        The page dict (title, URL, description) is always part of the fingerprint.
        """

        def page() -> dict:  # made only for a page whose fingerprint is worked out
            return {
                "title": title,
                "url": url,
                "canonical": self.urls.absolute(url),
                "description": description or self.config.description or title or self.config.title,
                "template": template,
                "indexed": indexed,
                "og_type": "website",
                "jsonld": [],
                "published": None,
                "modified": None,
                "section": "",
                "tags": [],
            }

        return PageSpec(
            self.urls.output_path(url),
            url,
            lambda: {"page": {**page(), **(meta() if meta else {})}, **context()},
            partial(self._render, template),
            # `meta` (JSON-LD and the like) is made from the data `key` stands for.
            key=(lambda: (page(), key())) if key else None,
            source=source or self._template_source(template),
            bodies=bodies,
            weight=weight,
            quick=quick,
            template=template,
            shows=shows,
            indexed=indexed and self.search,
        )

    def _render(self, template: str, context: dict) -> bytes:
        html = self.env.get_template(template).render(self.globals, **context)
        return html.encode("utf-8")

    # ---- feeds and sitemap -------------------------------------------------------------
    def _feed_context(self) -> dict:
        briefs = self.graph.briefs[:FEED_LIMIT]
        return {
            "briefs": briefs,
            "updated": max((b.updated or b.date for b in briefs), default=None),
        }

    def atom_feed(self, context: dict) -> bytes:
        """Atom 1.0 with the full content of the latest briefs."""
        text = self.env.get_template("feed.xml").render(
            self.globals,
            **context,
            feed_url=self.urls.absolute(self.urls.file("feed.xml")),
            home_url=self.urls.absolute(self.urls.home()),
        )
        return text.encode("utf-8")

    def json_feed(self, context: dict) -> bytes:
        """JSON Feed 1.1 with the full content of the latest briefs."""
        items = []
        for brief in context["briefs"]:
            url = self.urls.absolute(self.urls.brief(brief.slug))
            item = {
                "id": url,
                "url": url,
                "title": brief.title,
                "summary": brief.summary,
                "content_html": brief.body_html,
                "date_published": brief.date.isoformat(),
                "date_modified": (brief.updated or brief.date).isoformat(),
                "tags": list(brief.topics),
            }
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

    def _sitemap_context(self, html_urls: list[str]) -> dict:
        lastmod = {self.urls.brief(b.slug): (b.updated or b.date) for b in self.graph.briefs}
        return {
            "entries": [
                (self.urls.absolute(url), lastmod.get(url))
                for url in html_urls
                if not url.endswith("404.html")
            ]
        }

    def _sitemap_key(self, html_urls: list[str]) -> tuple:
        """What the sitemap shows, quicker to fingerprint than its context: the URLs, and
        each brief's date (its card digest covers slug and date) and update."""
        briefs = self.graph.briefs
        updated = [(b.slug, b.updated) for b in briefs if b.updated]
        return (html_urls, [b.card_digest for b in briefs], updated)

    def sitemap(self, context: dict) -> bytes:
        """Every HTML page but the 404, with absolute URLs."""
        return self.env.get_template("sitemap.xml").render(**context).encode("utf-8")

    def _robots_context(self) -> dict:
        return {"sitemap": self.urls.absolute(self.urls.file("sitemap.xml"))}

    def robots(self, context: dict) -> bytes:
        """`robots.txt`: everything may be crawled; the sitemap's absolute URL."""
        return f"User-agent: *\nAllow: /\n\nSitemap: {context['sitemap']}\n".encode()


def listing_weight(items: int) -> int:
    """A listing's weight: about twenty entries render in the time of one brief page."""
    return 1 + items // 20


def _oldest_brief_path(briefs: list[Brief]) -> str:
    """The file of the oldest brief of a list, newest first (what a page made from briefs
    comes from)."""
    return briefs[-1].path if briefs else NO_BRIEF


def _terms_context(views: Views, terms: dict, url: Callable[[str], str], kind: str) -> dict:
    return {"terms": views.terms_index(terms, url), "kind": kind}


def _term_context(views: Views, node, kind: str) -> dict:
    return {**views.term_page(node), "kind": kind}
