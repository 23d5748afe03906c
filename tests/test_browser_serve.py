"""`briefsite serve` driven in a real browser (Debian's Chromium through Playwright).

Each test starts the server on a temporary copy of the full fixture site, edits files on
disk as an author would, and checks what the open page does: reload with the new text,
show the error overlay with `path:line`, recover, swap a stylesheet in place, and follow
the links between a brief, an actor, a quote and a citation.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsers import CHROMIUM, chromium
from conftest import FULL_SITE, REPO_ROOT, copy_site
from servehelp import ServeProcess

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing (tests/setup_browser.sh installs it)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
expect = sync_api.expect

BRIEF = "content/briefs/2025-03-02-grain-corridor-talks.md"
BRIEF_URL = "briefs/grain-corridor-talks/"
RELOAD_LIMIT_MS = 2000
OVERLAY = "#__briefsite_overlay"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(FULL_SITE, tmp_path / "site")


@pytest.fixture
def server(site: Path) -> Iterator[ServeProcess]:
    process = ServeProcess(site)
    try:
        yield process
    finally:
        process.stop()
    assert "Traceback" not in process.output, process.output


@pytest.fixture
def page(browser, server: ServeProcess) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def open_live(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Open `url` and wait until its live-reload stream is connected."""
    with page.expect_response(lambda response: "__briefsite__/events" in response.url):
        page.goto(url)
    page.evaluate("window.__marker = 1")


def edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_saving_a_brief_reloads_the_page_with_the_new_text(page, site, server) -> None:  # type: ignore[no-untyped-def]
    open_live(page, server.url + BRIEF_URL)
    body = page.locator(".brief-body")
    expect(body).not_to_contain_text("Edited by the browser test")
    saved = time.monotonic()
    edit(
        site,
        BRIEF,
        "set out the proposal on Sunday.",
        "set out the proposal on Sunday. Edited by the browser test.",
    )
    expect(body).to_contain_text("Edited by the browser test", timeout=RELOAD_LIMIT_MS)
    assert time.monotonic() - saved < RELOAD_LIMIT_MS / 1000
    assert page.evaluate("window.__marker") is None  # a real reload, not a patch


def test_a_broken_front_matter_shows_the_overlay_and_fixing_it_recovers(  # type: ignore[no-untyped-def]
    page, site, server
) -> None:
    open_live(page, server.url + BRIEF_URL)
    overlay = page.locator(OVERLAY)
    edit(site, BRIEF, "date: 2025-03-02\n", "date: someday\n")
    expect(overlay).to_be_visible(timeout=RELOAD_LIMIT_MS)
    expect(overlay).to_contain_text(f"{BRIEF}:3: error:")
    expect(overlay).to_contain_text("someday")
    server.wait_for(lambda line: line.startswith(f"{BRIEF}:3: error:"), 2)  # the terminal too

    # Every page shows it while the build is failing, and the last good site is served.
    page.goto(server.url + "actors/")
    expect(page.locator(OVERLAY)).to_contain_text(f"{BRIEF}:3:")
    expect(page.locator("h1")).to_contain_text("Actors")
    open_live(page, server.url + BRIEF_URL)
    expect(page.locator(OVERLAY)).to_be_visible()

    edit(site, BRIEF, "date: someday\n", "date: 2025-03-02\n")
    edit(site, BRIEF, "set out the proposal", "set out the fixed proposal")
    expect(page.locator(".brief-body")).to_contain_text(
        "set out the fixed proposal", timeout=RELOAD_LIMIT_MS
    )
    expect(page.locator(OVERLAY)).to_have_count(0)


def test_a_stylesheet_change_is_swapped_in_without_a_reload(page, site, server) -> None:  # type: ignore[no-untyped-def]
    open_live(page, server.url + BRIEF_URL)
    theme_css = (REPO_ROOT / "static/css/briefsite.css").read_text(encoding="utf-8")
    override = site / "static/css/briefsite.css"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(theme_css + "\nbody { background-color: rgb(1, 2, 3) !important; }\n")
    expect(page.locator("body")).to_have_css(
        "background-color", "rgb(1, 2, 3)", timeout=RELOAD_LIMIT_MS
    )
    assert page.evaluate("window.__marker") == 1  # the page was not reloaded
    assert page.locator('link[rel="stylesheet"]').count() == 1  # the old one was dropped

    override.write_text(theme_css + "\nbody { background-color: rgb(4, 5, 6) !important; }\n")
    expect(page.locator("body")).to_have_css(
        "background-color", "rgb(4, 5, 6)", timeout=RELOAD_LIMIT_MS
    )
    assert page.evaluate("window.__marker") == 1


def test_links_from_brief_to_actor_to_quote_to_source_and_back(page, server) -> None:  # type: ignore[no-untyped-def]
    brief_url = server.url + BRIEF_URL
    page.goto(brief_url)

    page.locator(".brief-body a.actor", has_text="Recep Tayyip Erdoğan").click()
    expect(page).to_have_url(server.url + "actors/recep-tayyip-erdogan/")
    expect(page.locator("h1")).to_contain_text("Recep Tayyip Erdoğan")

    quote = page.locator("figure.pull-quote", has_text="We are ready to host both delegations")
    quote.locator('a[href*="#quote-"]').click()
    expect(page).to_have_url(re.compile(re.escape(brief_url) + r"#quote-\d+$"))
    target = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{target}")).to_contain_text("We are ready to host both delegations")
    expect(page.locator(f"#{target}")).to_be_in_viewport()

    page.locator("#cite-1-1").click()
    expect(page).to_have_url(brief_url + "#source-1")
    source = page.locator("#source-1")
    expect(source).to_contain_text("Ankara proposes new shipping talks")
    expect(source).to_be_in_viewport()

    source.locator('a[role="doc-backlink"][href$="#cite-1-1"]').click()
    expect(page).to_have_url(brief_url + "#cite-1-1")
    expect(page.locator("#cite-1-1")).to_be_in_viewport()
    page.go_back()
    expect(page).to_have_url(brief_url + "#source-1")
