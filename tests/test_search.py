"""Search: the Pagefind index built with the site, the /search/ page, and a browser using it."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsers import chromium, static_server
from conftest import FULL_SITE, build_ok, copy_site
from htmlcheck import check_links, parse_file

import briefsite.pipeline as pipeline
import briefsite.search as search
from briefsite.output import scan_manifest
from briefsite.pipeline import Builder, BuildOptions
from briefsite.search import find_pagefind

needs_pagefind = pytest.mark.skipif(find_pagefind() is None, reason="pagefind is not installed")


@needs_pagefind
def test_index_and_search_page_are_built(full_output: Path) -> None:
    bundle = full_output / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    assert list((bundle / "fragment").iterdir())
    page = parse_file(full_output / "search" / "index.html")
    scripts = [s.attrs.get("src") for s in page.root.find_all("script")]
    assert "/desk/pagefind/pagefind-ui.js" in scripts
    assert page.main.attrs.get("data-pagefind-body") is None  # the search page is not indexed
    home = parse_file(full_output / "index.html")
    nav = [a.attrs["href"] for a in home.root.find("nav").find_all("a")]
    assert "/desk/search/" in nav
    assert check_links(full_output, "/desk/", origin="https://example.org") == []


@needs_pagefind
def test_chrome_is_excluded_from_the_index(full_output: Path) -> None:
    brief = parse_file(full_output / "briefs" / "grain-corridor-talks" / "index.html")
    assert "data-pagefind-body" in brief.main.attrs
    assert "data-pagefind-ignore" in brief.root.find("header").attrs
    footer = brief.root.find("footer", cls="site-footer")  # the fixture overrides it
    assert footer is not None and not footer.inside("main")  # so outside the indexed body
    theme_footer = (Path(__file__).parents[1] / "templates/partials/footer.html").read_text()
    assert '<footer class="site-footer" data-pagefind-ignore>' in theme_footer
    assert "data-pagefind-ignore" in brief.main.find("nav", cls="pager").attrs
    not_found = parse_file(full_output / "404.html")
    assert "data-pagefind-body" not in not_found.main.attrs


def test_search_is_optional(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without Pagefind the site builds (and checks) without search, with a note."""
    monkeypatch.setattr(pipeline, "find_pagefind", lambda: None)
    result = pipeline.build(BuildOptions(FULL_SITE, tmp_path / "out", use_cache=False))
    assert result.ok
    assert any("Pagefind is not installed" in note for note in result.notes)
    out = tmp_path / "out"
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert "/desk/search/" not in (out / "index.html").read_text(encoding="utf-8")
    assert check_links(out, "/desk/", origin="https://example.org") == []


