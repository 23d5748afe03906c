"""The plain objects templates see: model data with every URL already computed."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from markupsafe import Markup

from briefsite.fast_escape import markup
from briefsite.graph import ActorNode, Graph, PublisherNode, SourceUse, TermNode
from briefsite.markdown import without_cite_ids
from briefsite.model import (
    Actor,
    ActorRef,
    Brief,
    Event,
    FastRepr,
    Quote,
    SourceEntry,
    Takeaway,
    record_repr,
)
from briefsite.slugs import slugify
from briefsite.urls import Urls

TIMELINE_FILTERS = 12
CHART_MONTHS = 12


# The views pages make by the thousand are named tuples: made two to three times faster
# than frozen dataclass instances, as immutable, with the same repr (fingerprints use it).


class Link(NamedTuple):
    """Something with a name and a page."""

    __repr__ = record_repr

    name: str
    url: str
    note: str = ""
    count: int = 0


class BriefCard(NamedTuple):
    """A brief as lists show it."""

    __repr__ = record_repr

    title: str
    url: str
    date: dt.datetime
    summary: str
    topics: tuple[Link, ...] = ()


class SourceView(NamedTuple):
    """One entry of a brief's source list, with back-links to each citation."""

    __repr__ = record_repr

    number: int
    anchor: str
    title: str | None
    url: str | None
    date: dt.datetime | None
    publisher: Link | None
    backlinks: tuple[Link, ...]
    brief: BriefCard | None = None
    passages: tuple[Link, ...] = ()


class QuoteView(NamedTuple):
    __repr__ = record_repr

    html: Markup
    text: str
    url: str
    speaker: Link | None
    cite_html: Markup
    brief: BriefCard
    sources: tuple[Link, ...]


class TakeawayView(NamedTuple):
    __repr__ = record_repr

    html: Markup
    text: str
    url: str
    brief: BriefCard


class EventView(NamedTuple):
    __repr__ = record_repr

    date: dt.datetime
    title: str
    actors: tuple[Link, ...]
    places: tuple[Link, ...]
    cite_html: Markup
    brief: BriefCard
    sources: tuple[Link, ...]


@dataclass(frozen=True, repr=False)
class Bar(FastRepr):
    """One bar of a small chart: a label, a value and its share (0-100) of the largest value."""

    label: str
    value: int
    share: float
    url: str = ""


@dataclass(frozen=True, repr=False)
class Mark(FastRepr):
    """Events on one day of a month's date axis; `left` is the day's position in percent."""

    day: int
    left: float
    count: int
    label: str


@dataclass(frozen=True, repr=False)
class Axis(FastRepr):
    """A month drawn as a line from day 1 to its last day, with its events as marks."""

    days: int
    marks: tuple[Mark, ...]
    ticks: tuple[tuple[int, float], ...]


@dataclass(frozen=True, repr=False)
class Group(FastRepr):
    """A heading with the items under it (a year, a month, a letter)."""

    label: str
    key: str
    items: list = field(default_factory=list)
    axis: Axis | None = None


