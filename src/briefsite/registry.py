"""The actor and publisher registries, and resolving the names briefs use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import markdown as python_markdown

from briefsite.diagnostics import Diagnostic, Diagnostics
from briefsite.fields import Reader
from briefsite.frontmatter import DecodeProblem, decode, split_front_matter
from briefsite.inline import use_triggered_inline
from briefsite.model import Actor, Publisher
from briefsite.output import digest_bytes
from briefsite.sitefiles import SiteFile, scan_files
from briefsite.slugs import is_safe_slug, slugify
from briefsite.yamlsafe import Node, parse_yaml

ACTOR_KINDS = ("person", "state", "organization", "group")
PUBLISHER_KINDS = ("news", "government", "think-tank", "social", "other")
ACTOR_KEYS = frozenset({"name", "kind", "role", "country", "aliases", "links", "slug"})
PUBLISHER_KEYS = frozenset({"name", "url", "kind"})
MAX_FILE_BYTES = 10 * 1024 * 1024  # a brief is prose: anything larger is a mistake

RegistryMemo = dict[str, tuple[str, Actor | Publisher | None, tuple[Diagnostic, ...]]]
"""What reading each registry file gave last time, by path: (its bytes' digest, the entry,
its problems). A file whose bytes are unchanged is not parsed again."""


@dataclass(frozen=True)
class Registry:
    """Registered actors and publishers, and the case-insensitive names that find them."""

    actors: dict[str, Actor] = field(default_factory=dict)
    publishers: dict[str, Publisher] = field(default_factory=dict)
    actor_names: dict[str, str] = field(default_factory=dict)
    publisher_names: dict[str, str] = field(default_factory=dict)

    def actor_id(self, name: str) -> str:
        """The id a name, alias or registry id refers to (its slug if unregistered)."""
        return self.actor_names.get(name.casefold()) or slugify(name)

    def publisher_id(self, name: str) -> str:
        """The id a registry id or free publisher name refers to."""
        return self.publisher_names.get(name.casefold()) or slugify(name)


def read_digested(path: Path, size: int) -> tuple[bytes | None, str | None]:
    """A content file's bytes and their digest; (None, None) if it cannot be read or is too
    large to read (reading it as a brief or entry reports why)."""
    if size > MAX_FILE_BYTES:
        return None, None
    try:
        data = path.read_bytes()
    except OSError:
        return None, None
    return data, digest_bytes(data)


def read_yaml_file(
    path: Path, rel: str, reader: Reader, data: bytes | None = None
) -> tuple[Node | None, str, int]:
    """Parse a `.yml` file or a Markdown file's front matter: (node, body, body's first line)."""
    try:
        size = len(data) if data is not None else path.stat().st_size
        if size > MAX_FILE_BYTES:
            reader.error(1, f"file is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
            return None, "", 1
        text = decode(data if data is not None else path.read_bytes())
    except DecodeProblem as problem:
        reader.error(problem.line, problem.message)
        return None, "", 1
    except OSError as exc:
        reader.error(1, f"cannot read file: {exc.strerror}")
        return None, "", 1
    body, body_line, yaml_text, yaml_line = "", 1, text, 1
    if rel.endswith(".md"):
        split = split_front_matter(text)
        if isinstance(split, str):
            reader.error(1, split)
            return None, "", 1
        body, body_line, yaml_text, yaml_line = (
            split.body,
            split.body_first_line,
            split.yaml_text,
            2,
        )
    elif not text.strip():
        reader.error(1, "file is empty")
        return None, "", 1
    node, problems = parse_yaml(yaml_text, yaml_line)
    for line, message in problems:
        reader.error(line, message)
    if problems:
        return None, body, body_line
    if node is None or node.kind != "map":
        what = "front matter" if rel.endswith(".md") else "file"
        reader.error(node.line if node else 1, f"{what} must be a mapping of keys to values")
        return None, body, body_line
    return node, body, body_line


def load_registry(root: Path, diags: Diagnostics, memo: RegistryMemo | None = None) -> Registry:
    """Read `content/actors/*.md` and `content/sources/*.yml`.

    `memo` (updated in place) spares parsing files whose bytes have not changed.
    """
    memo = {} if memo is None else memo
    seen: set[str] = set()
    actors: dict[str, Actor] = {}
    actor_names: dict[str, str] = {}
    for file in scan_files(root, "content/actors", (".md",), diags, recursive=False):
        actor = _read_entry(_read_actor, file, diags, memo, seen)
        if not isinstance(actor, Actor):
            continue
        rel = actor.path or ""
        if actor.id in actors:
            diags.error(rel, 1, f"actor id '{actor.id}' is also used by {actors[actor.id].path}")
            continue
        actors[actor.id] = actor
        for name in (actor.id, actor.name, *actor.aliases):
            owner = actor_names.setdefault(name.casefold(), actor.id)
            if owner != actor.id:
                diags.warning(rel, 1, f"'{name}' also names actor '{owner}'; it keeps meaning that")
    publishers: dict[str, Publisher] = {}
    publisher_names: dict[str, str] = {}
    sources = scan_files(root, "content/sources", (".yml", ".yaml"), diags, recursive=False)
    for file in sources:
        publisher = _read_entry(_read_publisher, file, diags, memo, seen)
        if isinstance(publisher, Publisher):
            publishers[publisher.id] = publisher
            publisher_names.setdefault(publisher.id.casefold(), publisher.id)
            publisher_names.setdefault(publisher.name.casefold(), publisher.id)
    for gone in memo.keys() - seen:
        del memo[gone]
    return Registry(actors, publishers, actor_names, publisher_names)


EntryReader = Callable[[str, Path, Diagnostics, bytes | None], Actor | Publisher | None]
"""Reads one registry file: (its path relative to the site root, its path, ...)."""


def _read_entry(
    read: EntryReader,
    file: SiteFile,
    diags: Diagnostics,
    memo: RegistryMemo,
    seen: set[str],
) -> Actor | Publisher | None:
    """`read` the file, or reuse what it gave last time if its bytes are the same."""
    rel, path = file.rel, file.path
    seen.add(rel)
    data, digest = read_digested(path, file.stat.st_size)
    if data is None:  # reading reports why
        memo.pop(rel, None)
        return read(rel, path, diags, None)
    known = memo.get(rel)
    if known is not None and known[0] == digest:
        diags.extend(known[2])
        return known[1]
    found = Diagnostics()
    entry = read(rel, path, found, data)
    diags.extend(found.items)
    memo[rel] = (digest, entry, tuple(found.items))
    return entry


def _open_entry(
    rel: str,
    path: Path,
    diags: Diagnostics,
    data: bytes | None,
    known: frozenset[str],
    what: str,
) -> tuple[Reader, Node, str] | None:
    """A registry file's reader, mapping and body; None if it could not be read."""
    reader = Reader(rel, diags)
    node, body, _ = read_yaml_file(path, rel, reader, data)
    if node is None:
        return None
    reader.unknown_keys(node, known, what)
    return reader, node, body


