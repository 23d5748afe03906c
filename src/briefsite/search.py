"""The search index: Pagefind run over the built HTML.

Pagefind (PyPI `pagefind[extended]`) ships its indexer as a binary inside the wheel; nothing
is downloaded at run time. The indexer runs over the spare output tree just before that
becomes the live one, so the index goes live together with the pages it indexes. Without
Pagefind the site is built without search, and the build says so.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from briefsite.output import digest_bytes

BUNDLE_DIR = "pagefind"
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


def build_index(binary: Path, site: Path, language: str) -> dict[str, str]:
    """Index the HTML pages under `site` with Pagefind, writing its bundle to `site/pagefind/`.

    Returns the bundle's files (paths relative to `site`) with their digests. Pages without
    `data-pagefind-body` are not indexed (Pagefind's rule once any page has it).
    `language` is forced so that one index serves the whole site.
    """
    bundle = site / BUNDLE_DIR
    command = [str(binary), "--site", str(site), "--output-path", str(bundle), "--silent"]
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
    return {
        path.relative_to(site).as_posix(): digest_bytes(path.read_bytes())
        for path in sorted(bundle.rglob("*"))
        if path.is_file()
    }