def tree(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


@pytest.fixture
def indexed_shards(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The shard of each search index the build makes, in turn."""
    calls: list[int] = []
    real = pipeline.build_index

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "build_index", counting)
    return calls


@needs_pagefind
def test_incremental_index_is_byte_identical_and_skipped_when_no_page_changed(
    tmp_path: Path, indexed_shards: list[int]
) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    out = tmp_path / "out"
    calls = indexed_shards
    builder = Builder(BuildOptions(site, out, use_cache=False))
    assert builder.build().ok and len(calls) == 1
    # a static file that is no HTML page: no new index
    (site / "static" / "extra.txt").write_text("changed\n", encoding="utf-8")
    assert builder.build().ok and len(calls) == 1
    # a brief: a new index, the same bytes as a cold build's
    brief = site / "content" / "briefs" / "2025-03-14-volunteer-network.md"
    brief.write_text(brief.read_text() + "\nZanzibarquokka sightings.\n", encoding="utf-8")
    result = builder.build()
    assert result.ok and len(calls) == 2
    assert any(p.startswith("pagefind/") for p in result.report.changed)
    assert scan_manifest(out) == builder.state.live
    cold = build_ok(site, tmp_path / "cold")
    assert tree(out) == tree(cold)


@needs_pagefind
@pytest.mark.parametrize("prune_works", [True, False])
def test_a_new_index_starts_from_the_last_ones_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prune_works: bool
) -> None:
    """Pagefind does not write again a content-named file that is there: a new index starts
    from links to the last one's files (Pagefind adds the edited page's new fragment), and
    the old ones it does not use go. If what it uses cannot be worked out, the index is made
    afresh. Either way, the bytes of a cold build."""
    linked: list[int] = []  # after each run of Pagefind: its bundle's fragments not written
    run_pagefind = search._run_pagefind

    def counting(binary: Path, pages: Path, bundle: Path, language: str) -> None:
        run_pagefind(binary, pages, bundle, language)
        linked.append(sum(p.stat().st_nlink > 1 for p in (bundle / "fragment").iterdir()))

    monkeypatch.setattr(search, "_run_pagefind", counting)
    if not prune_works:
        monkeypatch.setattr(search, "_prune", lambda bundle: False)
    site = copy_site(FULL_SITE, tmp_path / "site")
    out = tmp_path / "out"
    builder = Builder(BuildOptions(site, out, use_cache=False))
    assert builder.build().ok and linked == [0]
    fragments = len(list((out / "pagefind" / "fragment").iterdir()))
    brief = site / "content" / "briefs" / "2025-03-14-volunteer-network.md"
    brief.write_text(brief.read_text() + "\nZanzibarquokka sightings.\n", encoding="utf-8")
    assert builder.build().ok
    assert linked[1:] == ([fragments] if prune_works else [fragments, 0])
    assert len(list((out / "pagefind" / "fragment").iterdir())) == fragments
    assert tree(out) == tree(build_ok(site, tmp_path / "cold"))


def test_an_index_of_another_pagefind_version_is_no_seed(tmp_path: Path) -> None:
    last = tmp_path / "out" / "pagefind"
    (last / "fragment").mkdir(parents=True)
    (last / "fragment" / "en_1234567.pf_fragment").write_bytes(b"old")
    (last / "pagefind-entry.json").write_text('{"version": "1.0.0", "languages": {}}')
    files = ["pagefind/fragment/en_1234567.pf_fragment"]
    bundle = tmp_path / "spare" / "pagefind"
    assert not search._seed(bundle, tmp_path / "out", files, "pagefind 1.5.2")
    assert not bundle.exists()
    assert search._seed(bundle, tmp_path / "out", files, "pagefind 1.0.0")
    assert (bundle / "fragment" / "en_1234567.pf_fragment").read_bytes() == b"old"


# --- the browser test --------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The full fixture built with search and served under /desk/ by a plain static server."""
    if find_pagefind() is None:
        pytest.skip("pagefind is not installed")
    root = tmp_path_factory.mktemp("www")
    out = build_ok(FULL_SITE, root / "build")
    shutil.move(out, root / "desk")
    with static_server(root) as url:
        yield f"{url}/desk/"


def search_results(url: str, query: str) -> list[tuple[str, str]]:
    """Type `query` into the search page at `url`; the (title, href) of each result."""
    with chromium() as browser:
        page = browser.new_page()
        outside: list[str] = []
        page.on(
            "request",
            lambda r: None if r.url.startswith(url.split("/desk/")[0]) else outside.append(r.url),
        )
        page.goto(url + "search/")
        box = page.locator(".pagefind-ui__search-input")
        box.wait_for(timeout=15000)
        box.fill(query)
        links = page.locator(".pagefind-ui__result-link")
        links.first.wait_for(timeout=15000)
        found = [(a.inner_text(), a.get_attribute("href") or "") for a in links.all()]
        assert outside == [], outside  # nothing but the site itself
        return found


def test_browser_search_finds_the_brief(served_site: str) -> None:
    results = search_results(served_site, "Ankara readout")
    assert results, "no results"
    title, href = results[0]
    assert href == "/desk/briefs/ankara-readout/", results
    assert title


def test_browser_search_body_words(served_site: str) -> None:
    """Words of one brief's body lead to that brief first (never to the search page)."""
    results = search_results(served_site, "outer anchorage")
    hrefs = [href for _, href in results]
    assert hrefs[0] == "/desk/briefs/volunteer-network/", results
    assert "/desk/search/" not in hrefs
    assert all(h.startswith("/desk/") for h in hrefs)


def test_browser_search_under_the_preview_server(tmp_path: Path) -> None:
    """`briefsite serve`'s server (live-reload script injected) serves a working search."""
    from briefsite.devserver import PreviewServer

    if find_pagefind() is None:
        pytest.skip("pagefind is not installed")
    out = build_ok(FULL_SITE, tmp_path / "out")
    preview = PreviewServer(out, port=0, base_path="/desk/", log=lambda _: None)
    preview.start()
    try:
        results = search_results(preview.url, "Ankara readout")
    finally:
        preview.stop()
    assert results and results[0][1] == "/desk/briefs/ankara-readout/", results


# --- a big site: one index per shard of its pages ------------------------------------------


def fragment_urls(bundle: Path) -> list[str]:
    """The URLs of the pages a Pagefind bundle indexes (one fragment file each)."""
    urls = []
    for fragment in (bundle / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        urls.append(json.loads(data[data.index(b"{") :])["url"])
    return sorted(urls)


def indexed_pages(out: Path) -> list[str]:
    """The root-relative URLs of the pages marked for the index."""
    return sorted(
        "/" + page.parent.relative_to(out).as_posix() + "/"
        for page in out.rglob("index.html")
        if parse_file(page).main.attrs.get("data-pagefind-body") is not None
    )


@pytest.fixture
def few_pages_per_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards of 3 pages: the full fixture's 22 indexed pages make 8 indexes."""
    monkeypatch.setattr(search, "SHARD_PAGES", 3)


@needs_pagefind
def test_a_big_site_gets_one_index_per_shard(tmp_path: Path, few_pages_per_shard: None) -> None:
    out = build_ok(FULL_SITE, tmp_path / "out")
    bundles = sorted(p.name for p in out.iterdir() if p.name.startswith("pagefind"))
    assert bundles == ["pagefind", *(f"pagefind-{n}" for n in range(1, 8))]
    shards = [fragment_urls(out / name) for name in bundles]
    assert all(shards), shards  # no empty shard
    assert sorted(url for shard in shards for url in shard) == indexed_pages(out)
    script = (out / "search" / "index.html").read_text(encoding="utf-8")
    merged = [{"bundlePath": f"/desk/{name}/"} for name in bundles[1:]]
    assert f"mergeIndex: {json.dumps(merged)}," in script
    assert check_links(out, "/desk/", origin="https://example.org") == []


@needs_pagefind
def test_an_edit_makes_only_its_shards_index_again(
    tmp_path: Path, indexed_shards: list[int], few_pages_per_shard: None
) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    out = tmp_path / "out"
    made = indexed_shards
    builder = Builder(BuildOptions(site, out, use_cache=False))
    assert builder.build().ok and sorted(made) == list(range(8))
    before = tree(out)
    # a brief's body: the brief page alone changes, so only its shard is indexed again
    brief = site / "content" / "briefs" / "2025-03-14-volunteer-network.md"
    brief.write_text(brief.read_text() + "\nZanzibarquokka sightings.\n", encoding="utf-8")
    made.clear()
    assert builder.build().ok
    assert made == [0]  # the shard of /briefs/volunteer-network/
    after = tree(out)
    changed = {
        path.split("/")[0]
        for path in before.keys() | after.keys()
        if before.get(path) != after.get(path)
    }
    assert "pagefind" in changed and not any(d.startswith("pagefind-") for d in changed)
    cold = build_ok(site, tmp_path / "cold")
    assert after == tree(cold)


@needs_pagefind
def test_browser_search_finds_briefs_in_every_shard(
    tmp_path: Path, few_pages_per_shard: None
) -> None:
    out = build_ok(FULL_SITE, tmp_path / "www" / "build")
    shutil.move(out, tmp_path / "www" / "desk")
    assert "/briefs/ankara-readout/" in fragment_urls(tmp_path / "www/desk/pagefind-3")
    assert "/briefs/volunteer-network/" in fragment_urls(tmp_path / "www/desk/pagefind")
    with static_server(tmp_path / "www") as url:
        ankara = search_results(f"{url}/desk/", "Ankara readout")
        anchorage = search_results(f"{url}/desk/", "outer anchorage")
    assert ankara[0][1] == "/desk/briefs/ankara-readout/", ankara
    assert anchorage[0][1] == "/desk/briefs/volunteer-network/", anchorage


@needs_pagefind
def test_pages_that_make_one_more_shard_reach_the_search_page(
    tmp_path: Path, few_pages_per_shard: None
) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    out = tmp_path / "out"
    builder = Builder(BuildOptions(site, out, use_cache=False))
    assert builder.build().ok
    before = sorted(p.name for p in out.iterdir() if p.name.startswith("pagefind"))
    brief = (site / "content" / "briefs" / "2025-03-14-volunteer-network.md").read_text()
    for n in range(4):  # 22 -> 26 indexed pages, in shards of 3
        (site / "content" / "briefs" / f"2025-03-2{n}-extra-{n}.md").write_text(brief)
    assert builder.build().ok
    after = sorted(p.name for p in out.iterdir() if p.name.startswith("pagefind"))
    assert len(after) > len(before)
    script = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert all(f'"/desk/{name}/"' in script for name in after[1:])
    assert tree(out) == tree(build_ok(site, tmp_path / "cold"))
