#!/usr/bin/env python3
"""The least a Python generator does per brief: a lower bound for any briefsite build.

Each brief's front matter is parsed with YAML's C loader, its body converted by one
Python-Markdown instance per process (the extensions briefsite turns on), and one small
autoescaping Jinja2 template renders the page, which is written out. Nothing is checked,
linked, listed or cached; there are no actor, topic or index pages. The briefs are spread
over ``--jobs`` processes (default: all cores), as briefsite spreads its work.

Usage::

    python benchmarks/floor.py --site benchmarks/corpus/10000/site --out /tmp/floor-out
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import jinja2
import markdown
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markupsafe import Markup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hugo_adapter import split_front_matter

PAGE = jinja2.Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ meta.title }}</title></head>
<body><article><h1>{{ meta.title }}</h1><time>{{ meta.date }}</time>
<ul>{% for actor in meta.actors or [] %}<li>{{ actor.name if actor is mapping else actor }}</li>\
{% endfor %}</ul>
{{ body }}
<ol>{% for source in meta.sources or [] %}<li>{{ source.title if source is mapping else source }}\
</li>{% endfor %}</ol></article></body></html>
"""
)

_converter: markdown.Markdown | None = None


def render(paths: tuple[Path, Path]) -> int:
    """Read, convert, render and write one brief; return the bytes written."""
    global _converter
    source, target = paths
    if _converter is None:
        extensions = [FencedCodeExtension(), FootnoteExtension(), TableExtension()]
        extensions += [AttrListExtension(), SaneListExtension()]
        _converter = markdown.Markdown(extensions=extensions)
    meta, body = split_front_matter(source.read_text(encoding="utf-8"))
    html = _converter.reset().convert(body)
    page = PAGE.render(meta=meta, body=Markup(html))
    target.mkdir(parents=True, exist_ok=True)
    return (target / "index.html").write_bytes(page.encode())


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="briefsite site root")
    parser.add_argument("--out", type=Path, required=True, help="folder to write pages into")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    args = parser.parse_args(argv)
    gc.disable()  # as briefsite's command does: the garbage is all freed at exit
    start = time.perf_counter()
    briefs = sorted((args.site / "content" / "briefs").rglob("*.md"))
    work = [(path, args.out / path.stem) for path in briefs]
    if args.jobs > 1:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            written = sum(pool.imap_unordered(render, work, chunksize=64))
    else:
        written = sum(map(render, work))
    seconds = time.perf_counter() - start
    print(f"{len(work)} briefs, {written / 2**20:.1f} MiB in {seconds:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
