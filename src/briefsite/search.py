"""The search index: Pagefind run over the built HTML, its bundle returned as output files.

Pagefind (PyPI `pagefind[extended]`) ships its indexer as a binary inside the wheel; nothing
is downloaded at run time. The indexer runs in a temporary directory and its files come back
as bytes, so they go through the same atomic output writer as every page. Without Pagefind
the site is built without search, and the build says so.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

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


def build_index(
    binary: Path, pages: dict[str, Callable[[], bytes]], language: str
) -> dict[str, bytes]:
    """Index `pages` (output path -> its bytes) with Pagefind; the bundle's files by path.

    Paths come back under `pagefind/`. Pages without `data-pagefind-body` are not indexed
    (Pagefind's rule once any page has it). `language` is forced so that one index serves
    the whole site.
    """
    with tempfile.TemporaryDirectory(prefix="briefsite-search-") as temporary:
        root = Path(temporary)
        site, bundle = root / "site", root / "bundle"
        for rel, data in pages.items():
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data())
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
            f"{BUNDLE_DIR}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
            for path in sorted(bundle.rglob("*"))
            if path.is_file()
        }
