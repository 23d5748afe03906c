"""Page metadata for search engines and link previews: schema.org JSON-LD, built in Python.

Templates never assemble JSON: they get the finished `<script type="application/ld+json">`
bodies from here (`json_script`), with `<`, `>` and `&` written as JSON escapes, so no text
(`</script>`, `<!--`) can close or confuse the script element.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from briefsite.config import SiteConfig
from briefsite.fast_escape import markup
from briefsite.graph import ActorNode, Graph
from briefsite.model import Actor, Brief, Quote
from briefsite.slugs import slugify
from briefsite.urls import Urls

CONTEXT = "https://schema.org"
KIND_TYPES = {
    "person": "Person",
    "state": "Country",
    "organization": "Organization",
    "group": "Organization",
}

JsonObject = dict[str, Any]
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def json_script(data: JsonObject) -> Markup:
    """JSON for a `<script type="application/ld+json">` element, safe to inline in HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return markup(text)


def _compact(data: JsonObject) -> JsonObject:
    """`data` without empty values (schema.org readers prefer absent to empty): None and
    empty strings, lists, tuples and dicts (a false 0 stays)."""
    return {k: v for k, v in data.items() if v or not (v is None or isinstance(v, _SIZED))}


_SIZED = (str, list, tuple, dict)


class Metadata:
    """Builds the JSON-LD objects of briefs, actors and quotes from the site graph."""

    def __init__(self, config: SiteConfig, graph: Graph, urls: Urls) -> None:
        self.config = config
        self.graph = graph
        self.urls = urls
        # the objects many pages repeat, each made once (never changed once made)
        self._actors: dict[str, JsonObject] = {}
        self._places: dict[str, JsonObject] = {}
        self._publishers: dict[str, JsonObject] = {}
        self._sources: dict[tuple[str, int], JsonObject] = {}

    def url(self, path: str) -> str:
        """The absolute form of a site URL."""
        return self.urls.absolute(path)

    def organization(self) -> JsonObject:
        """The site as the publisher of its briefs."""
        return {
            "@type": "Organization",
            "name": self.config.title,
            "url": self.url(self.urls.home()),
        }

    def author(self) -> JsonObject:
        """The author named in site.yml, or else the site itself."""
        if self.config.author:
            return {"@type": "Person", "name": self.config.author}
        return self.organization()

    def actor(self, actor: Actor, full: bool = False) -> JsonObject:
        """An actor as a schema.org Person, Organization or Country (Thing if kind unknown)."""
        if not full:
            found = self._actors.get(actor.id)
            if found is None:
                found = self._actors[actor.id] = self._actor(actor, False)
            return found
        return self._actor(actor, True)

    def _actor(self, actor: Actor, full: bool) -> JsonObject:
        data: JsonObject = {
            "@type": KIND_TYPES.get(actor.kind or "", "Thing"),
            "@id": self.url(self.urls.actor(actor.id)) + "#actor",
            "name": actor.name,
            "url": self.url(self.urls.actor(actor.id)),
            "alternateName": list(actor.aliases),
            "sameAs": list(actor.links),
        }
        if full:
            data["description"] = actor.role or ""
            if actor.kind == "person":
                data["jobTitle"] = actor.role or ""
                if actor.country:
                    data["nationality"] = {"@type": "Country", "name": actor.country}
        return _compact(data)

    def place(self, name: str) -> JsonObject:
        """A place of the site, with its page."""
        found = self._places.get(name)
        if found is None:
            node = self.graph.places.get(slugify(name))
            url = self.url(self.urls.place(node.slug)) if node else None
            place = {"@type": "Place", "name": node.name if node else name, "url": url}
            found = self._places[name] = _compact(place)
        return found

    def quotation(self, quote: Quote, brief: Brief) -> JsonObject:
        """A quote as a schema.org Quotation, its `creator` the actor who said it."""
        brief_url = self.url(self.urls.brief(brief.slug))
        creator = None
        if quote.by is not None:
            creator = self.actor(self.graph.actors[self.graph.actor_id(quote.by)].actor)
        citations = [self.source(brief, n) for n in quote.sources]
        return _compact(
            {
                "@type": "Quotation",
                "text": quote.text,
                "url": f"{brief_url}#{quote.anchor}" if quote.anchor else brief_url,
                "creator": creator,
                "isPartOf": {"@id": brief_url + "#article"},
                "citation": citations,
            }
        )

    def source(self, brief: Brief, number: int) -> JsonObject:
        """Source `number` of a brief as a CreativeWork."""
        found = self._sources.get((brief.path, number))
        if found is None:
            found = self._sources[brief.path, number] = self._source(brief, number)
        return found

    def _source(self, brief: Brief, number: int) -> JsonObject:
        entry = next((s for s in brief.sources if s.number == number), None)
        if entry is None:
            return {"@type": "CreativeWork", "name": f"Source {number}"}
        publisher = None
        publisher_id = self.graph.publisher_id(entry)
        if publisher_id is not None:
            publisher = self._publishers.get(publisher_id)
            if publisher is None:
                known = self.graph.publishers[publisher_id].publisher
                data = {"@type": "Organization", "name": known.name, "url": known.url}
                publisher = self._publishers[publisher_id] = _compact(data)
        return _compact(
            {
                "@type": "CreativeWork",
                "name": entry.title or f"Source {number}",
                "url": entry.url,
                "publisher": publisher,
                "datePublished": entry.date.isoformat() if entry.date else None,
            }
        )

    def brief(self, brief: Brief) -> JsonObject:
        """A brief as a NewsArticle (AnalysisNewsArticle if it has analyst takeaways)."""
        url = self.url(self.urls.brief(brief.slug))
        actor_ids = list(dict.fromkeys(self.graph.actor_id(ref) for ref in brief.actors))
        article = _compact(
            {
                "@type": "AnalysisNewsArticle" if brief.takeaways else "NewsArticle",
                "@id": url + "#article",
                "headline": brief.title,
                "description": brief.summary,
                "url": url,
                "mainEntityOfPage": url,
                "inLanguage": self.config.language,
                "datePublished": brief.date.isoformat(),
                "dateModified": (brief.updated or brief.date).isoformat(),
                "author": self.author(),
                "publisher": self.organization(),
                "about": [self.actor(self.graph.actors[i].actor) for i in actor_ids],
                "mentions": [self.place(name) for name in brief.places],
                "keywords": list(brief.topics),
                "citation": [self.source(brief, s.number) for s in brief.sources],
                "wordCount": brief.words or None,
            }
        )
        quotes = [self.quotation(q, brief) for q in brief.quotes]
        return {"@context": CONTEXT, "@graph": [article, *quotes]}

    def actor_page(self, node: ActorNode) -> JsonObject:
        """An actor's page: the actor, and the quotes attributed to them."""
        entity = self.actor(node.actor, full=True)
        quotes = [self.quotation(q, b) for q, b in node.quotes]
        return {"@context": CONTEXT, "@graph": [entity, *quotes]}

    def quotes_page(self) -> JsonObject:
        """The index of quotes, each a Quotation."""
        return {"@context": CONTEXT, "@graph": [self.quotation(q, b) for q, b in self.graph.quotes]}

    def website(self) -> JsonObject:
        """The home page: the site as a WebSite, with its search page if it has one."""
        return _compact(
            {
                "@context": CONTEXT,
                "@type": "WebSite",
                "name": self.config.title,
                "url": self.url(self.urls.home()),
                "description": self.config.description,
                "inLanguage": self.config.language,
            }
        )
