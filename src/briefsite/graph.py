"""The site graph: every reference resolved once, with the indexes and back-links pages need."""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter

from briefsite.diagnostics import Diagnostics
from briefsite.model import (
    BY_DATE,
    Actor,
    ActorRef,
    Brief,
    Event,
    Publisher,
    Quote,
    SourceEntry,
    Takeaway,
)
from briefsite.parallel import map_in_order
from briefsite.registry import Registry
from briefsite.slugs import slugify

RELATED_LIMIT = 5
BY_PATH = attrgetter("path")
RELATED_WINDOW = 12
RELATED_IN_PARALLEL = 2_000
"""From how many briefs related briefs are found over workers: below it, forking them costs
more than it saves (1,000 briefs: 42 ms here, 50-63 ms over two; 10,000: 0.65 s, 0.56 s)."""


@dataclass
class ActorNode:
    """An actor and everything the site says about them."""

    actor: Actor
    briefs: list[Brief] = field(default_factory=list)
    quotes: list[tuple[Quote, Brief]] = field(default_factory=list)
    events: list[tuple[Event, Brief]] = field(default_factory=list)
    seen_with: Counter[str] | None = None
    """How many briefs name each other actor with this one (`Graph.seen_with`), once asked."""


@dataclass
class SourceUse:
    """One brief's source entry, with the passages that cite it."""

    brief: Brief
    source: SourceEntry

    @property
    def passages(self) -> list[tuple[str, str]]:
        """(citation anchor, the cited passage's text) for each citation of this source."""
        return self.brief.cited_passages(self.source.number)


@dataclass
class PublisherNode:
    publisher: Publisher
    uses: list[SourceUse] = field(default_factory=list)
    briefs: list[Brief] = field(default_factory=list)
    """The briefs of `uses`, each once, in their order."""


@dataclass
class TermNode:
    """A topic or a place."""

    slug: str
    name: str
    briefs: list[Brief] = field(default_factory=list)


@dataclass
class Graph:
    """Resolved references, indexes and back-links. Briefs are newest first."""

    registry: Registry
    briefs: list[Brief]
    actors: dict[str, ActorNode]
    publishers: dict[str, PublisherNode]
    unattributed: list[SourceUse]
    topics: dict[str, TermNode]
    places: dict[str, TermNode]
    events: list[tuple[Event, Brief]]
    quotes: list[tuple[Quote, Brief]]
    takeaways: list[tuple[Takeaway, Brief]]
    neighbours: dict[str, tuple[Brief | None, Brief | None]]
    related: dict[str, list[Brief]]
    _ids: dict[str, str] = field(default_factory=dict, repr=False)
    _publisher_ids: dict[str, str] = field(default_factory=dict, repr=False)
    _ids_of: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def actor_id(self, ref: ActorRef) -> str:
        return ref.slug or self._ids.get(ref.name) or self._resolve(ref.name)

    def _resolve(self, name: str) -> str:
        found = self._ids[name] = self.registry.actor_id(name)
        return found

    def publisher_id(self, source: SourceEntry) -> str | None:
        name = source.publisher
        if not name:
            return None
        found = self._publisher_ids.get(name)
        if found is None:
            found = self._publisher_ids[name] = self.registry.publisher_id(name)
        return found

    def brief_actor_ids(self, brief: Brief) -> tuple[str, ...]:
        """The ids of the actors a brief names, each once, in its order."""
        found = self._ids_of.get(brief.path)
        if found is None:
            ids = (self.actor_id(ref) for ref in brief.actors)
            found = self._ids_of[brief.path] = tuple(dict.fromkeys(ids))
        return found

    def seen_with(self, node: ActorNode) -> Counter[str]:
        """How many of an actor's briefs name each other actor (worked out when first asked:
        a rebuild that shows no actor page never needs it)."""
        if node.seen_with is None:
            own = node.actor.id
            node.seen_with = Counter(
                other
                for brief in node.briefs
                for other in self.brief_actor_ids(brief)
                if other != own
            )
        return node.seen_with


def check_unique_slugs(briefs: list[Brief], diags: Diagnostics) -> None:
    """Two briefs with one slug is an error naming both files (drafts count)."""
    first: dict[str, Brief] = {}
    for brief in sorted(briefs, key=BY_PATH):
        other = first.setdefault(brief.slug, brief)
        if other is not brief:
            diags.error(brief.path, 1, f"slug '{brief.slug}' is also used by {other.path}")


def build_graph(
    registry: Registry,
    briefs: list[Brief],
    related: dict[str, tuple[str, ...]] | None = None,
    jobs: int = 1,
) -> Graph:
    """Resolve actors, publishers, topics and places across all published briefs.

    `related`, the related briefs' slugs by brief, is what a build of briefs that showed the
    same in listings found (see `related_slugs`); it spares computing them again (else it is
    computed over `jobs` processes).
    """
    ordered = sorted(briefs, key=BY_DATE, reverse=True)
    chronological = ordered[::-1]
    graph = Graph(registry, ordered, {}, {}, [], {}, {}, [], [], [], {}, {})
    for brief in chronological:
        _add_brief(graph, brief)
    graph.events.sort(key=lambda pair: (pair[0].date, pair[1].slug, pair[0].title))
    for node in graph.actors.values():
        node.briefs.reverse()
        node.quotes.reverse()
        node.events.sort(key=lambda pair: (pair[0].date, pair[1].slug))
    for term in (*graph.topics.values(), *graph.places.values()):
        term.briefs.reverse()
    for node in graph.publishers.values():
        node.uses.reverse()
        node.briefs.reverse()
    graph.unattributed.reverse()
    graph.quotes.reverse()
    graph.takeaways.reverse()
    for index, brief in enumerate(ordered):
        newer = ordered[index - 1] if index > 0 else None
        older = ordered[index + 1] if index + 1 < len(ordered) else None
        graph.neighbours[brief.slug] = (older, newer)
    if related is None:
        graph.related = _related(graph, jobs)
    else:
        by_slug = {brief.slug: brief for brief in ordered}
        graph.related = {slug: [by_slug[s] for s in related[slug]] for slug in by_slug}
    return graph


