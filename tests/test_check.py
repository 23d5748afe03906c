"""`briefsite check`: builds into a temporary directory and checks what it built (issue 4.1)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import FULL_SITE, copy_site

from briefsite.cli import main
from briefsite.linkcheck import Problem, check_site

GRAIN = "content/briefs/2025-03-02-grain-corridor-talks.md"


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """Run `briefsite check`; its exit code and the lines it printed to stderr."""
    code = main(["check", *args])
    return code, capsys.readouterr().err.splitlines()


def append_body(site: Path, rel: str, text: str) -> None:
    """Add Markdown (raw HTML allowed: authors are trusted) to the end of a file's body."""
    path = site / rel
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def test_full_fixture_checks_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run_check(capsys, "--site", str(FULL_SITE), "--strict")
    assert code == 0, lines
    assert any("no problems" in line for line in lines), lines
    assert not (FULL_SITE / "_site").exists()


def test_sample_site_checks_clean_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], repo_root: Path, tmp_path: Path
) -> None:
    site = tmp_path / "sample"
    site.mkdir()
    for name in ("content", "static", "templates"):
        if (repo_root / name).is_dir():
            copy_site(repo_root / name, site / name)
    code, lines = run_check(capsys, "--site", str(site), "--strict", "--drafts")
    assert code == 0, lines
    assert sorted(p.name for p in site.iterdir()) == ["content", "static", "templates"]


def test_broken_brief_names_page_and_source(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Raw HTML in a brief: each kind of problem is reported against the brief's file."""
    site = copy_site(FULL_SITE, tmp_path / "site")
    append_body(
        site,
        GRAIN,
        '<p><a href="/desk/briefs/no-such-brief/">gone</a> <a href="#nowhere">here</a>'
        ' <a href="../inspections-resume/#nope">there</a> <img src="/desk/favicon.ico">'
        ' <span id="source-1">again</span></p>',
    )
    code, lines = run_check(capsys, "--site", str(site))
    assert code == 1
    problems = [line for line in lines if line.startswith("briefs/grain-corridor-talks/")]
    assert all(f"(source: {GRAIN})" in line for line in problems), problems
    text = "\n".join(problems)
    assert "'/desk/briefs/no-such-brief/'>: target does not exist" in text
    assert "no id 'nowhere' on briefs/grain-corridor-talks/index.html" in text
    assert "no id 'nope' on briefs/inspections-resume/index.html" in text
    assert "<img> without alt text" in text
    assert "duplicate id 'source-1'" in text
    assert len(problems) == 5, problems
    assert re.match(r"briefs/grain-corridor-talks/index\.html:\d+: ", problems[0])
    # The paragraph ended up in the brief's takeaway section, so /takeaways/ shows it too:
    # those problems are blamed on the brief, shown through the theme's template.
    gathered = [line for line in lines if line.startswith("takeaways/index.html:")]
    assert gathered and all(
        line.endswith(f"(source: {GRAIN}, shown through (theme) templates/takeaways.html)")
        for line in gathered
        if "no-such-brief" in line or "alt text" in line
    ), gathered
    # The relative link breaks there (it is resolved against /takeaways/): reported as well.
    assert any("'../inspections-resume/#nope'>: target does not exist" in g for g in gathered)


def test_registry_actor_maps_to_its_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A broken link in a registry actor's bio is blamed on content/actors/<id>.md."""
    site = copy_site(FULL_SITE, tmp_path / "site")
    append_body(site, "content/actors/turkey.md", "See [the missing page](/desk/nowhere/).")
    code, lines = run_check(capsys, "--site", str(site))
    assert code == 1
    problems = [line for line in lines if "'/desk/nowhere/'" in line]
    assert problems and all(line.startswith("actors/turkey/index.html:") for line in problems)
    assert all(line.endswith("(source: content/actors/turkey.md)") for line in problems)


def test_strict_fails_on_warnings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    path = site / GRAIN
    path.write_text(path.read_text().replace("---\n", "---\nmood: calm\n", 1), encoding="utf-8")
    assert run_check(capsys, "--site", str(site))[0] == 0
    code, lines = run_check(capsys, "--site", str(site), "--strict")
    assert code == 1
    assert any("unknown key" in line and "mood" in line for line in lines), lines


def test_base_url_override_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--site", str(FULL_SITE), "--base-url", "https://pages.example.net/deep/er/")
    code, lines = run_check(capsys, *args)
    assert code == 0, lines


def test_content_errors_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    append_body(site, GRAIN, "A marker with no source [99].")
    code, lines = run_check(capsys, "--site", str(site))
    assert code == 1
    assert any(line.startswith(GRAIN) and "error" in line for line in lines), lines


# --- the feed, sitemap and robots checks on hand-made output -------------------------------

BASE = "https://example.org/p/"


def handmade(out: Path) -> Path:
    """A tiny output directory that passes every check."""
    (out / "a").mkdir(parents=True)
    page = '<!doctype html><html><body><main id="main"><a href="/p/a/">a</a></main></body></html>'
    (out / "index.html").write_text(page, encoding="utf-8")
    (out / "a" / "index.html").write_text(page, encoding="utf-8")
    (out / "feed.xml").write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>x</id>'
        "<title>t</title><updated>2025-01-01T00:00:00Z</updated><entry><id>e</id>"
        "<title>t</title><updated>2025-01-01T00:00:00Z</updated><content>c</content>"
        f'<link rel="alternate" href="{BASE}a/"/></entry></feed>',
        encoding="utf-8",
    )
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "t",
        "items": [{"id": f"{BASE}a/", "url": f"{BASE}a/", "content_html": "<p>c</p>"}],
    }
    (out / "feed.json").write_text(json.dumps(feed), encoding="utf-8")
    (out / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{BASE}</loc></url><url><loc>{BASE}a/</loc></url></urlset>",
        encoding="utf-8",
    )
    (out / "robots.txt").write_text(f"User-agent: *\nSitemap: {BASE}sitemap.xml\n")
    return out


