"""Authoring commands: `briefsite new brief|actor` writes skeletons, `briefsite list` shows what
the site knows. Files are created exclusively: nothing is ever overwritten."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from briefsite.config import load_config
from briefsite.diagnostics import Diagnostics
from briefsite.graph import Graph
from briefsite.pipeline import Builder, BuildOptions
from briefsite.registry import ACTOR_KINDS, load_registry
from briefsite.sitefiles import inside
from briefsite.slugs import slugify
from briefsite.terminal import Terminal

_DATED_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_SLUG_KEY = re.compile(r"^slug:\s*[\"']?([^\"'#\s]+)", re.M)
LISTABLE = ("actors", "sources", "topics", "places")


class AuthoringError(Exception):
    """A request that cannot be carried out (a name with no letters, a file that exists)."""


def yaml_text(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's) that keeps `text` as written."""
    return json.dumps(text, ensure_ascii=False)


def site_today(site: Path) -> dt.date:
    """Today in the site's timezone (content/site.yml `timezone`, default UTC)."""
    config = load_config(site, Diagnostics(), None)
    return dt.datetime.now(config.tz).date()


def taken_slugs(site: Path) -> set[str]:
    """Slugs of every brief file, drafts included: explicit `slug:` keys and file stems."""
    slugs: set[str] = set()
    folder = site / "content" / "briefs"
    if not folder.is_dir():
        return slugs
    for path in folder.rglob("*"):
        if path.suffix not in (".md", ".markdown") or not path.is_file():
            continue
        slugs.add(_DATED_STEM.sub("", path.stem))
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        slugs.update(match.group(1) for match in _SLUG_KEY.finditer(head))
    return slugs


