"""Slugs and URLs."""

from __future__ import annotations

import pytest

from briefsite.config import normalise_base_url
from briefsite.slugs import is_safe_slug, slugify
from briefsite.urls import Urls


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Recep Tayyip Erdoğan", "recep-tayyip-erdogan"),
        ("Олександр Соколов", "oleksandr-sokolov"),
        ("Russia-Ukraine war", "russia-ukraine-war"),
        ("  U.S. President  ", "u-s-president"),
        ("Côte d'Ivoire", "cote-divoire"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize("slug", ["../etc", "a/b", "", ".hidden", "a..b", "A B", "a" * 201])
def test_unsafe_slugs(slug: str) -> None:
    assert not is_safe_slug(slug)


def test_urls_carry_the_base_path() -> None:
    urls = Urls("/desk/", "https://example.org")
    assert urls.brief("x") == "/desk/briefs/x/"
    assert urls.output_path(urls.brief("x")) == "briefs/x/index.html"
    assert urls.output_path(urls.home()) == "index.html"
    assert urls.output_path(urls.file("feed.xml")) == "feed.xml"
    assert urls.absolute(urls.actor("a")) == "https://example.org/desk/actors/a/"


@pytest.mark.parametrize("base", ["/", "/desk/"])
def test_each_kind_of_page_has_its_sections_url(base: str) -> None:
    urls = Urls(base)
    for section, url in [
        ("briefs", urls.brief),
        ("actors", urls.actor),
        ("sources", urls.publisher),
        ("topics", urls.topic),
        ("places", urls.place),
    ]:
        assert url("x-1") == urls.page(section, "x-1") == f"{base}{section}/x-1/"


@pytest.mark.parametrize(
    ("value", "normal"),
    [
        ("https://example.org", "https://example.org/"),
        ("  http://127.0.0.1:8000/desk/ ", "http://127.0.0.1:8000/desk/"),
        ("https://Example.org/a%20b/", "https://Example.org/a%20b/"),
        ("ftp://example.org/", None),
        ("//example.org/", None),
        ("https://example.org/?q=1", None),
        ("https://example.org/#top", None),
        ("https://exa mple.org/", None),
        ("https://example.org/a b/", None),
        ("https://example.org/\u200b/", None),
        ("https://user:secret@example.org/", None),
        ("https://example.org:port/", None),
        ("https://:8000/", None),
    ],
)
def test_base_url_must_be_one_every_link_can_start_with(value: str, normal: str | None) -> None:
    assert normalise_base_url(value) == normal
