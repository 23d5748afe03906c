"""The search index: Pagefind run over the built HTML.

Pagefind (PyPI `pagefind[extended]`) ships its indexer as a binary inside the wheel; nothing
is downloaded at run time. The indexer runs over the spare output tree just before that
becomes the live one, so the index goes live together with the pages it indexes. Without
Pagefind the site is built without search, and the build says so.

Pagefind cannot update an index, only make a new one (about 2 ms and 200 KB per page), so
a site with more than `SHARD_PAGES` indexed pages gets one index per shard of them (pages
assigned by a digest of their path), searched together in the browser through Pagefind's
`mergeIndex`: an edit makes its shard's index again, not the whole site's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

from briefsite.output import digest_bytes

BUNDLE_DIR = "pagefind"
SHARD_PAGES = 1000
"""Sites with more indexed pages than this get one index per about this many pages."""
MISSING_NOTE = "search is off: Pagefind is not installed (pip install 'pagefind[extended]')"
TIMEOUT_SECONDS = 300


class SearchError(Exception):
    """The Pagefind indexer failed."""


@cache
def find_pagefind() -> Path | None:
    """The Pagefind binary: from the `pagefind_bin_extended`/`pagefind_bin` wheels, or PATH."""
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            package = __import__(module)
            return Path(package.get_executable())
        except (ImportError, FileNotFoundError, AttributeError):
            continue
    for name in ("pagefind_extended", "pagefind"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


@cache
def pagefind_version(binary: Path) -> str:
    """`pagefind --version`, part of the cache key of the index."""
    try:
        done = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return ""
    return done.stdout.strip()


def split_into_shards(pages: list[str]) -> list[list[str]]:
    """The indexed pages (output paths) of each shard of the search index.

    About `SHARD_PAGES` pages each, a page's shard chosen by a digest of its path, so that
    adding or removing a page changes one shard while their number stays the same; never an
    empty shard (there is one fewer instead).
    """
    digests = [int.from_bytes(hashlib.blake2b(p.encode(), digest_size=8).digest()) for p in pages]
    count = max(1, -(-len(pages) // SHARD_PAGES))
    while True:
        shards: list[list[str]] = [[] for _ in range(count)]
        for page, digest in zip(pages, digests, strict=True):
            shards[digest % count].append(page)
        if count == 1 or all(shards):
            return shards
        count -= 1


def bundle_dir(shard: int) -> str:
    """Where shard `shard`'s index goes: the first in `pagefind/`, the others beside it."""
    return BUNDLE_DIR if shard == 0 else f"{BUNDLE_DIR}-{shard}"


def build_index(
    binary: Path,
    site: Path,
    language: str,
    shard: int = 0,
    pages: tuple[list[str], Path] | None = None,
) -> dict[str, str]:
    """Index the HTML pages under `site` with Pagefind, writing its bundle to
    `site/<bundle_dir(shard)>/`; with `pages` (paths relative to `site`, and a scratch
    directory that does not exist yet), only those.

    Returns the bundle's files (paths relative to `site`) with their digests. Pages without
    `data-pagefind-body` are not indexed (Pagefind's rule once any page has it).
    `language` is forced so that one index serves the whole site.
    """
    bundle = site / bundle_dir(shard)
    if pages is None:
        _run_pagefind(binary, site, bundle, language)
    else:  # Pagefind reads a folder: one of links to just these pages
        paths, scratch = pages
        try:
            for rel in paths:
                (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
                os.link(site / rel, scratch / rel)
            _run_pagefind(binary, scratch, bundle, language)
        except OSError as exc:
            raise SearchError(f"cannot gather the pages to index: {exc}") from exc
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return {
        path.relative_to(site).as_posix(): digest_bytes(path.read_bytes())
        for path in sorted(bundle.rglob("*"))
        if path.is_file()
    }


def _run_pagefind(binary: Path, pages: Path, bundle: Path, language: str) -> None:
    command = [str(binary), "--site", str(pages), "--output-path", str(bundle), "--silent"]
    if language:
        command += ["--force-language", language.split("-")[0].lower()]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(f"cannot run Pagefind ({binary}): {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError(f"Pagefind failed: {detail[-1] if detail else done.returncode}")