class Views:
    """Builds view objects from the graph; every URL comes from `Urls`."""

    def __init__(self, graph: Graph, urls: Urls) -> None:
        self.graph = graph
        self.urls = urls
        self._cards: dict[str, BriefCard] = {}
        self._card_keys: dict[str, str] = {}
        self._events: dict[tuple[int, int], EventView] = {}
        self._links: dict[tuple[str, str, str], Link] = {}
        """Links to actors (by id and role), topics, places and publishers, made once each."""
        self._names_key: str | None = None
        self._aspect_keys: dict[str, str] | None = None
        self._timeline_urls: frozenset[str] | None = None

    # ---- small pieces ----------------------------------------------------------------
    def card(self, brief: Brief) -> BriefCard:
        card = self._cards.get(brief.slug)
        if card is None:
            topics = tuple(self.topic_link(name) for name in brief.topics)
            card = BriefCard(
                brief.title, self.urls.brief(brief.slug), brief.date, brief.summary, topics
            )
            self._cards[brief.slug] = card
        return card

    def card_key(self, brief: Brief) -> str:
        """Stands for the brief's card in page keys: its data, and its topics' names."""
        key = self._card_keys.get(brief.slug)
        if key is None:
            names = "\0".join(link.name for link in self.card(brief).topics)
            key = self._card_keys[brief.slug] = f"{brief.card_digest}\0{names}"
        return key

    def actor_link(self, ref_or_id: ActorRef | str) -> Link:
        actor_id = ref_or_id if isinstance(ref_or_id, str) else self.graph.actor_id(ref_or_id)
        role = ref_or_id.role if isinstance(ref_or_id, ActorRef) and ref_or_id.role else ""
        link = self._links.get(("actor", actor_id, role))
        if link is None:
            node = self.graph.actors[actor_id]
            link = Link(node.actor.name, self.urls.actor(actor_id), role)
            self._links["actor", actor_id, role] = link
        return link

    def topic_link(self, name: str) -> Link:
        link = self._links.get(("topic", name, ""))
        if link is None:
            node = self.graph.topics[slugify(name)]
            link = self._links["topic", name, ""] = Link(node.name, self.urls.topic(node.slug))
        return link

    def place_link(self, name: str) -> Link:
        link = self._links.get(("place", name, ""))
        if link is None:
            node = self.graph.places[slugify(name)]
            link = self._links["place", name, ""] = Link(node.name, self.urls.place(node.slug))
        return link

    def publisher_link(self, source: SourceEntry) -> Link | None:
        publisher_id = self.graph.publisher_id(source)
        if publisher_id is None:
            return None
        link = self._links.get(("publisher", publisher_id, ""))
        if link is None:
            node = self.graph.publishers[publisher_id]
            link = Link(node.publisher.name, self.urls.publisher(publisher_id))
            self._links["publisher", publisher_id, ""] = link
        return link

    def source_links(self, brief: Brief, numbers: tuple[int, ...]) -> tuple[Link, ...]:
        page = self.urls.brief(brief.slug)
        return tuple(Link(str(n), f"{page}#source-{n}") for n in numbers)

    # ---- brief parts -----------------------------------------------------------------
    def sources(self, brief: Brief) -> list[SourceView]:
        page = self.urls.brief(brief.slug)
        backlinks: dict[int, list[Link]] = {}
        for citation in brief.citations():
            backlinks.setdefault(citation.number, []).append(
                Link(str(citation.k), f"{page}#{citation.anchor}", brief.passages[citation.passage])
            )
        return [
            SourceView(
                s.number,
                f"source-{s.number}",
                s.title,
                s.url,
                s.date,
                self.publisher_link(s),
                tuple(backlinks.get(s.number, ())),
            )
            for s in brief.sources
        ]

    def quote(self, quote: Quote, brief: Brief, on_brief_page: bool = False) -> QuoteView:
        speaker = self.actor_link(quote.by) if quote.by else None
        card = self.card(brief)
        return QuoteView(
            markup(quote.html if on_brief_page or quote.in_body else without_cite_ids(quote.html)),
            quote.text,
            f"{card.url}#{quote.anchor}",
            speaker,
            markup(quote.cite_html if on_brief_page else without_cite_ids(quote.cite_html)),
            card,
            self.source_links(brief, quote.sources),
        )

    def takeaway(
        self, takeaway: Takeaway, brief: Brief, on_brief_page: bool = False
    ) -> TakeawayView:
        card = self.card(brief)
        return TakeawayView(
            markup(
                takeaway.html
                if on_brief_page or takeaway.in_body
                else without_cite_ids(takeaway.html)
            ),
            takeaway.text,
            f"{card.url}#{takeaway.anchor}",
            card,
        )

    def event(self, event: Event, brief: Brief, on_brief_page: bool = False) -> EventView:
        """An event as listed (kept: one appears on several actors' pages and timelines)."""
        if on_brief_page:
            return self._event(event, brief, True)
        view = self._events.get((id(event), id(brief)))
        if view is None:
            view = self._events[id(event), id(brief)] = self._event(event, brief, False)
        return view

    def _event(self, event: Event, brief: Brief, on_brief_page: bool) -> EventView:
        return EventView(
            event.date,
            event.title,
            tuple(dict.fromkeys(self.actor_link(ref) for ref in event.actors)),
            tuple(self.place_link(name) for name in event.places),
            markup(event.cite_html if on_brief_page else without_cite_ids(event.cite_html)),
            self.card(brief),
            self.source_links(brief, event.sources),
        )

    def source_use(self, use: SourceUse) -> SourceView:
        page = self.urls.brief(use.brief.slug)
        passages = tuple(Link(text, f"{page}#{anchor}") for anchor, text in use.passages)
        s = use.source
        return SourceView(
            s.number,
            f"source-{s.number}",
            s.title,
            s.url,
            s.date,
            self.publisher_link(s),
            (),
            self.card(use.brief),
            passages,
        )

    # ---- whole pages -------------------------------------------------------------------
    # ---- fingerprint keys: what a page shows, by digest -------------------------------------
    def names_key(self) -> str:
        """Every name the graph decides (actors, publishers, topics, places), as one digest."""
        if self._names_key is None:
            g = self.graph
            data = (
                [(i, n.actor) for i, n in g.actors.items()],
                [(i, n.publisher) for i, n in g.publishers.items()],
                [(t.slug, t.name) for t in g.topics.values()],
                [(t.slug, t.name) for t in g.places.values()],
            )
            self._names_key = _digest(repr(data))
        return self._names_key

    def aspect_keys(self) -> dict[str, str]:
        """For each aspect of briefs pages show (`ASPECTS`): that aspect of every published
        brief, in order, and every name.

        While the keys of the aspects a page shows are unchanged, the page can only have
        changed if it shows the body of an edited brief.
        """
        if self._aspect_keys is None:
            names = self.names_key()
            self._aspect_keys = {
                aspect: _digest(names + "".join(map(attrgetter(digest), self.graph.briefs)))
                for aspect, digest in ASPECTS.items()
            }
        return self._aspect_keys

    def sources_key(self) -> tuple:
        """The sources index: every publisher with its count, and the sources without one."""
        nodes = self.graph.publishers.values()
        publishers = sorted((n.publisher.id, n.publisher, len(n.uses)) for n in nodes)
        return (self.names_key(), publishers, _uses_key(self.graph.unattributed))

    def feed_key(self, limit: int) -> tuple:
        """Feeds carry the full content of the latest briefs."""
        return (self.names_key(), [b.digest for b in self.graph.briefs[:limit]])

    def actor_page_key(self, node: ActorNode) -> tuple:
        """An actor page shows its briefs, quotes, events and companions, and names."""
        return (
            self.names_key(),
            node.actor,
            [b.card_digest for b in node.briefs],
            [(q.anchor, b.quotes_digest) for q, b in node.quotes],
            [(e.date, e.title, b.events_digest) for e, b in node.events],
            sorted(self.graph.seen_with(node).items()),
            self.urls.timeline(node.actor.id) in self.timeline_urls(),
        )

    def timeline_page_key(self, actor_id: str | None = None) -> tuple:
        """The timeline (or one actor's) shows events, their briefs' cards and the filters."""
        events = self.graph.actors[actor_id].events if actor_id else self.graph.events
        return (
            self.names_key(),
            actor_id,
            [(e.date, e.title, b.events_digest) for e, b in events],
            self.timeline_filters(),
        )

    def home_key(self, limit: int) -> tuple:
        """The latest briefs and takeaways, and the most active actors."""
        g = self.graph
        latest = [(t.anchor, b.takeaways_digest) for t, b in g.takeaways[:limit]]
        cards = [b.card_digest for b in g.briefs[:limit]]
        return (self.names_key(), cards, latest, self.most_active())

    # The archive and the indexes of quotes and takeaways show one aspect of every brief,
    # in order, and names: that aspect's key (`aspect_keys`) is theirs.
    def archive_key(self) -> str:
        return self.aspect_keys()["cards"]

    def quotes_key(self) -> str:
        """Every quote with its brief's card (and sources, cited in the JSON-LD)."""
        return self.aspect_keys()["quotes"]

    def takeaways_key(self) -> str:
        return self.aspect_keys()["takeaways"]

    def publisher_page_key(self, node: PublisherNode) -> tuple:
        """A publisher's page shows each source citing it, with its brief's card and the
        passages citing it (not the rest of the brief's body)."""
        return (self.names_key(), node.publisher, _uses_key(node.uses))

    def term_page_key(self, node: TermNode) -> tuple:
        return (self.names_key(), node.slug, node.name, [b.card_digest for b in node.briefs])

    def brief_quick_key(self, brief: Brief) -> str:
        """A cheap key covering all a brief page shows: the brief, its neighbours and related
        briefs as listed, and every name. If it is unchanged, so is the page."""
        older, newer = self.graph.neighbours[brief.slug]
        shown = [b for b in (older, newer, *self.graph.related[brief.slug]) if b]
        listed = "".join(f"{b.slug}\0{b.card_digest}\0" for b in shown)
        return _digest(f"{self.names_key()}\0{brief.digest}\0{listed}")

    def brief_page_key(self, brief: Brief) -> tuple:
        """Everything a brief page shows that does not come from the brief itself."""
        older, newer = self.graph.neighbours[brief.slug]
        return (
            brief,
            [self.card_key(b) for b in (older, newer) if b],
            [self.card_key(b) for b in self.graph.related[brief.slug]],
            [self.actor_link(ref) for ref in brief.actors],
            [self.actor_link(q.by) for q in brief.quotes if q.by],
            [self.actor_link(ref) for e in brief.events for ref in e.actors],
            [
                self.place_link(name)
                for name in (*brief.places, *(p for e in brief.events for p in e.places))
            ],
            [self.topic_link(name) for name in brief.topics],
            [self.publisher_link(source) for source in brief.sources],
        )

    def brief_page(self, brief: Brief) -> dict:
        older, newer = self.graph.neighbours[brief.slug]
        return {
            "brief": brief,
            "card": self.card(brief),
            "body": markup(brief.body_html),
            "actors": [self.actor_link(ref) for ref in brief.actors],
            "places": [self.place_link(name) for name in brief.places],
            "topics": [self.topic_link(name) for name in brief.topics],
            "sources": self.sources(brief),
            "events": [self.event(e, brief, True) for e in brief.events],
            "quotes": [self.quote(q, brief, True) for q in brief.quotes if not q.in_body],
            "takeaways": [self.takeaway(t, brief, True) for t in brief.takeaways if not t.in_body],
            "older": self.card(older) if older else None,
            "newer": self.card(newer) if newer else None,
            "related": [self.card(b) for b in self.graph.related[brief.slug]],
        }

    def actor_page(self, node: ActorNode) -> dict:
        counts = self.graph.seen_with(node)
        seen_with = [
            self.actor_link(other)
            for other, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
        ]
        return {
            "actor": node.actor,
            "kind_label": _kind_label(node.actor),
            "briefs": [self.card(b) for b in node.briefs],
            "quotes": [self.quote(q, b) for q, b in node.quotes],
            "events": [self.event(e, b) for e, b in node.events],
            "seen_with": [
                (link, counts[link.url.rstrip("/").rsplit("/", 1)[-1]]) for link in seen_with
            ],
            "per_month": per_month(node.briefs),
            "activity": month_bars([b.date for b in node.briefs]),
            "on_timeline": self.urls.timeline(node.actor.id) in self.timeline_urls(),
        }

    def publisher_page(self, node: PublisherNode) -> dict:
        return {"publisher": node.publisher, "uses": [self.source_use(u) for u in node.uses]}

    def term_page(self, node: TermNode) -> dict:
        return {"term": node, "briefs": [self.card(b) for b in node.briefs]}

    def archive(self) -> list[Group]:
        return group_by_month([self.card(b) for b in self.graph.briefs], lambda c: c.date)

    def timeline(self, actor_id: str | None = None) -> list[Group]:
        """Every event (or one actor's), oldest first, by month, each month with its date axis."""
        pairs = self.graph.actors[actor_id].events if actor_id else self.graph.events
        events = [self.event(e, b) for e, b in pairs]
        return [with_axis(group) for group in group_by_month(events, lambda e: e.date)]

    def timeline_page(self, actor_id: str | None = None) -> dict:
        """The timeline's context: months, a chart of events per month and the actor filters."""
        groups = self.timeline(actor_id)
        dates = [e.date for group in groups for e in group.items]
        months = {group.key for group in groups}
        return {
            "groups": groups,
            "count": len(dates),
            "months": [
                bar if bar.url.removeprefix("#m-") in months else Bar(bar.label, 0, 0.0)
                for bar in month_bars(dates, limit=0, anchors=True)
            ],
            "actor": self.actor_link(actor_id) if actor_id else None,
            "filters": self.timeline_filters(),
            "all_url": self.urls.section("timeline"),
        }

    def timeline_actor_ids(self, limit: int = TIMELINE_FILTERS) -> list[str]:
        """The actors with the most events, most first: each gets a filtered timeline page."""
        nodes = sorted(
            (n for n in self.graph.actors.values() if n.events),
            key=lambda n: (-len(n.events), n.actor.name.casefold(), n.actor.id),
        )
        return [n.actor.id for n in nodes[:limit]]

    def timeline_filters(self) -> list[Link]:
        """Links to the filtered timeline pages, with each actor's number of events."""
        return [
            Link(
                self.graph.actors[i].actor.name,
                self.urls.timeline(i),
                count=len(self.graph.actors[i].events),
            )
            for i in self.timeline_actor_ids()
        ]

    def timeline_urls(self) -> frozenset[str]:
        """The URLs of the filtered timeline pages."""
        if self._timeline_urls is None:
            ids = self.timeline_actor_ids()
            self._timeline_urls = frozenset(self.urls.timeline(i) for i in ids)
        return self._timeline_urls

    def actors_index(self) -> list[Link]:
        nodes = sorted(
            self.graph.actors.values(), key=lambda n: (n.actor.name.casefold(), n.actor.id)
        )
        return [self.counted_actor(n) for n in nodes]

    def publishers_index(self) -> list[Link]:
        nodes = sorted(
            self.graph.publishers.values(),
            key=lambda n: (n.publisher.name.casefold(), n.publisher.id),
        )
        return [
            Link(
                n.publisher.name,
                self.urls.publisher(n.publisher.id),
                n.publisher.kind or "",
                len(n.uses),
            )
            for n in nodes
        ]

    def terms_index(self, terms: dict[str, TermNode], url) -> list[Link]:
        nodes = sorted(terms.values(), key=lambda n: (n.name.casefold(), n.slug))
        return [Link(n.name, url(n.slug), count=len(n.briefs)) for n in nodes]

    def most_active(self, limit: int = 10) -> list[Link]:
        nodes = sorted(
            self.graph.actors.values(), key=lambda n: (-len(n.briefs), n.actor.name.casefold())
        )
        return [self.counted_actor(n) for n in nodes[:limit]]

    def counted_actor(self, node: ActorNode) -> Link:
        """An actor's link with how many briefs name them (for indexes)."""
        return Link(node.actor.name, self.urls.actor(node.actor.id), count=len(node.briefs))


