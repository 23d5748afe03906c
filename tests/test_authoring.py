"""The authoring command line: `new brief`, `new actor`, `list`, source excerpts with carets,
`--verbose`, and plain text when piped."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import FULL_SITE, build_ok, copy_site

from briefsite.cli import main
from briefsite.diagnostics import Diagnostic
from briefsite.terminal import excerpt


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, piped (so: no colours, no progress bar)."""
    return subprocess.run(
        [sys.executable, "-m", "briefsite", *args], capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(FULL_SITE, tmp_path / "site")


def test_new_brief_builds_cleanly_with_a_unique_slug(site: Path, tmp_path: Path) -> None:
    args = ["new", "brief", "Grain corridor talks", "--site", str(site)]
    first = cli(*args, "--actors", "Erdoğan", "New Envoy", "--date", "2025-03-21")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "content/briefs/2025-03-21-grain-corridor-talks-2.md"
    second = cli(*args, "--date", "2025-03-21")
    assert second.stdout.strip() == "content/briefs/2025-03-21-grain-corridor-talks-3.md"
    text = (site / first.stdout.strip()).read_text(encoding="utf-8")
    assert 'title: "Grain corridor talks"' in text and "date: 2025-03-21" in text
    assert '  - "Erdoğan"\n  - "New Envoy"\n' in text
    out = build_ok(site, tmp_path / "out", drafts=True, strict=True)
    assert (out / "briefs" / "grain-corridor-talks-2" / "index.html").is_file()
    assert (out / "actors" / "new-envoy" / "index.html").is_file()


def test_new_brief_is_dated_today_and_never_overwrites(site: Path) -> None:
    created = cli("new", "brief", "Ünïcode: “quoted” title", "--site", str(site))
    assert created.returncode == 0, created.stderr
    path = site / created.stdout.strip()
    today = dt.datetime.now(ZoneInfo("Europe/Istanbul")).date()  # the fixture's timezone
    assert path.name.startswith(today.isoformat()) or path.name < today.isoformat()
    assert path.name.endswith("-unicode-quoted-title.md")
    before = path.read_bytes()
    again = cli("new", "brief", "Ünïcode: “quoted” title", "--site", str(site))
    assert again.returncode == 0 and site / again.stdout.strip() != path
    assert path.read_bytes() == before
    assert cli("new", "brief", "!!!", "--site", str(site)).returncode == 1
    assert cli("new", "brief", "X", "--date", "2025-02-30", "--site", str(site)).returncode == 2


def test_new_actor(site: Path, tmp_path: Path) -> None:
    made = cli("new", "actor", "Olena Bondar", "--kind", "person", "--site", str(site))
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "content/actors/olena-bondar.md"
    text = (site / "content/actors/olena-bondar.md").read_text(encoding="utf-8")
    assert 'name: "Olena Bondar"' in text and "kind: person" in text
    known = cli("new", "actor", "Erdogan", "--site", str(site))
    assert known.returncode == 1 and "recep-tayyip-erdogan" in known.stderr
    assert cli("new", "actor", "Olena Bondar", "--site", str(site)).returncode == 1
    assert cli("new", "actor", "X", "--kind", "robot", "--site", str(site)).returncode == 2
    build_ok(site, tmp_path / "out", strict=True)


def test_new_never_writes_outside_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    outside = tmp_path / "outside"
    (site / "content").mkdir(parents=True)
    (site / "content" / "site.yml").write_text("title: T\nbase_url: http://127.0.0.1/\n")
    outside.mkdir()
    (site / "content" / "briefs").symlink_to(outside)
    (site / "content" / "actors").symlink_to(tmp_path / "nowhere")
    made = cli("new", "brief", "Talks", "--site", str(site))
    assert made.returncode == 1 and "leads outside the site root" in made.stderr
    actor = cli("new", "actor", "Olena Bondar", "--site", str(site))
    assert actor.returncode == 1 and "leads outside the site root" in actor.stderr
    assert not list(outside.iterdir()) and not (tmp_path / "nowhere").exists()


def test_list_with_counts(site: Path) -> None:
    actors = cli("list", "actors", "--site", str(site))
    assert actors.returncode == 0, actors.stderr
    lines = actors.stdout.splitlines()
    assert lines[0].split() == ["briefs", "name", "id"]
    assert lines[1].split()[:2] == ["4", "Recep"]
    assert lines[-1] == "9 actors"
    sources = cli("list", "sources", "--site", str(site)).stdout
    assert "harbour-ledger" in sources and "(no publisher)" in sources
    topics = cli("list", "topics", "--site", str(site)).stdout.splitlines()
    assert any(line.split()[0] == "3" and "grain-corridor" in line for line in topics)
    assert "\033[" not in actors.stdout + actors.stderr


def test_errors_show_the_line_with_a_caret(site: Path, tmp_path: Path) -> None:
    bad = site / "content/briefs/2025-03-30-bad.md"
    bad.write_text(
        "---\ntitle: Bad\ndate: 2025-03-30\nautor: me\nsources: [{}]\n---\nSee [1] and [1, 3].\n",
        encoding="utf-8",
    )
    result = cli("build", "--site", str(site), "--output", str(tmp_path / "out"))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    first = lines.index(
        "content/briefs/2025-03-30-bad.md:7: error: citation [3] has no source "
        "(the brief has 1 source)"
    )
    assert lines[first + 1] == " 7 | See [1] and [1, 3]."
    assert lines[first + 2] == "   |             ^~~~~~"
    warning = lines.index(
        "content/briefs/2025-03-30-bad.md:4: warning: unknown key 'autor' in brief front matter"
    )
    assert lines[warning + 2] == "   | ^~~~~"
    assert "\033[" not in result.stderr


def test_excerpt_without_a_readable_line(tmp_path: Path) -> None:
    assert excerpt(tmp_path, Diagnostic("missing.md", 3, "error", "x")) == []
    assert excerpt(tmp_path, Diagnostic("content", 0, "error", "x")) == []
    assert excerpt(tmp_path, Diagnostic("../outside.md", 1, "error", "x")) == []


def test_verbose_and_quiet(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = str(tmp_path / "out")
    assert main(["build", "--site", str(site), "--output", out, "--verbose"]) == 0
    err = capsys.readouterr().err
    for stage in ("scan", "read", "render", "write"):
        assert f"  {stage} " in err
    assert "cache:" in err and "built " in err
    assert main(["build", "--site", str(site), "--output", out, "-v"]) == 0
    assert "nothing changed since the last build" in capsys.readouterr().err
    assert main(["build", "--site", str(site), "--output", out, "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["build", "--site", str(site), "-q", "-v"]) == 2