def messages(problems: list[Problem]) -> list[str]:
    return [p.format() for p in problems]


def test_handmade_output_is_clean(tmp_path: Path) -> None:
    assert messages(check_site(handmade(tmp_path / "out"), BASE, {})) == []


def test_broken_feeds_and_sitemap(tmp_path: Path) -> None:
    out = handmade(tmp_path / "out")
    (out / "feed.xml").write_text("<feed><unclosed></feed>", encoding="utf-8")
    (out / "feed.json").write_text('{"version": "https://jsonfeed.org/version/1.1",', "utf-8")
    sitemap = (out / "sitemap.xml").read_text().replace(f"{BASE}a/", f"{BASE}gone/")
    (out / "sitemap.xml").write_text(sitemap, encoding="utf-8")
    (out / "robots.txt").write_text("Sitemap: /p/sitemap.xml\n", encoding="utf-8")
    sources = {"feed.xml": "templates/feed.xml"}
    found = messages(check_site(out, BASE, sources))
    assert len(found) == 4, found
    assert found[0].startswith("feed.xml:1: not well-formed XML")
    assert found[0].endswith("(source: templates/feed.xml)")
    assert found[1].startswith("feed.json:") and "not valid JSON" in found[1]
    assert found[2] == f"sitemap.xml: <loc> '{BASE}gone/': target does not exist"
    assert found[3] == "robots.txt:1: Sitemap '/p/sitemap.xml' is not an absolute URL"


def test_missing_feed_entries_and_items(tmp_path: Path) -> None:
    out = handmade(tmp_path / "out")
    feed = (out / "feed.xml").read_text().replace("<content>c</content>", "")
    (out / "feed.xml").write_text(feed.replace(f"{BASE}a/", f"{BASE}b/"), encoding="utf-8")
    (out / "feed.json").write_text('{"version": "2", "items": []}', encoding="utf-8")
    (out / "sitemap.xml").unlink()
    found = messages(check_site(out, BASE, {}))
    assert found == [
        "feed.xml: entry 1 has no <content>",
        f"feed.xml: entry 1 link '{BASE}b/': target does not exist",
        "feed.json: not a JSON Feed (no version https://jsonfeed.org/version/1.1)",
        "sitemap.xml: missing",
        f"robots.txt:2: Sitemap '{BASE}sitemap.xml': target does not exist",
    ]


def test_srcset_and_anchor_names(tmp_path: Path) -> None:
    out = handmade(tmp_path / "out")
    (out / "a" / "index.html").write_text(
        '<a name="old"></a><img alt="x" srcset="/p/a/x.png 1x, /p/a/y.png 2x">'
        '<a href="#old">ok</a>',
        encoding="utf-8",
    )
    (out / "a" / "x.png").write_bytes(b"")
    found = messages(check_site(out, BASE, {}))
    assert found == ["a/index.html:1: <img srcset='/p/a/y.png'>: target does not exist"]


def test_one_url_on_two_pages_is_resolved_against_each(tmp_path: Path) -> None:
    """The checker remembers where URLs lead; a relative URL or a bare fragment means
    something else on each page, a root-relative one the same everywhere."""
    out = handmade(tmp_path / "out")
    (out / "x").mkdir()
    (out / "x" / "index.html").write_text('<p id="here">x</p>', encoding="utf-8")
    links = '<a href="x/">x</a> <a href="#here">here</a> <a href="/p/a/../x/#here">x</a>'
    (out / "index.html").write_text(f'<p id="here">home</p>{links}', encoding="utf-8")
    (out / "a" / "index.html").write_text(links, encoding="utf-8")
    found = messages(check_site(out, BASE, {}))
    assert found == [
        "a/index.html:1: <a href='x/'>: target does not exist",
        "a/index.html:1: <a href='#here'>: no id 'here' on a/index.html",
    ]


def test_pages_read_over_several_processes_give_the_same_problems(tmp_path: Path) -> None:
    out = handmade(tmp_path / "out")
    for n in range(120):  # enough pages to be shared out over processes
        (out / f"p{n}").mkdir()
        broken = f'<a href="/p/p{n + 1}/#s{n}">next</a><img src="/p/gone{n % 7}.png">'
        (out / f"p{n}" / "index.html").write_text(f'<p id="s{n}">{broken}</p>', "utf-8")
    seen: list[tuple[str, int, int]] = []
    alone = messages(check_site(out, BASE, {}, jobs=1))
    shared = messages(check_site(out, BASE, {}, jobs=2, progress=lambda *a: seen.append(a)))
    assert shared == alone
    assert len(alone) == 3 * 120  # each page: a missing id (or page), image and alt text
    assert "p3/index.html:1: <a href='/p/p4/#s3'>: no id 's3' on p4/index.html" in alone
    assert ("reading pages", 122, 122) in seen and seen[-1] == ("checking links", 122, 122)