LISTED = "listed"
ASPECTS = {
    LISTED: "listing_digest",  # all that any listing may show of a brief
    "cards": "card_digest",
    "events": "events_digest",  # with the brief's card, actors and places
    "quotes": "quotes_digest",  # with its card and sources
    "takeaways": "takeaways_digest",  # with its card
    "sources": "sources_digest",  # with its card
}
"""What pages show of briefs besides their bodies, by the `Brief` digest that covers it."""


def _uses_key(uses: list[SourceUse]) -> list[tuple]:
    """What listings of sources show of each: the source and its brief's card (the digest of
    the brief's card and sources stands for them, with the source's number), the passages
    citing it (the digest of all its brief's cited passages stands for them)."""
    return [
        (use.brief.sources_digest, use.source.number, use.brief.passages_digest) for use in uses
    ]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def group_by_month(items: list, date_of) -> list[Group]:
    """Items (already in the order wanted) grouped under `Month YYYY` headings."""
    return [
        Group(month.strftime("%B %Y"), month.strftime("%Y-%m"), list(members))
        for month, members in groupby(items, key=lambda item: date_of(item).date().replace(day=1))
    ]


def per_month(briefs: list[Brief]) -> list[tuple[str, int]]:
    """Briefs per month, oldest first, for a small chart."""
    counts: dict[str, int] = {}
    for brief in sorted(briefs, key=lambda b: b.date):
        key = brief.date.strftime("%Y-%m")
        counts[key] = counts.get(key, 0) + 1
    return list(counts.items())


