"""Read one brief file into a `Brief`: type-check its front matter and render its Markdown.

Each brief depends only on its own bytes and the `BriefContext`, so briefs can be read in
any order, in worker processes, and cached by content hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from briefsite.diagnostics import Diagnostic, Diagnostics
from briefsite.fields import Reader
from briefsite.markdown import (
    ActorLink,
    BriefMarkdown,
    CitationSink,
    Fragment,
    attribution_name,
    marker_lines,
    without_cite_ids,
)
from briefsite.model import ActorRef, Brief, Event, Quote, SourceEntry, Takeaway
from briefsite.registry import Registry, read_yaml_file
from briefsite.slugs import MAX_SLUG_LENGTH, is_safe_slug, slug_problem, slugify
from briefsite.urls import Urls
from briefsite.yamlsafe import Node

BRIEF_KEYS = frozenset(
    {
        "title",
        "date",
        "summary",
        "actors",
        "places",
        "topics",
        "sources",
        "events",
        "quotes",
        "takeaways",
        "draft",
        "slug",
        "updated",
    }
)
SOURCE_KEYS = frozenset({"title", "publisher", "url", "date"})
EVENT_KEYS = frozenset({"date", "title", "actors", "place", "places", "sources"})
QUOTE_KEYS = frozenset({"text", "by", "source"})
ACTOR_REF_KEYS = frozenset({"name", "role", "slug"})
_DATED_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}-(?=.)")


@dataclass(frozen=True)
class BriefContext:
    """What reading a brief needs beyond its own file."""

    registry: Registry
    urls: Urls
    timezone: str


def read_brief(
    root: Path,
    path: Path,
    context: BriefContext,
    renderer: BriefMarkdown,
    data: bytes | None = None,
    digest: str = "",
) -> tuple[Brief | None, list[Diagnostic]]:
    """Read and render one brief; problems come back as diagnostics, never as exceptions.

    `data` is the file's bytes if already read; `digest` identifies them and the context.
    """
    rel = path.relative_to(root).as_posix()
    diags = Diagnostics()
    reader = Reader(rel, diags)
    node, body, body_line = read_yaml_file(path, rel, reader, data)
    if node is None:
        return None, diags.items
    brief = _BriefReader(reader, node, context, renderer).read(path, body, body_line, digest)
    if brief is not None:
        brief.compute_digests()  # here, in the worker: they travel with it and are cached
    return brief, diags.items


class _BriefReader:
    def __init__(
        self, reader: Reader, node: Node, context: BriefContext, renderer: BriefMarkdown
    ) -> None:
        self.reader = reader
        self.node = node
        self.context = context
        self.renderer = renderer
        self.tz = ZoneInfo(context.timezone)
        self.passages: list[tuple[int, int, str]] = []
        """(source, k, text) for citation links outside the body's paragraphs."""

    def get(self, key: str) -> Node | None:
        return self.node.entries.get(key)

    def read(self, path: Path, body: str, body_line: int, digest: str) -> Brief | None:
        reader = self.reader
        reader.unknown_keys(self.node, BRIEF_KEYS, "brief front matter")
        title = reader.text(self.get("title"), "title")
        date = self._date("date")
        self._require(self.node, {"title": title, "date": date}, 1, "")
        slug = self._slug(path)
        sources = self._sources()
        actors = self._actor_refs(self.get("actors"), "actors")
        places = self._names(self.get("places"), "places")
        topics = self._names(self.get("topics"), "topics")
        events = self._events()
        raw_quotes = self._quote_items()
        raw_takeaways = reader.text_list(self.get("takeaways"), "takeaways")
        draft = reader.boolean(self.get("draft"), "draft") or False
        updated = self._date("updated")
        summary = reader.text(self.get("summary"), "summary")
        if not (title and date and slug is not None):
            return None
        url = self.context.urls.brief(slug)
        titles = {s.number: _source_label(s) for s in sources}
        sink = CitationSink(url, titles)
        rendered = self.renderer.render_body(body, sink, self._actor_links(actors), self._speaker)
        self._check_markers(sink, body, body_line)
        quotes = self._quotes(rendered.quotes, raw_quotes, sink, body, body_line)
        takeaways = self._takeaways(rendered.takeaways, raw_takeaways, sink, body_line)
        events = self._event_citations(events, sink)
        self._check_uncited(sources, sink, events, quotes)
        texts: dict[str, int] = {"": 0}
        passages = (*rendered.passages, *self.passages)
        where = {(n, k): texts.setdefault(text, len(texts)) for n, k, text in passages}
        cited = tuple(value for n, k in sink.made for value in (n, k, where.get((n, k), 0)))
        return Brief(
            path=reader.path,
            slug=slug,
            title=title,
            date=date,
            summary=summary or rendered.first_paragraph,
            body_html=rendered.html,
            updated=updated,
            draft=draft,
            actors=actors,
            places=places,
            topics=topics,
            sources=sources,
            events=events,
            quotes=quotes,
            takeaways=takeaways,
            cited=cited,
            passages=tuple(texts),
            words=rendered.words,
            digest=digest,
        )

    # ---- scalar fields -------------------------------------------------------------
    def _require(self, node: Node, values: dict[str, object], line: int, what: str) -> None:
        """Report required keys that are missing (at `line`) or empty (at their own line)."""
        for key, value in values.items():
            if key not in node.entries:
                self.reader.error(line, f"{what or ''}missing required key '{key}'")
            elif node.entries[key].is_null or (value == "" and key != "date"):
                self.reader.error(node.key_lines[key], f"'{key}' must not be empty")

    def _date(self, key: str, node: Node | None = None) -> object:
        node = node if node is not None else self.get(key)
        if node is not None and node.kind != "scalar":
            kind = "list" if node.kind == "seq" else "mapping"
            self.reader.error(
                node.line, f"'{key}' must be a date or ISO 8601 date-time, not a {kind}"
            )
            return None
        return self.reader.when(node, key, self.tz)

    def _slug(self, path: Path) -> str | None:
        explicit = self.reader.text(self.get("slug"), "slug")
        if explicit is not None:
            if not is_safe_slug(explicit):
                line = self.node.key_lines["slug"]
                self.reader.error(
                    line,
                    f"slug '{explicit}' must be lower-case a-z, 0-9, '-', '.' or '_', "
                    f"at most {MAX_SLUG_LENGTH} characters, and stay inside the site",
                )
                return None
            return explicit
        slug = slugify(_DATED_STEM.sub("", path.stem))
        if not slug:
            self.reader.error(1, f"cannot make a slug from the file name '{path.name}'")
            return None
        return slug

    def _names(self, node: Node | None, key: str) -> tuple[str, ...]:
        """Topics or places, each once."""
        found = []
        for value, line in self.reader.text_list(node, key):
            if self._can_name_page(slugify(value), line, f"'{value}' in '{key}'"):
                found.append(value)
        return tuple(dict.fromkeys(found))

    def _can_name_page(self, slug: str, line: int, what: str) -> bool:
        """Whether `slug`, made from the name `what` describes, can name a page (an error at
        `line` if not: an empty slug would put the page in place of its section's index)."""
        problem = slug_problem(slug)
        if problem:
            self.reader.error(line, f"{what} {problem}")
        return problem is None

    # ---- actors --------------------------------------------------------------------
    def _actor_refs(self, node: Node | None, key: str) -> tuple[ActorRef, ...]:
        refs: dict[str, ActorRef] = {}
        items = (
            (node,) if node is not None and node.kind == "scalar" else self.reader.items(node, key)
        )
        for item in items:
            ref = self._actor_ref(item, key)
            if ref is not None:
                refs.setdefault(self._actor_id(ref), ref)
        return tuple(refs.values())

    def _actor_ref(self, item: Node, key: str) -> ActorRef | None:
        if item.kind == "map":
            self.reader.unknown_keys(item, ACTOR_REF_KEYS, f"an entry of '{key}'")
            name = self.reader.text(item.entries.get("name"), "name")
            if not name:
                self.reader.error(item.line, f"an entry of '{key}' needs a 'name'")
                return None
            role = self.reader.text(item.entries.get("role"), "role")
            slug = self.reader.text(item.entries.get("slug"), "slug")
            if slug is not None and not is_safe_slug(slug):
                self.reader.error(item.line, f"'{slug}' is not a usable slug")
                slug = None
            if slug is None and not self._actor_page(name, item.line):
                return None
            return ActorRef(name, item.line, role, slug)
        name = self.reader.text(item, key)
        if not name or not self._actor_page(name, item.line):
            return None
        return ActorRef(name, item.line)

    def _actor_page(self, name: str, line: int) -> bool:
        actor_id = self.context.registry.actor_id(name)
        return self._can_name_page(actor_id, line, f"actor name '{name}'")

    def _actor_id(self, ref: ActorRef) -> str:
        return ref.slug or self.context.registry.actor_id(ref.name)

    def _actor_links(self, refs: tuple[ActorRef, ...]) -> list[ActorLink]:
        registry = self.context.registry
        links = []
        for ref in refs:
            actor_id = self._actor_id(ref)
            actor = registry.actors.get(actor_id)
            names = (actor.name, *actor.aliases) if actor else ()
            names = tuple(dict.fromkeys((ref.name, *names)))
            links.append(ActorLink(names, self.context.urls.actor(actor_id)))
        return links

    def _speaker(self, name: str) -> str | None:
        return (
            self.context.urls.actor(self.context.registry.actor_id(name)) if slugify(name) else None
        )

    # ---- sources, events, quotes, takeaways ------------------------------------------
    def _sources(self) -> tuple[SourceEntry, ...]:
        entries = []
        for number, item in enumerate(self.reader.items(self.get("sources"), "sources"), 1):
            if item.is_null:
                entries.append(SourceEntry(number, item.line))
                continue
            if item.kind != "map":
                self.reader.error(
                    item.line,
                    f"source {number} must be a mapping such as "
                    "{title: ..., publisher: ..., url: ...} (or {})",
                )
                entries.append(SourceEntry(number, item.line))
                continue
            self.reader.unknown_keys(item, SOURCE_KEYS, f"source {number}")
            get = item.entries.get
            entries.append(
                SourceEntry(
                    number,
                    item.line,
                    title=self.reader.text(get("title"), "title"),
                    publisher=self._publisher(get("publisher")),
                    url=self.reader.url(get("url"), "url"),
                    date=self._date("date", get("date")) if get("date") else None,
                )
            )
        return tuple(entries)

    def _publisher(self, node: Node | None) -> str | None:
        name = self.reader.text(node, "publisher")
        if not name or node is None:
            return None
        publisher_id = self.context.registry.publisher_id(name)
        return name if self._can_name_page(publisher_id, node.line, f"publisher '{name}'") else None

    def _events(self) -> tuple[Event, ...]:
        events = []
        for item in self.reader.items(self.get("events"), "events"):
            if item.kind != "map":
                self.reader.error(item.line, "an event must be a mapping with 'date' and 'title'")
                continue
            self.reader.unknown_keys(item, EVENT_KEYS, "an event")
            get = item.entries.get
            date = self._date("date", get("date")) if get("date") else None
            title = self.reader.text(get("title"), "title")
            self._require(item, {"date": date, "title": title}, item.line, "an event ")
            places = self._names(get("place"), "place") + self._names(get("places"), "places")
            sources = self._source_numbers(get("sources"), "sources", "event")
            if date and title:
                actors = self._actor_refs(get("actors"), "actors")
                events.append(Event(date, title, item.line, actors, tuple(places), sources))
        return tuple(events)

    def _source_numbers(self, node: Node | None, key: str, what: str) -> tuple[int, ...]:
        numbers = []
        for number, line in self.reader.integers(node, key):
            if number > self._count_sources():
                self.reader.error(
                    line, f"{what} source {number} does not exist ({self._source_count()})"
                )
            else:
                numbers.append(number)
        return tuple(numbers)

    def _quote_items(self) -> list[tuple[str, ActorRef | None, tuple[int, ...], int]]:
        found = []
        for item in self.reader.items(self.get("quotes"), "quotes"):
            if item.kind != "map":
                self.reader.error(item.line, "a quote must be a mapping with 'text'")
                continue
            self.reader.unknown_keys(item, QUOTE_KEYS, "a quote")
            text_node = item.entries.get("text")
            text = self.reader.text(text_node, "text")
            if not text:
                if text_node is None or text_node.kind == "scalar":  # else: reported as a type
                    self.reader.error(item.line, "a quote needs a 'text'")
                continue
            by_node = item.entries.get("by")
            by_name = self.reader.text(by_node, "by")
            named = by_name and by_node and self._actor_page(by_name, by_node.line)
            by = ActorRef(by_name, by_node.line) if named else None
            found.append(
                (
                    text,
                    by,
                    self._source_numbers(item.entries.get("source"), "source", "quote"),
                    item.line,
                )
            )
        return found

    def _quotes(
        self, body_quotes: list, raw: list, sink: CitationSink, body: str, body_line: int
    ) -> tuple[Quote, ...]:
        quotes = []
        for q in body_quotes:
            named = q.by and self._actor_page(q.by, _attribution_line(body, body_line, q.by))
            by = ActorRef(q.by, 0) if named else None
            quotes.append(Quote(without_cite_ids(q.html), q.text, 0, by, q.sources, q.anchor))
        for text, by, sources, line in raw:
            since = len(sink.made)
            fragment = self._fragment(text, sink, line)
            anchor = f"quote-{len(quotes) + 1}"
            block = fragment.html if fragment.html.startswith("<") else f"<p>{fragment.html}</p>"
            cite_html = _cite(sink, sources)
            self._passage(sink, since, fragment.text)
            quotes.append(Quote(block, fragment.text, line, by, sources, anchor, cite_html))
        return tuple(quotes)

    def _takeaways(
        self, body: list[Fragment], raw: list[tuple[str, int]], sink: CitationSink, body_line: int
    ) -> tuple[Takeaway, ...]:
        takeaways = [
            Takeaway(without_cite_ids(f.html), f.text, body_line, "analysis") for f in body
        ]
        for index, (text, line) in enumerate(raw, 1):
            since = len(sink.made)
            fragment = self._fragment(text, sink, line)
            self._passage(sink, since, fragment.text)
            takeaways.append(Takeaway(fragment.html, fragment.text, line, f"takeaway-{index}"))
        return tuple(takeaways)

    def _fragment(self, text: str, sink: CitationSink, line: int) -> Fragment:
        before = len(sink.invalid)
        fragment = self.renderer.render_fragment(text, sink)
        for _, missing in sink.invalid[before:]:
            self._bad_marker(missing, line)
        return fragment

    def _event_citations(self, events: tuple[Event, ...], sink: CitationSink) -> tuple[Event, ...]:
        """Link each event's sources now, so the links are numbered in page order."""
        linked = []
        for event in events:
            since = len(sink.made)
            linked.append(event._replace(cite_html=_cite(sink, event.sources)))
            self._passage(sink, since, event.title)
        return tuple(linked)

    def _passage(self, sink: CitationSink, since: int, text: str) -> None:
        """Make `text` the passage of the citation links made since `since` (a quote, a
        takeaway or an event from the front matter, as lists of a source's uses show them)."""
        self.passages.extend((n, k, text) for n, k in sink.made[since:])

    def _check_markers(self, sink: CitationSink, body: str, body_line: int) -> None:
        """Report the body's markers citing no source, each at its line in the file."""
        if not sink.invalid:
            return
        lines = marker_lines(body, body_line)
        seen: dict[str, int] = {}
        for marker, missing in sink.invalid:
            index = seen.get(marker, 0)
            seen[marker] = index + 1
            matches = [line for text, line in lines if _same_marker(text, marker)]
            line = matches[min(index, len(matches) - 1)] if matches else body_line
            self._bad_marker(missing, line)
        sink.invalid.clear()

    def _bad_marker(self, missing: list[int], line: int) -> None:
        for number in missing:
            self.reader.error(line, f"citation [{number}] has no source ({self._source_count()})")

    def _count_sources(self) -> int:
        node = self.get("sources")
        return len(node.items) if node is not None and node.kind == "seq" else 0

    def _source_count(self) -> str:
        count = self._count_sources()
        return f"the brief has {count} source{'s' * (count != 1)}"

    def _check_uncited(
        self,
        sources: tuple[SourceEntry, ...],
        sink: CitationSink,
        events: tuple[Event, ...],
        quotes: tuple[Quote, ...],
    ) -> None:
        cited = {n for n, _ in sink.made}
        cited |= {n for q in quotes for n in q.sources}
        cited |= {n for e in events for n in e.sources}
        for source in sources:
            if source.number not in cited:
                self.reader.warning(
                    source.line,
                    f"source {source.number} is cited nowhere (body, takeaways, quotes or events)",
                )


def _attribution_line(body: str, body_line: int, name: str) -> int:
    """The line in the file of the first attribution (`— Name`) to `name` in the body (else
    the body's first line)."""
    for offset, line in enumerate(body.splitlines()):
        if attribution_name(line) == name:
            return body_line + offset
    return body_line


def _cite(sink: CitationSink, numbers: tuple[int, ...]) -> str:
    return sink.render(", ".join(map(str, numbers))) if numbers else ""


def _same_marker(a: str, b: str) -> bool:
    return a.replace(" ", "") == b.replace(" ", "")


def _source_label(source: SourceEntry) -> str:
    return source.title or source.publisher or f"Source {source.number}"
