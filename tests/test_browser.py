"""The built theme in a real browser: screenshots for review and an axe-core accessibility check.

Playwright drives Debian's Chromium (`/usr/bin/chromium`; never a downloaded browser). The
full fixture is built under a `/desk/` prefix and served by a stdlib HTTP server in a thread.
Screenshots of the home page, a brief, an actor and the timeline, at 375 px and 1280 px, in
light and dark mode, go to `tests/output/screenshots/` (gitignored) for a human to look at.
axe-core comes from the npm registry through `tests/setup_browser.sh` (into `tests/.node/`);
without it the accessibility checks are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browsers import CHROMIUM, chromium, static_server
from conftest import FULL_SITE, TESTS_DIR, build_ok

AXE = TESTS_DIR / ".node" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = TESTS_DIR / "output" / "screenshots"
PAGES = {
    "home": "/desk/",
    "brief": "/desk/briefs/grain-corridor-talks/",
    "actor": "/desk/actors/maria-kovalenko/",
    "timeline": "/desk/timeline/",
}
WIDTHS = (375, 1280)
SCHEMES = ("light", "dark")

sync_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():  # pragma: no cover - depends on the machine
    pytest.skip("Debian's chromium is missing (tests/setup_browser.sh)", allow_module_level=True)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The full fixture served at http://127.0.0.1:<port>/desk/ from a thread."""
    root = tmp_path_factory.mktemp("browser")
    build_ok(FULL_SITE, root / "desk")
    with static_server(root) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium."""
    with chromium() as launched:
        yield launched


def open_page(browser, url: str, width: int, scheme: str, javascript: bool = True):
    """A new page at `width` px in a light or dark colour scheme, loaded from `url`."""
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.goto(url, wait_until="load")
    return page


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_screenshot(browser, site_url: str, name: str, width: int, scheme: str) -> None:
    """Each page renders without horizontal scrolling and is saved for review."""
    page = open_page(browser, site_url + PAGES[name], width, scheme, javascript=False)
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{name} scrolls sideways at {width} px"
        assert page.locator("main h1").first.is_visible()
    finally:
        page.context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe(browser, site_url: str, name: str, width: int, scheme: str) -> None:
    """axe-core finds no serious or critical violation (WCAG 2.x A and AA rules)."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (run tests/setup_browser.sh)")
    page = open_page(browser, site_url + PAGES[name], width, scheme)
    try:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }"""
        )
    finally:
        page.context.close()
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name} at {width} px, {scheme}: {bad}"


def test_citation_tooltip_and_focus(browser, site_url: str) -> None:
    """A citation marker names its source on focus, and the focus ring is visible."""
    page = open_page(browser, site_url + PAGES["brief"], 1280, "light")
    try:
        marker = page.locator(".brief-body sup.cite a").first
        assert marker.get_attribute("title")
        marker.focus()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none")
        tip = page.evaluate("getComputedStyle(document.activeElement, '::after').content")
        assert tip not in ("", "none", "normal")
    finally:
        page.context.close()


def test_skip_link_is_first_and_shows_on_focus(browser, site_url: str) -> None:
    """Tab once: the skip link is focused, visible on screen, and leads to <main>."""
    page = open_page(browser, site_url + PAGES["brief"], 375, "dark")
    try:
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const r = document.activeElement.getBoundingClientRect();"
            " return [document.activeElement.className, r.left, r.top,"
            " document.activeElement.getAttribute('href')]; })()"
        )
        assert focused[0] == "skip-link"
        assert focused[1] >= 0 and focused[2] >= 0
        assert focused[3] == "#main"
    finally:
        page.context.close()


def test_print_shows_source_urls(browser, site_url: str) -> None:
    """In print, navigation is hidden and each source link prints its URL."""
    page = open_page(browser, site_url + PAGES["brief"], 1280, "light")
    try:
        page.emulate_media(media="print")
        nav = page.evaluate("getComputedStyle(document.querySelector('.site-header nav')).display")
        assert nav == "none"
        after = page.evaluate(
            "getComputedStyle(document.querySelector(\".source-list a[href^='http']\"),"
            " '::after').content"
        )
        assert "http" in after or "attr" in after
        assert page.locator("#sources-heading").is_visible()
        page.pdf(path=str(SCREENSHOTS / "brief-print.pdf"))
    finally:
        page.context.close()