def month_bars(
    dates: list[dt.datetime], limit: int = CHART_MONTHS, anchors: bool = False
) -> list[Bar]:
    """A count per month from the first date's month to the last's, empty months included.

    `limit` keeps only the latest months (0 keeps all); `anchors` links each bar to `#m-YYYY-MM`.
    """
    if not dates:
        return []
    counts: dict[tuple[int, int], int] = {}
    for date in dates:
        counts[(date.year, date.month)] = counts.get((date.year, date.month), 0) + 1
    first, last = min(counts), max(counts)
    months = []
    year, month = first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if limit:
        months = months[-limit:]
    peak = max(counts.get(m, 0) for m in months) or 1
    return [
        Bar(
            f"{calendar.month_abbr[m]} {y}",
            counts.get((y, m), 0),
            round(100 * counts.get((y, m), 0) / peak, 1),
            f"#m-{y:04d}-{m:02d}" if anchors else "",
        )
        for y, m in months
    ]


def with_axis(group: Group) -> Group:
    """A month's group of events with its date axis: one mark per day that has events."""
    first = group.items[0].date
    days = calendar.monthrange(first.year, first.month)[1]
    per_day: dict[int, list[str]] = {}
    for event in group.items:
        per_day.setdefault(event.date.day, []).append(event.title)
    marks = tuple(
        Mark(day, _position(day, days), len(titles), "; ".join(titles))
        for day, titles in sorted(per_day.items())
    )
    ticks = tuple((day, _position(day, days)) for day in (1, 8, 15, 22, days))
    return Group(group.label, group.key, group.items, Axis(days, marks, ticks))


def _position(day: int, days: int) -> float:
    """Where a day sits on a month's axis, in percent of its width (the middle of the day)."""
    return round(100 * (day - 0.5) / days, 2)


def _kind_label(actor: Actor) -> str:
    return {"organization": "Organisation"}.get(actor.kind or "", (actor.kind or "").title())
