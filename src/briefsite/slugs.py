"""Slugs: ASCII, lower case, words joined by hyphens."""

from __future__ import annotations

import functools
import re

from anyascii import anyascii

_NON_WORD = re.compile(r"[^a-z0-9]+")
SAFE_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")


@functools.lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """Transliterate to ASCII and slugify: "Recep Tayyip Erdoğan" -> "recep-tayyip-erdogan"."""
    ascii_text = anyascii(text).lower().replace("'", "")
    return _NON_WORD.sub("-", ascii_text).strip("-")


MAX_SLUG_LENGTH = 200
"""The longest slug: a page's folder is named by it, and file systems refuse names of more
than 255 bytes."""


def is_safe_slug(slug: str) -> bool:
    """A slug usable as one path segment: no separators, no dot-dot, nothing hidden, not
    too long."""
    return bool(SAFE_SLUG.match(slug)) and ".." not in slug and len(slug) <= MAX_SLUG_LENGTH


def slug_problem(slug: str) -> str | None:
    """Why a slug made from a name cannot name a page, or None: empty (the page would take
    its section's index) or too long."""
    if not slug:
        return "has no letters or digits"
    if len(slug) > MAX_SLUG_LENGTH:
        return f"is too long to name a page ({len(slug)} characters; at most {MAX_SLUG_LENGTH})"
    return None
