"""The theme's colours: every text/background pair meets WCAG 2.x AA in light and dark mode.

The colours are read from the CSS custom properties of `static/css/briefsite.css` (the
`:root` block, and the one inside `@media (prefers-color-scheme: dark)`), so a change to the
palette that breaks contrast fails here before anyone looks at a screenshot.
"""

from __future__ import annotations

import re

import pytest
from conftest import REPO_ROOT

CSS = (REPO_ROOT / "static" / "css" / "briefsite.css").read_text(encoding="utf-8")
PROPERTY = re.compile(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\b")

# (foreground, background) pairs the theme draws text with: 4.5:1 (WCAG 1.4.3).
TEXT_PAIRS = [
    ("text", "bg"),
    ("text", "panel"),
    ("muted", "bg"),
    ("muted", "panel"),
    ("accent", "bg"),
    ("accent", "panel"),
    ("accent-visited", "bg"),
    ("accent-visited", "panel"),
    ("quote", "bg"),
    ("on-accent", "accent"),
    ("on-accent", "bar"),
    ("on-highlight", "highlight"),
    ("bg", "text"),
    ("bg", "mark"),
]
# Focus rings, chart bars, timeline marks and axes against the page: 3:1 (WCAG 1.4.11).
GRAPHIC_PAIRS = [
    ("focus", "bg"),
    ("focus", "panel"),
    ("mark", "bg"),
    ("bar", "bg"),
    ("muted", "bg"),
    ("quote", "bg"),
    ("analysis", "panel"),
]


def palettes() -> dict[str, dict[str, str]]:
    """The light (`:root`) and dark colour custom properties of the stylesheet."""
    light_block = re.search(r"^:root\s*\{(.*?)\}", CSS, re.S | re.M)
    dark_media = re.search(r"prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{(.*?)\}", CSS, re.S)
    assert light_block and dark_media
    light = dict(PROPERTY.findall(light_block.group(1)))
    dark = {**light, **dict(PROPERTY.findall(dark_media.group(1)))}
    return {"light": light, "dark": dark}


def luminance(colour: str) -> float:
    """Relative luminance of `#rrggbb` (WCAG 2.x)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_dark_mode_overrides_every_colour() -> None:
    light_block = re.search(r"^:root\s*\{(.*?)\}", CSS, re.S | re.M)
    dark_media = re.search(r"prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{(.*?)\}", CSS, re.S)
    assert light_block and dark_media
    light = set(dict(PROPERTY.findall(light_block.group(1))))
    dark = set(dict(PROPERTY.findall(dark_media.group(1))))
    assert light == dark


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_text_contrast_aa(scheme: str, fg: str, bg: str) -> None:
    colours = palettes()[scheme]
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= 4.5, f"{scheme}: --{fg} on --{bg} is {ratio:.2f}:1"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("fg", "bg"), GRAPHIC_PAIRS)
def test_graphics_contrast(scheme: str, fg: str, bg: str) -> None:
    colours = palettes()[scheme]
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= 3.0, f"{scheme}: --{fg} on --{bg} is {ratio:.2f}:1"


def test_theme_needs_no_javascript() -> None:
    """Only the search page runs a script (JSON-LD is data): the rest reads without JavaScript."""
    for template in (REPO_ROOT / "templates").rglob("*.html"):
        if template.name == "search.html":
            continue
        text = template.read_text(encoding="utf-8").replace(
            '<script type="application/ld+json">', ""
        )
        assert "<script" not in text, template.name
