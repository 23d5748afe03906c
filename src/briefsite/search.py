"""The search index: Pagefind run over the built HTML.

Pagefind (PyPI `pagefind[extended]`) ships its indexer as a binary inside the wheel; nothing
is downloaded at run time. The indexer runs over the spare output tree just before that
becomes the live one, so the index goes live together with the pages it indexes. Without
Pagefind the site is built without search, and the build says so.

Pagefind cannot update an index, only make a new one (about 2 ms and 200 KB per page), so
a site with more than `SHARD_PAGES` indexed pages gets one index per shard of them (pages
assigned by a digest of their path), searched together in the browser through Pagefind's
`mergeIndex`: an edit makes its shard's index again, not the whole site's.

Most of a bundle's files are named by a digest of their content (a fragment for each page,
chunks of the word index), and Pagefind does not write such a file if it exists: writing
them, each compressed at gzip's highest level, takes about a third of its time. So a new
index starts from links to the last one's files (`seed`); those it does not use go after.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import shutil
import subprocess
import zlib
from functools import cache
from pathlib import Path

from briefsite.output import digest_bytes, link_file

BUNDLE_DIR = "pagefind"
SHARD_PAGES = 1000
"""Sites with more indexed pages than this get one index per about this many pages."""
MISSING_NOTE = "search is off: Pagefind is not installed (pip install 'pagefind[extended]')"
TIMEOUT_SECONDS = 300
HASHED = ("fragment", "index", "filter")
"""A bundle's folders of files named by a digest of their content."""


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
    seed: tuple[Path, list[str]] | None = None,
) -> dict[str, str]:
    """Index the HTML pages under `site` with Pagefind, writing its bundle to
    `site/<bundle_dir(shard)>/`; with `pages` (paths relative to `site`, and a scratch
    directory that does not exist yet), only those. With `seed` (the last output, and the
    files of its bundle for this shard), the bundle starts from that one's files.

    Returns the bundle's files (paths relative to `site`) with their digests. Pages without
    `data-pagefind-body` are not indexed (Pagefind's rule once any page has it).
    `language` is forced so that one index serves the whole site.
    """
    bundle = site / bundle_dir(shard)
    seeded = seed is not None and _seed(bundle, *seed, pagefind_version(binary))
    _index(binary, site, bundle, language, pages)
    if seeded and not _prune(bundle):  # what the new index uses is not known: start afresh
        shutil.rmtree(bundle, ignore_errors=True)
        _index(binary, site, bundle, language, pages)
    return {
        path.relative_to(site).as_posix(): digest_bytes(path.read_bytes())
        for path in sorted(bundle.rglob("*"))
        if path.is_file()
    }


def _index(
    binary: Path, site: Path, bundle: Path, language: str, pages: tuple[list[str], Path] | None
) -> None:
    """Run Pagefind over `site`, or (`pages`) over a scratch folder of links to some pages."""
    if pages is None:
        _run_pagefind(binary, site, bundle, language)
        return
    paths, scratch = pages
    try:
        for rel in paths:
            link_file(site / rel, scratch / rel)
        _run_pagefind(binary, scratch, bundle, language)
    except OSError as exc:
        raise SearchError(f"cannot gather the pages to index: {exc}") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _seed(bundle: Path, output: Path, files: list[str], version: str) -> bool:
    """Link into `bundle` the content-named ones of `files` (output-relative), the last
    bundle's in `output`, if this version of Pagefind made it; whether any were linked."""
    try:
        entry = json.loads((output / bundle.name / "pagefind-entry.json").read_bytes())
    except (OSError, ValueError):
        return False
    if not isinstance(entry, dict) or not version or version.split()[-1] != entry.get("version"):
        return False
    seeded = False
    with contextlib.suppress(OSError):  # a bundle seeded in part is fine
        for rel in files:
            folder, _, name = rel.removeprefix(f"{bundle.name}/").rpartition("/")
            if folder in HASHED:
                link_file(output / rel, bundle / folder / name)
                seeded = True
    return seeded


def _prune(bundle: Path) -> bool:
    """Remove the content-named files of `bundle` that its index does not use (the seed's
    old ones); whether that could be worked out."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_bytes())
        metas = {f"pagefind.{language['hash']}.pf_meta" for language in entry["languages"].values()}
        used = b"\0".join(gzip.decompress((bundle / name).read_bytes()) for name in metas)
        for folder in HASHED:
            for file in (bundle / folder).iterdir() if (bundle / folder).is_dir() else ():
                if file.stem.encode() not in used:  # the meta names every file the index uses
                    file.unlink()
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError, zlib.error):
        return False
    return True


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
