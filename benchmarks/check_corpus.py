#!/usr/bin/env python3
"""Check a generated corpus against the parts of the content contract it promises.

Every YAML document must parse with the safe loader and have no duplicate keys;
every citation marker must be within its brief's source count; every source must
be cited at least once (body, takeaways, quotes or events); slugs must be unique.

Usage::

    python benchmarks/check_corpus.py /tmp/corpus
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

MARKER_RE = re.compile(r"\[(\d+(?:,\s*\d+)*)\]")
CODE_RE = re.compile(r"`[^`]*`")
LINK_RE = re.compile(r"\[[^\]]*\]\([^)]*\)")
DATE_PREFIX_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-")


class StrictLoader(yaml.SafeLoader):
    """The safe loader, refusing duplicate mapping keys."""


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    """Build a mapping, raising on a duplicate key."""
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str) -> Any:
    """Parse ``text`` with the strict safe loader."""
    return yaml.load(text, Loader=StrictLoader)  # StrictLoader is a SafeLoader


def split_front_matter(text: str) -> tuple[str, str]:
    """Return ``(front matter, body)`` of a Markdown file with ``---`` fences."""
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    end = text.index("\n---\n", 3)
    return text[4 : end + 1], text[end + 5 :]


def markers(text: str) -> Iterable[int]:
    """Yield every source number cited in ``text`` (code spans and links skipped)."""
    text = LINK_RE.sub("", CODE_RE.sub("", text))
    for match in MARKER_RE.finditer(text):
        yield from (int(n) for n in match.group(1).split(","))


def _as_list(value: Any) -> list[Any]:
    """Return ``value`` as a list (``None`` is empty, a scalar is one item)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def check_brief(path: Path, slugs: dict[str, Path]) -> list[str]:
    """Return the problems found in one brief."""
    meta_text, body = split_front_matter(path.read_text(encoding="utf-8"))
    meta = load_yaml(meta_text)
    problems = [f"{path}: missing {k}" for k in ("title", "date") if k not in meta]
    n_sources = len(meta.get("sources") or [])
    cited: list[int] = list(markers(body))
    for takeaway in _as_list(meta.get("takeaways")):
        cited.extend(markers(str(takeaway)))
    for quote in _as_list(meta.get("quotes")):
        cited.extend(int(n) for n in _as_list(quote.get("source")))
    for event in _as_list(meta.get("events")):
        cited.extend(int(n) for n in _as_list(event.get("sources")))
    problems += [f"{path}: marker [{n}] beyond {n_sources} sources" for n in cited if n > n_sources]
    problems += [f"{path}: marker [{n}] below 1" for n in cited if n < 1]
    missing = sorted(set(range(1, n_sources + 1)) - set(cited))
    problems += [f"{path}: source {n} never cited" for n in missing]
    slug = str(meta.get("slug") or DATE_PREFIX_RE.sub("", path.stem))
    if slug in slugs:
        problems.append(f"{path}: slug {slug!r} also used by {slugs[slug]}")
    slugs[slug] = path
    return problems


def check_site(root: Path) -> tuple[int, list[str]]:
    """Check every file of the corpus at ``root``; return ``(brief count, problems)``."""
    content = root / "content"
    load_yaml((content / "site.yml").read_text(encoding="utf-8"))
    problems: list[str] = []
    for path in sorted((content / "sources").glob("*.yml")):
        load_yaml(path.read_text(encoding="utf-8"))
    for path in sorted((content / "actors").glob("*.md")):
        load_yaml(split_front_matter(path.read_text(encoding="utf-8"))[0])
    slugs: dict[str, Path] = {}
    briefs = sorted((content / "briefs").rglob("*.md"))
    for path in briefs:
        problems.extend(check_brief(path, slugs))
    return len(briefs), problems


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="site root of a generated corpus")
    args = parser.parse_args(argv)
    count, problems = check_site(args.site)
    for problem in problems:
        print(problem)
    print(f"{count} briefs checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
