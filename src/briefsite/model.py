"""The site as plain, frozen data. No I/O here."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple, Protocol


class FastRepr:
    """A quick, deterministic repr (class name and field values), used in page fingerprints."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}{tuple(self.__dict__.values())!r}"


def record_repr(record: tuple) -> str:
    """A named tuple's quick repr (class name and field values), like `FastRepr`'s.

    The small records a brief holds by the dozen (actor references, sources, events, quotes,
    takeaways) are named tuples: a big site's build cache and its workers' results carry
    hundreds of thousands, and tuples are pickled and loaded faster than dataclass
    instances, in less memory.
    """
    return f"{type(record).__name__}{tuple.__repr__(record)}"


class ActorRef(NamedTuple):
    """An actor as a brief names it: a name, alias or registry id, maybe with a role."""

    __repr__ = record_repr

    name: str
    line: int
    role: str | None = None
    slug: str | None = None


@dataclass(frozen=True, repr=False)
class Actor(FastRepr):
    """A person, state, organisation or group; from the registry or from the names briefs use."""

    id: str
    name: str
    kind: str | None = None
    role: str | None = None
    country: str | None = None
    aliases: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    bio: str = ""
    path: str | None = None


@dataclass(frozen=True, repr=False)
class Publisher(FastRepr):
    """Who published a source: a registry entry or a free name."""

    id: str
    name: str
    url: str | None = None
    kind: str | None = None
    path: str | None = None


class SourceEntry(NamedTuple):
    """The n-th entry of a brief's source list."""

    __repr__ = record_repr

    number: int
    line: int
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: dt.datetime | None = None


class Event(NamedTuple):
    """Something that happened (or will), on a date."""

    __repr__ = record_repr

    date: dt.datetime
    title: str
    line: int
    actors: tuple[ActorRef, ...] = ()
    places: tuple[str, ...] = ()
    sources: tuple[int, ...] = ()
    cite_html: str = ""


class Quote(NamedTuple):
    """A quotation, from front matter or an attributed body blockquote; `html` has citations."""

    __repr__ = record_repr

    html: str
    text: str
    line: int
    by: ActorRef | None = None
    sources: tuple[int, ...] = ()
    anchor: str = ""
    cite_html: str = ""

    @property
    def in_body(self) -> bool:
        """A pull quote of the body (line 0): its brief page shows it in the body, so its
        `html`, the copy other pages show, has no citation ids (they are the body's)."""
        return self.line == 0


class Takeaway(NamedTuple):
    """One analyst takeaway; `html` has citations linked."""

    __repr__ = record_repr

    html: str
    text: str
    line: int
    anchor: str = ""

    @property
    def in_body(self) -> bool:
        """One of the body's analysis section: its brief page shows it in the body, so its
        `html`, the copy other pages show, has no citation ids (they are the body's)."""
        return self.anchor == "analysis"


class Citation(NamedTuple):
    """One link citing a source: `cite-<number>-<k>` on the brief page.

    `passage` indexes the brief's `passages` (one text per cited paragraph, quote, takeaway
    or event, shared by the citations in it). Briefs keep them flattened (`Brief.cited`): a
    big site has hundreds of thousands, and the build cache loads plain integers fastest.
    """

    number: int
    k: int
    passage: int

    @property
    def anchor(self) -> str:
        return citation_anchor(self.number, self.k)


def citation_anchor(number: int, k: int) -> str:
    """The id of the k-th link citing source `number` on its brief's page."""
    return f"cite-{number}-{k}"


class BodySource(Protocol):
    """Where a brief from the build cache finds its body (see `Brief.__getattr__`)."""

    def body(self, brief: Brief) -> BodyParts: ...


class BodyParts(NamedTuple):
    """What the build cache keeps aside from a brief's record: its body's HTML and the text
    of the passages citing its sources (most of its bytes, and most rebuilds show neither)."""

    body_html: str
    passages: tuple[str, ...]


