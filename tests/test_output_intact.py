"""A failed build leaves the previous output exactly as it was; a no-change build rewrites
nothing (FORMAT.md, "Bad input"; architecture.md, `output`)."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import build_command, build_ok, copy_site, formatted, run_build

from briefsite.output import output_lock
from briefsite.render import SiteRenderer

BROKEN = "content/briefs/2025-03-02-grain-corridor-talks.md"
OLD_NS = 1_000_000_000 * 1_600_000_000  # 2020-09-13: any rewrite gets a newer mtime

Snapshot = dict[str, tuple[bytes, int]]


def snapshot(out: Path) -> Snapshot:
    """Every file of the output: its bytes and its mtime in nanoseconds."""
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def age_files(out: Path) -> None:
    """Set every output file's mtime far in the past, so a rewrite cannot go unnoticed."""
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD_NS, OLD_NS))


def break_brief(site: Path) -> tuple[bytes, int]:
    """Append a citation of a source that does not exist; return the old bytes and its line."""
    path = site / BROKEN
    original = path.read_bytes()
    text = original.decode("utf-8")
    if not text.endswith("\n"):
        text += "\n"
    text += "\nA claim with no such source [99].\n"
    path.write_bytes(text.encode("utf-8"))
    return original, text.count("\n")


def test_failed_build_keeps_previous_output(full_site: Path, tmp_path: Path) -> None:
    """Build, break a brief, build again: it fails with path:line and touches nothing;
    a rebuild of the repaired site rewrites no file."""
    site = copy_site(full_site, tmp_path / "site")
    out = build_ok(site, tmp_path / "out")
    age_files(out)
    before = snapshot(out)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    assert len(before) > 40

    original, line = break_brief(site)
    result = run_build(site, out)
    assert not result.ok
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert any(d.path == BROKEN and d.line == line for d in errors), formatted(result)
    assert any(f.startswith(f"{BROKEN}:{line}: error: ") for f in formatted(result))
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings

    (site / BROKEN).write_bytes(original)
    result = run_build(site, out)
    assert result.ok, formatted(result)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


def test_failed_cli_build_exits_nonzero(full_site: Path, tmp_path: Path) -> None:
    """The command line reports the broken marker as path:line and exits 1."""
    site = copy_site(full_site, tmp_path / "site")
    out = build_ok(site, tmp_path / "out")
    age_files(out)
    before = snapshot(out)
    _, line = break_brief(site)
    proc = subprocess.run(
        build_command(site, out),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert f"{BROKEN}:{line}: error: " in proc.stdout + proc.stderr
    assert snapshot(out) == before


@pytest.mark.parametrize(
    ("output", "problem"),
    [
        (".", "would contain the site itself"),
        ("..", "would contain the site itself"),
        ("static/out", "is inside the site's static/, which builds read"),
        ("content/site", "is inside the site's content/, which builds read"),
        ("templates", "is inside the site's templates/, which builds read"),
        ("README.md", "exists and is not a directory"),
        ("notes", "is not empty and was not made by briefsite"),
    ],
)
def test_an_output_that_would_harm_the_site_is_refused(
    full_site: Path, tmp_path: Path, output: str, problem: str
) -> None:
    """Nothing is written, and the site is as it was: an output in `static/` was copied
    into itself by every later build, one of more files each time."""
    site = copy_site(full_site, tmp_path / "site")
    (site / "notes").mkdir()
    (site / "notes" / "todo.txt").write_text("mine\n")
    before = {p: p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    proc = subprocess.run(
        build_command(site, site / output), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1 and problem in proc.stderr, proc.stderr
    assert {p: p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()} == before


def test_two_pages_for_one_file_fail_the_build(
    full_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should two pages ever get one output path, the build fails rather than lose one
    (names whose slug is empty, which put a page in place of its section's index, are
    errors in the briefs: tests/sites/invalid/names-without-a-page)."""
    site = copy_site(full_site, tmp_path / "site")
    out = build_ok(site, tmp_path / "out")
    before = snapshot(out)
    pages = SiteRenderer.pages

    def clashing(self: SiteRenderer) -> list:
        specs = pages(self)
        index = next(s for s in specs if s.path == "actors/index.html")
        return [*specs, replace(specs[-1], path=index.path)]

    monkeypatch.setattr(SiteRenderer, "pages", clashing)
    brief = site / BROKEN
    brief.write_text(brief.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = run_build(site, out)
    assert not result.ok
    assert any("two pages would be written to actors/index.html" in f for f in formatted(result))
    assert snapshot(out) == before


def test_a_static_file_where_pages_need_a_folder_is_named(full_site: Path, tmp_path: Path) -> None:
    """Writing fails (a file cannot be a folder); the error names the static file and the
    pages it stands in the way of, not just the output, and the output is as it was."""
    site = copy_site(full_site, tmp_path / "site")
    out = build_ok(site, tmp_path / "out")
    before = snapshot(out)
    (site / "static" / "actors").write_text("not a folder\n")
    proc = subprocess.run(build_command(site, out), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert (
        "static/actors:1: error: its output actors is a file, but actors/index.html "
        "(from (theme) templates/actors.html) needs it to be a folder"
    ) in proc.stderr
    assert snapshot(out) == before


def test_a_second_build_into_one_place_waits_for_the_first(full_site: Path, tmp_path: Path) -> None:
    """Two builds at once filled one spare and each recorded what it left, so the next build
    trusted a record the output did not match (found running six pairs at once: pages a
    cold build makes differently, and '0 files changed'). The second now waits."""
    site = copy_site(full_site, tmp_path / "site")
    out = build_ok(site, tmp_path / "out")
    brief = site / BROKEN
    brief.write_text(brief.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    with output_lock(out):  # as a build into the same place would
        proc = subprocess.Popen(
            build_command(site, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(1.5)
        assert proc.poll() is None, proc.communicate()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "waited 1." in stderr and "for another build into this place" in stderr
    cold = build_ok(site, tmp_path / "cold")
    assert {p: b for p, (b, _) in snapshot(out).items()} == {
        p: b for p, (b, _) in snapshot(cold).items()
    }