def unique_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is free."""
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def brief_skeleton(title: str, date: dt.date, actors: list[str]) -> str:
    """A valid brief that builds without errors or warnings, as a draft to fill in."""
    actor_lines = "".join(f"  - {yaml_text(name)}\n" for name in actors)
    return (
        "---\n"
        f"title: {yaml_text(title)}\n"
        f"date: {date.isoformat()}\n"
        "draft: true                 # set to false (or delete) to publish\n"
        "# summary: One sentence for lists and feeds (default: the first paragraph).\n"
        + (f"actors:\n{actor_lines}" if actors else "# actors: [Name, Alias, registry-id]\n")
        + "# places: [Istanbul]\n"
        "# topics: [Ceasefire]\n"
        "sources:                     # citation [1] is the first entry\n"
        "  - {}                       # add title, publisher, url (http/https) and date\n"
        "---\n"
        "Write the brief here. Cite each claim with its source's number [1].\n"
        "\n"
        "## Takeaway\n"
        "\n"
        "What this means, in one or two sentences.\n"
    )


def new_brief(
    site: Path, title: str, actors: list[str] | None = None, date: dt.date | None = None
) -> Path:
    """Write `content/briefs/<date>-<slug>.md` with a unique slug; return its path."""
    base = slugify(title)
    if not base:
        raise AuthoringError(f"cannot make a slug from the title {title!r}")
    when = date or site_today(site)
    slug = unique_slug(base, taken_slugs(site))
    path = _content_folder(site, "briefs") / f"{when.isoformat()}-{slug}.md"
    _create(path, brief_skeleton(title, when, actors or []))
    return path


def actor_skeleton(name: str, kind: str | None) -> str:
    """A registry entry with its optional keys shown as comments."""
    return (
        "---\n"
        f"name: {yaml_text(name)}\n"
        + (f"kind: {kind}\n" if kind else f"# kind: {' | '.join(ACTOR_KINDS)}\n")
        + "# role: Their title or job\n"
        "# country: Where they act\n"
        "# aliases: [Other names briefs use]\n"
        "# links: [https://example.org/profile]\n"
        "---\n"
    )


def new_actor(site: Path, name: str, kind: str | None = None) -> Path:
    """Write `content/actors/<slug>.md`; refuse a name the registry already knows."""
    slug = slugify(name)
    if not slug:
        raise AuthoringError(f"cannot make an id from the name {name!r}")
    if kind is not None and kind not in ACTOR_KINDS:
        raise AuthoringError(f"kind must be one of {', '.join(ACTOR_KINDS)}")
    registry = load_registry(site, Diagnostics())
    known = registry.actor_names.get(name.casefold()) or (slug if slug in registry.actors else None)
    if known:
        raise AuthoringError(f"{name!r} is already registered: content/actors/{known}.md")
    path = _content_folder(site, "actors") / f"{slug}.md"
    _create(path, actor_skeleton(name, kind))
    return path


def _content_folder(site: Path, name: str) -> Path:
    """`content/<name>/`, made if need be: never a folder outside the site root."""
    folder = site / "content" / name
    if not inside(site, folder):
        raise AuthoringError(f"{folder} leads outside the site root; nothing was written")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _create(path: Path, text: str) -> None:
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise AuthoringError(f"{path} already exists; nothing was written") from None


@dataclass(frozen=True)
class Row:
    """One line of `briefsite list`: how many briefs (or source entries), a name and an id."""

    count: int
    name: str
    ident: str
    note: str = ""


def listing(graph: Graph, what: str) -> list[Row]:
    """What the site knows of actors, sources (publishers), topics or places, most used first."""
    if what == "actors":
        rows = [
            Row(len(n.briefs), n.actor.name, n.actor.id, n.actor.kind or "")
            for n in graph.actors.values()
        ]
    elif what == "sources":
        rows = [
            Row(len(n.uses), n.publisher.name, n.publisher.id, n.publisher.kind or "")
            for n in graph.publishers.values()
        ]
        if graph.unattributed:
            rows.append(Row(len(graph.unattributed), "(no publisher)", "-"))
    elif what in ("topics", "places"):
        terms = graph.topics if what == "topics" else graph.places
        rows = [Row(len(n.briefs), n.name, n.slug) for n in terms.values()]
    else:
        raise AuthoringError(f"cannot list {what!r}: choose one of {', '.join(LISTABLE)}")
    return sorted(rows, key=lambda r: (-r.count, r.name.casefold(), r.ident))


def format_listing(rows: list[Row], what: str) -> list[str]:
    """Aligned plain-text lines with a header and a total."""
    unit = "entries" if what == "sources" else "briefs"
    if not rows:
        return [f"no {what} yet"]
    width = max(len(unit), *(len(str(r.count)) for r in rows))
    name_width = min(40, max(4, *(len(r.name) for r in rows)))
    lines = [f"{unit:>{width}}  {'name':<{name_width}}  id"]
    for r in rows:
        note = f"  ({r.note})" if r.note else ""
        lines.append(f"{r.count:>{width}}  {r.name:<{name_width}}  {r.ident}{note}")
    noun = what if len(rows) != 1 else what.removesuffix("s")
    lines.append(f"{len(rows)} {noun}")
    return lines


def parse_date(text: str) -> dt.date:
    """`--date YYYY-MM-DD` for argparse."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def run_new(args: argparse.Namespace) -> int:
    """`briefsite new brief|actor`: write a skeleton, print its path; 1 if it cannot."""
    terminal = Terminal(sys.stderr)
    site = args.site.resolve()
    try:
        if args.kind_of_new == "brief":
            path = new_brief(site, args.title, args.actors, args.date)
        else:
            path = new_actor(site, args.name, args.kind)
    except AuthoringError as exc:
        terminal.error_line(f"error: {exc}")
        return 1
    print(path.relative_to(site).as_posix())
    if not args.quiet:
        hint = "a draft: it is built with --drafts" if args.kind_of_new == "brief" else ""
        terminal.detail(f"created {path}" + (f" ({hint})" if hint else ""))
    return 0


def run_list(args: argparse.Namespace) -> int:
    """`briefsite list actors|sources|topics|places`: a table on stdout, problems on stderr."""
    terminal = Terminal(sys.stderr)
    site = args.site.resolve()
    options = BuildOptions(site=site, drafts=args.drafts, use_cache=False)
    loaded, diagnostics = Builder(options).load()
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        terminal.diagnostics(diagnostics, site)
    for line in format_listing(listing(loaded.graph, args.what), args.what):
        print(line)
    return 1 if errors else 0
