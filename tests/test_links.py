"""Every internal link of a built site resolves: page, file and #fragment (FORMAT.md)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import build_ok
from htmlcheck import check_links


def test_full_fixture_links(full_output: Path) -> None:
    """The full fixture (no drafts) under its /desk/ prefix."""
    assert check_links(full_output, "/desk/", origin="https://example.org") == []


def test_full_fixture_links_with_drafts(full_output_drafts: Path) -> None:
    """The full fixture built with --drafts."""
    assert check_links(full_output_drafts, "/desk/", origin="https://example.org") == []


def test_full_fixture_links_with_base_url_override(full_site: Path, tmp_path: Path) -> None:
    """--base-url wins over site.yml; every link then carries its /briefings/ prefix."""
    out = build_ok(full_site, tmp_path / "out", base_url="https://example.org/briefings/")
    assert check_links(out, "/briefings/", origin="https://example.org") == []
    # The same output checked against the old prefix must fail: the links really moved.
    assert check_links(out, "/desk/")


def test_sample_site_links(repo_root: Path, tmp_path: Path) -> None:
    """The sample site at the repository root, built with --output into a temporary dir."""
    config = yaml.safe_load((repo_root / "content" / "site.yml").read_text(encoding="utf-8"))
    base = urlsplit(config["base_url"])
    out = build_ok(repo_root, tmp_path / "out")
    assert (out / "index.html").is_file()
    assert check_links(out, base.path or "/", origin=f"{base.scheme}://{base.netloc}") == []


# --- check_links itself ----------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="en"><head><link rel="stylesheet" href="{css}"></head>
<body><main id="main">{body}</main></body></html>
"""


def write_page(out: Path, rel: str, body: str, css: str = "/p/site.css") -> None:
    """Write a small HTML page into a hand-made output directory."""
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(css=css, body=body), encoding="utf-8")


@pytest.fixture
def handmade(tmp_path: Path) -> Path:
    """An output directory with good links, and exactly one problem of each kind."""
    out = tmp_path / "out"
    write_page(
        out,
        "index.html",
        '<a href="/p/a/">ok page</a> <a href="/p/a/#here">ok fragment</a>'
        ' <a href="a/#here">ok relative</a> <a href="#main">ok self</a>'
        ' <a href="https://elsewhere.example/x">external</a> <a href="mailto:x@example.org">m</a>'
        ' <img src="/p/logo.png" alt="">'
        ' <a href="/p/missing/">broken page</a>'
        ' <a href="/p/a/#nowhere">missing fragment</a>',
    )
    write_page(out, "a/index.html", '<p id="here">x</p><p id="twice">1</p><p id="twice">2</p>')
    (out / "site.css").write_text("body{}", encoding="utf-8")
    (out / "logo.png").write_bytes(b"\x89PNG")
    return out


def test_check_links_reports_each_problem(handmade: Path) -> None:
    """A broken href, a missing #fragment and a duplicate id are each reported, nothing else."""
    problems = check_links(handmade, "/p/")
    assert len(problems) == 3, problems
    assert any("'/p/missing/'" in p and "does not exist" in p for p in problems), problems
    assert any("'/p/a/#nowhere'" in p and "no id 'nowhere'" in p for p in problems), problems
    assert any(p.startswith("a/index.html") and "duplicate id 'twice'" in p for p in problems)


def test_check_links_clean_when_fixed(handmade: Path) -> None:
    """With the three problems repaired, nothing is reported."""
    write_page(
        handmade,
        "index.html",
        '<a href="/p/a/">ok</a> <a href="/p/a/#here">ok</a> <a href="a/#here">ok</a>',
    )
    write_page(handmade, "a/index.html", '<p id="here">x</p><p id="twice">1</p>')
    assert check_links(handmade, "/p/") == []


def test_check_links_base_path_and_origin(tmp_path: Path) -> None:
    """Links outside the base path, missing src files and absolute own-site URLs are checked."""
    out = tmp_path / "out"
    write_page(
        out,
        "index.html",
        '<a href="/briefs/x/">no prefix</a>'
        ' <a href="https://example.org/p/gone/">own site, absolute</a>'
        ' <a href="https://example.org/other/">same host, not the site</a>'
        ' <a href="/p/a">directory without slash</a>',
        css="/p/missing.css",
    )
    write_page(out, "a/index.html", "", css="https://cdn.example.net/site.css")
    problems = check_links(out, "/p/", origin="https://example.org")
    assert len(problems) == 4, problems
    assert any("'/briefs/x/'" in p and "outside the base path /p/" in p for p in problems)
    assert any("'https://example.org/p/gone/'" in p for p in problems)
    assert any("'/p/missing.css'" in p for p in problems)
    assert any("'/p/a'" in p and "trailing slash" in p for p in problems)