def related_slugs(graph: Graph) -> dict[str, tuple[str, ...]]:
    """The related briefs of every brief, by slug (what `build_graph` may be given back)."""
    return {slug: tuple(brief.slug for brief in briefs) for slug, briefs in graph.related.items()}


def _add_brief(graph: Graph, brief: Brief) -> None:
    # an actor already seen is found here without a call (a hundred thousand lookups)
    nodes, ids = graph.actors, graph._ids
    for ref in brief.actors:
        node = nodes.get(ref.slug or ids.get(ref.name, "")) or _actor_node(graph, ref)
        if not node.briefs or node.briefs[-1] is not brief:
            node.briefs.append(brief)
    for quote in brief.quotes:
        pair = (quote, brief)
        if (ref := quote.by) is not None:
            node = nodes.get(ref.slug or ids.get(ref.name, "")) or _actor_node(graph, ref)
            node.quotes.append(pair)
        graph.quotes.append(pair)
    events = brief.events or (Event(brief.date, brief.title, 1, brief.actors, brief.places),)
    for event in events:
        pair = (event, brief)
        graph.events.append(pair)
        for ref in event.actors:
            node = nodes.get(ref.slug or ids.get(ref.name, "")) or _actor_node(graph, ref)
            node.events.append(pair)
        for place in event.places:
            _term(graph.places, place)
    graph.takeaways.extend((takeaway, brief) for takeaway in brief.takeaways)
    for name in brief.topics:
        _term(graph.topics, name).briefs.append(brief)
    for name in brief.places:
        _term(graph.places, name).briefs.append(brief)
    _add_sources(graph, brief)


def _add_sources(graph: Graph, brief: Brief) -> None:
    for source in brief.sources:
        use = SourceUse(brief, source)
        publisher_id = graph.publisher_id(source)
        if publisher_id is None:
            graph.unattributed.append(use)
            continue
        node = graph.publishers.get(publisher_id)
        if node is None:
            publisher = graph.registry.publishers.get(publisher_id) or Publisher(
                publisher_id, source.publisher or publisher_id
            )
            node = graph.publishers[publisher_id] = PublisherNode(publisher)
        node.uses.append(use)
        if not node.briefs or node.briefs[-1] is not brief:
            node.briefs.append(brief)


def _actor_node(graph: Graph, ref: ActorRef, actor_id: str | None = None) -> ActorNode:
    actor_id = actor_id or graph.actor_id(ref)
    node = graph.actors.get(actor_id)
    if node is None:
        actor = graph.registry.actors.get(actor_id) or Actor(actor_id, ref.name, role=ref.role)
        node = graph.actors[actor_id] = ActorNode(actor)
    return node


def _term(terms: dict[str, TermNode], name: str) -> TermNode:
    slug = slugify(name)
    node = terms.get(slug)
    if node is None:
        node = terms[slug] = TermNode(slug, name)
    return node


def _related(graph: Graph, jobs: int) -> dict[str, list[Brief]]:
    """Briefs sharing the most actors (then topics), nearest in time among equals; never
    the brief itself.

    Candidates are the briefs near this one in each of its actors' lists, so the cost grows
    linearly with the site, not with the square of an actor's brief count.
    """
    listed = {
        actor_id: [brief.slug for brief in node.briefs] for actor_id, node in graph.actors.items()
    }
    positions = {
        actor_id: {slug: index for index, slug in enumerate(slugs)}
        for actor_id, slugs in listed.items()
    }
    stamps = {brief.slug: brief.date.timestamp() for brief in graph.briefs}
    topics_of = _topic_masks(graph.briefs)  # shared topics: (a & b).bit_count()
    by_slug = {brief.slug: brief for brief in graph.briefs}

    def related_to(brief: Brief) -> tuple[str, ...]:
        shared: Counter[str] = Counter()  # actors shared with each nearby brief
        for actor_id in graph.brief_actor_ids(brief):
            index = positions[actor_id][brief.slug]
            shared.update(
                listed[actor_id][max(0, index - RELATED_WINDOW) : index + RELATED_WINDOW + 1]
            )
        del shared[brief.slug]
        topics, when = topics_of[brief.slug], stamps[brief.slug]
        best = heapq.nsmallest(
            RELATED_LIMIT,
            (
                (
                    -2 * count - (topics & topics_of[slug]).bit_count(),
                    abs(stamps[slug] - when),
                    slug,
                )
                for slug, count in shared.items()
            ),
        )
        return tuple(slug for _, _, slug in best)

    found = map_in_order(related_to, graph.briefs, jobs, min_items=RELATED_IN_PARALLEL)
    return {
        brief.slug: [by_slug[slug] for slug in slugs]
        for brief, slugs in zip(graph.briefs, found, strict=True)
    }


def _topic_masks(briefs: list[Brief]) -> dict[str, int]:
    """Each brief's topics as the bits of an integer (intersecting two costs no set)."""
    bits: dict[str, int] = {}
    masks = {}
    for brief in briefs:
        mask = 0
        for topic in brief.topics:
            mask |= 1 << bits.setdefault(topic, len(bits))
        masks[brief.slug] = mask
    return masks
