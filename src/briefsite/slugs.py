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


def is_safe_slug(slug: str) -> bool:
    """A slug usable as one path segment: no separators, no dot-dot, nothing hidden."""
    return bool(SAFE_SLUG.match(slug)) and ".." not in slug