@dataclass(frozen=True, eq=False, repr=False)
class Brief:
    """One brief, its Markdown already rendered to HTML fragments.

    `digest` identifies everything a brief holds (its file's bytes and what reading it
    depended on), so it stands for the whole brief in page fingerprints.

    A brief loaded from the build cache has its body kept aside (`BodyParts`: most of its
    bytes, and most rebuilds render no page that shows it): `body_html` and `passages` are
    fetched when either is first read.
    """

    path: str
    slug: str
    title: str
    date: dt.datetime
    summary: str
    body_html: str
    passages: tuple[str, ...]
    """The text of each paragraph citing a source (see `cited`)."""
    updated: dt.datetime | None = None
    draft: bool = False
    actors: tuple[ActorRef, ...] = ()
    places: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[SourceEntry, ...] = ()
    events: tuple[Event, ...] = ()
    quotes: tuple[Quote, ...] = ()
    takeaways: tuple[Takeaway, ...] = ()
    cited: tuple[int, ...] = ()
    """Every citation's number, k and passage in turn (see `citations`)."""
    words: int = 0
    digest: str = ""

    def __repr__(self) -> str:
        return f"Brief({self.path!r}, {self.digest!r})"

    def __getattr__(self, name: str) -> object:
        """Only called for an attribute the brief lacks: a cached brief's body or passages."""
        bodies: BodySource | None = self.__dict__.get("_bodies")
        if name not in BodyParts._fields or bodies is None:
            raise AttributeError(f"'Brief' object has no attribute {name!r}")
        parts = bodies.body(self)
        object.__setattr__(self, "body_html", parts.body_html)
        object.__setattr__(self, "passages", parts.passages)
        return getattr(parts, name)

    def __reduce__(self) -> tuple:
        # pickled as its attributes' names and values: loading a big site's record of every
        # brief then makes each brief in one call, not through a dict of its state (-15%)
        names = tuple(self.__dict__)
        return (_brief_from, (_NAMES.setdefault(names, names), tuple(self.__dict__.values())))

    def keep_body_in(self, bodies: BodySource) -> None:
        """Fetch the body from `bodies` when it is first read, if this brief has none."""
        object.__setattr__(self, "_bodies", bodies)

    def without_body(self) -> Brief:
        """This brief as the build cache keeps it: all but its body (`BodyParts`)."""
        copy = object.__new__(Brief)
        state = dict(self.__dict__)
        for name in (*BodyParts._fields, "_bodies"):
            state.pop(name, None)
        copy.__dict__.update(state)
        return copy

    def citations(self) -> list[Citation]:
        """The brief's citation links, in the order they appear."""
        flat = self.cited
        return [Citation(*flat[at : at + 3]) for at in range(0, len(flat), 3)]

    def cited_passages(self, number: int) -> list[tuple[str, str]]:
        """(anchor, text) for each passage citing source `number`, in order: a paragraph
        citing it twice is listed once, at its first citation."""
        flat, texts = self.cited, self.passages
        first: dict[int, str] = {}
        for at in range(0, len(flat), 3):
            if flat[at] == number and flat[at + 2] and flat[at + 2] not in first:
                first[flat[at + 2]] = citation_anchor(number, flat[at + 1])
        return [(anchor, texts[passage]) for passage, anchor in first.items()]

    def compute_digests(self) -> None:
        """Compute every digest pages are keyed by (each is computed once, then kept)."""
        for name in _DIGESTS:
            getattr(self, name)

    @functools.cached_property
    def listing_digest(self) -> str:
        """Identifies what other pages show of this brief: everything but its body's text.

        An edit of the body alone leaves it unchanged (unless it changes the summary, a
        quote or a takeaway), so listings need not be rendered again. Built on the other
        digests, which together cover every field it stands for.
        """
        parts = (self.events_digest, self.quotes_digest, self.takeaways_digest)
        return _digest((*parts, self.updated, self.draft))

    @functools.cached_property
    def card_digest(self) -> str:
        """Identifies the brief as lists of briefs show it (a card: title, date, summary...)."""
        return _digest((self.path, self.slug, self.title, self.date, self.summary, self.topics))

    @functools.cached_property
    def events_digest(self) -> str:
        """Identifies the brief's events, as timelines show them (with its card); without
        events, its one default event has the brief's actors and places."""
        return _digest((self.card_digest, self.events, self.actors, self.places))

    @functools.cached_property
    def quotes_digest(self) -> str:
        """Identifies the brief's quotes, as lists of quotes show them (with its card and the
        sources they cite)."""
        return _digest((self.sources_digest, self.quotes))

    @functools.cached_property
    def sources_digest(self) -> str:
        """Identifies the brief's sources, as lists of sources show them (with its card)."""
        return _digest((self.card_digest, self.sources))

    @functools.cached_property
    def takeaways_digest(self) -> str:
        """Identifies the brief's takeaways, as lists of takeaways show them (with its card)."""
        return _digest((self.card_digest, self.takeaways))

    @functools.cached_property
    def passages_digest(self) -> str:
        """Identifies the passages citing each source, as lists of sources show them."""
        return _digest((self.cited, self.passages))

    @functools.cached_property
    def related_digest(self) -> str:
        """Identifies what decides related briefs: slug, date, actors as named, topics."""
        actors = [(ref.name, ref.slug) for ref in self.actors]
        return _digest((self.slug, BY_DATE(self), actors, self.topics))


_DIGESTS = (
    "listing_digest",
    "card_digest",
    "events_digest",
    "quotes_digest",
    "takeaways_digest",
    "sources_digest",
    "related_digest",
    "passages_digest",
)


BY_DATE = attrgetter("date", "slug")
"""A brief's place in date order: its date, then its slug (made in C: sorts call it often)."""

_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}
"""One tuple per set of attribute names briefs have, so a pickle holds it once."""


def _brief_from(names: tuple[str, ...], values: tuple) -> Brief:
    """A pickled brief (see `Brief.__reduce__`)."""
    brief = object.__new__(Brief)
    brief.__dict__.update(zip(names, values, strict=True))
    return brief


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()