def _read_actor(rel: str, path: Path, diags: Diagnostics, data: bytes | None) -> Actor | None:
    opened = _open_entry(rel, path, diags, data, ACTOR_KEYS, "actor front matter")
    if opened is None:
        return None
    reader, node, body = opened
    get = node.entries.get
    name = reader.text(get("name"), "name")
    if "name" not in node.entries:
        reader.error(1, "missing required key 'name'")
    elif name == "" or get("name").is_null:  # type: ignore[union-attr]
        reader.error(node.key_lines["name"], "'name' must not be empty")
    actor_id = reader.text(get("slug"), "slug") or path.stem
    safe_id = is_safe_slug(actor_id)
    if not safe_id:
        reader.error(node.key_lines.get("slug", 1), f"'{actor_id}' is not a usable slug")
    # every field is checked even when the actor is unusable: all problems in one run
    links_node = get("links")
    link_nodes = (
        (links_node,)
        if links_node and links_node.kind == "scalar"
        else reader.items(links_node, "links")
    )
    links = [reader.url(item, "links") for item in link_nodes]
    kind = reader.choice(get("kind"), "kind", ACTOR_KINDS)
    role = reader.text(get("role"), "role")
    country = reader.text(get("country"), "country")
    aliases = tuple(value for value, _ in reader.text_list(get("aliases"), "aliases"))
    if not name or not safe_id:
        return None
    bio = _bio_markdown().reset().convert(body) if body.strip() else ""
    return Actor(
        id=actor_id,
        name=name,
        kind=kind,
        role=role,
        country=country,
        aliases=aliases,
        links=tuple(link for link in links if link),
        bio=bio,
        path=reader.path,
    )


@cache
def _bio_markdown() -> python_markdown.Markdown:
    """One converter for every actor's bio (plain Markdown, as `markdown.markdown` does it)."""
    md = python_markdown.Markdown()
    use_triggered_inline(md)
    return md


def _read_publisher(
    rel: str, path: Path, diags: Diagnostics, data: bytes | None
) -> Publisher | None:
    opened = _open_entry(rel, path, diags, data, PUBLISHER_KEYS, "publisher file")
    if opened is None:
        return None
    reader, node, _ = opened
    get = node.entries.get
    publisher_id = path.stem
    if not is_safe_slug(publisher_id):
        reader.error(1, f"'{publisher_id}' is not a usable publisher id (use a-z, 0-9 and -)")
        return None
    return Publisher(
        id=publisher_id,
        name=reader.text(get("name"), "name") or publisher_id,
        url=reader.url(get("url"), "url"),
        kind=reader.choice(get("kind"), "kind", PUBLISHER_KINDS),
        path=reader.path,
    )
