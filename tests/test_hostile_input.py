"""Hostile input that cannot live in a git fixture: huge files, bombs, symlinks, FIFOs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import build_command

from briefsite.yamlsafe import MAX_NODES, parse_yaml

SITE_YML = "title: Hostile\nbase_url: http://127.0.0.1:8000/\n"
GOOD = "---\ntitle: A good brief\ndate: 2025-05-11\n---\nZelensky proposed talks.\n"


def make_site(root: Path) -> Path:
    (root / "content" / "briefs").mkdir(parents=True)
    (root / "content" / "site.yml").write_text(SITE_YML)
    (root / "content" / "briefs" / "2025-05-11-good.md").write_text(GOOD)
    return root


# Runs the build as its own child and reports that child's peak RSS: measured from a
# process forked off pytest, the peak would include pytest's own pages, shared at fork.
PEAK_LAUNCHER = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(done.returncode)"
)


def build(site: Path, output: Path) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run the command line; return the result, seconds taken and the build's peak RSS (KiB)."""
    command = build_command(site, output)
    start = time.perf_counter()
    launched = subprocess.run(
        [sys.executable, "-c", PEAK_LAUNCHER, *command], capture_output=True, text=True, timeout=60
    )
    seconds = time.perf_counter() - start
    stderr, _, peak = launched.stderr.rstrip("\n").rpartition("\n")
    result = subprocess.CompletedProcess(
        command, launched.returncode, launched.stdout, stderr + "\n"
    )
    return result, seconds, int(peak)


def diagnostics(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [
        line for line in result.stderr.splitlines() if ": error: " in line or ": warning: " in line
    ]


def test_a_50_mb_brief_is_refused_quickly_with_bounded_memory(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    big = site / "content" / "briefs" / "2025-05-12-huge.md"
    line = b"Zelensky proposed talks in Istanbul, and Putin did not answer [1]. " * 16 + b"\n"
    with big.open("wb") as handle:
        handle.write(b"---\ntitle: Huge\ndate: 2025-05-12\nsources: [{}]\n---\n")
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(line * 64)
    size = big.stat().st_size
    result, seconds, peak_kib = build(site, tmp_path / "out")
    assert diagnostics(result) == [
        f"content/briefs/2025-05-12-huge.md:1: error: file is too large ({size:,} bytes; "
        "the limit is 10,485,760)"
    ]
    assert result.returncode == 1
    print(f"50 MB brief: {seconds:.2f} s, peak RSS {peak_kib / 1024:.0f} MiB")
    assert seconds < 10, seconds
    assert peak_kib < 200 * 1024, f"peak RSS {peak_kib} KiB"  # far below the file's size
    assert not (tmp_path / "out").exists()


def test_alias_bomb_fails_within_a_second_in_bounded_memory() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    tracemalloc.start()
    start = time.perf_counter()
    node, problems = parse_yaml("\n".join(lines) + "\n")
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert node is None
    assert problems[0][1] == f"YAML expands to more than {MAX_NODES} nodes (alias bomb?)"
    assert seconds < 1.0
    assert peak < 50 * 1024 * 1024


@pytest.mark.parametrize(
    "text",
    [
        "summary: " + "[" * 200_000 + "]" * 200_000,  # used to crash libyaml's composer
        "summary: " + "{a: " * 100_000 + "}" * 100_000,
        "summary:" + "".join("\n" + " " * i + "- " for i in range(1, 3000)) + "x",
        "s: [" + ", ".join(["x"] * 200_000) + "]",  # wide, not deep: counted before composing
    ],
    ids=["brackets", "braces", "block", "wide"],
)
def test_deep_or_huge_yaml_fails_within_a_second(text: str) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    node, problems = parse_yaml(text)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert node is None
    assert (
        "nested more than 64 levels" in problems[0][1]
        or "more than 10000 nodes" in (problems[0][1])
    )
    assert seconds < 1.0, seconds
    assert peak < 64 * 1024 * 1024, peak


def test_deeply_nested_brief_fails_cleanly_through_the_cli(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (site / "content/briefs/2025-05-12-deep.md").write_text(
        "---\ntitle: Deep\ndate: 2025-05-12\nsummary: " + "[" * 300_000 + "]" * 300_000 + "\n---\n"
    )
    result, seconds, _ = build(site, tmp_path / "out")
    assert diagnostics(result) == [
        "content/briefs/2025-05-12-deep.md:4: error: YAML nested more than 64 levels deep"
    ]
    assert result.returncode == 1 and seconds < 10


def test_unsafe_tags_are_never_executed(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    witness = tmp_path / "pwned"
    payloads = [
        f"!!python/object/apply:os.system ['touch {witness}']",
        f"!!python/object/apply:subprocess.call [[touch, {witness}]]",
        f"!!python/object/new:pathlib.Path.touch [{witness}]",
    ]
    for number, payload in enumerate(payloads, 1):
        (site / f"content/briefs/2025-05-1{number}-tag.md").write_text(
            f"---\ntitle: {payload}\ndate: 2025-05-11\n---\nBody.\n"
        )
    (site / "content/site.yml").write_text(SITE_YML + f"description: {payloads[0]}\n")
    result, _, _ = build(site, tmp_path / "out")
    assert result.returncode == 1
    found = diagnostics(result)
    assert len(found) == 4 and all("is not allowed (only plain YAML is)" in d for d in found)
    assert not witness.exists()


def test_symlinks_out_of_the_site_and_odd_files_are_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    secret = outside / "secret.md"
    secret.write_text("---\ntitle: Secret\ndate: 2025-05-11\n---\nSECRET-CONTENT\n")
    (outside / "dir" / "2025-05-11-inner.md").write_text(secret.read_text())
    briefs = site / "content" / "briefs"
    (briefs / "2025-05-12-link.md").symlink_to(secret)
    (briefs / "linked-dir").symlink_to(outside / "dir")
    (briefs / "loop").symlink_to("../..")
    (briefs / "2025-05-13-dangling.md").symlink_to("nowhere.md")
    os.mkfifo(briefs / "2025-05-14-fifo.md")
    (site / "content" / "actors").mkdir()
    (site / "content" / "actors" / "spy.md").symlink_to(secret)
    (site / "static").mkdir()
    (site / "static" / "secret.txt").symlink_to(secret)
    (site / "templates").mkdir()
    (site / "templates" / "home.html").symlink_to(secret)
    result, seconds, _ = build(site, tmp_path / "out")
    assert diagnostics(result) == [
        "content/actors/spy.md:1: error: symlink leads outside the site root; refused",
        "content/briefs/2025-05-12-link.md:1: error: symlink leads outside the site root; refused",
        "content/briefs/2025-05-13-dangling.md:1: error: a symlink that leads nowhere; skipped",
        "content/briefs/2025-05-14-fifo.md:1: error: not a regular file; skipped",
        "content/briefs/linked-dir:1: error: symlink leads outside the site root; refused",
        "content/briefs/loop:1: error: symlink leads back to a folder above it (a loop); refused",
        "static/secret.txt:1: error: symlink leads outside the site root; refused",
        "templates/home.html:1: error: symlink leads outside the site root; refused",
    ]
    assert result.returncode == 1 and seconds < 20
    assert "SECRET-CONTENT" not in result.stderr


def test_site_settings_from_outside_are_never_read(tmp_path: Path) -> None:
    """A public CI log must not show a file from outside the site (its lines would be
    quoted under the diagnostics they cause)."""
    site = make_site(tmp_path / "site")
    secret = tmp_path / "credentials"
    secret.write_text("SECRET-CONTENT: [\n")
    (site / "content" / "site.yml").unlink()
    (site / "content" / "site.yml").symlink_to(secret)
    result, _, _ = build(site, tmp_path / "out")
    assert result.returncode == 1
    assert "content/site.yml:1: error: symlink leads outside the site root; refused" in (
        diagnostics(result)
    )
    assert "SECRET-CONTENT" not in result.stderr + result.stdout


def test_a_template_from_outside_is_never_read_even_while_workers_read_briefs(
    tmp_path: Path,
) -> None:
    """Templates are compiled while workers read briefs; not when one is refused."""
    site = make_site(tmp_path / "site")
    for day in range(1, 101):  # enough briefs to be read over workers
        brief = GOOD.replace("A good brief", f"Brief {day}")
        (site / "content" / "briefs" / f"2025-01-01-brief-{day}.md").write_text(brief)
    secret = tmp_path / "outside.html"
    secret.write_text("{# SECRET-CONTENT #}{{ 'SECRET-CONTENT' }}")
    (site / "templates").mkdir()
    (site / "templates" / "home.html").symlink_to(secret)
    result, _, _ = build(site, tmp_path / "out")
    assert diagnostics(result) == [
        "templates/home.html:1: error: symlink leads outside the site root; refused"
    ]
    cached = [p.read_bytes() for p in (site / ".briefsite-cache").rglob("*") if p.is_file()]
    assert not any(b"SECRET-CONTENT" in data for data in cached)
    (site / "templates" / "home.html").unlink()
    (site / "templates" / "home.html").write_text(secret.read_text())  # inside: compiled
    assert build(site, tmp_path / "out")[0].returncode == 0
    cached = [p.read_bytes() for p in (site / ".briefsite-cache").rglob("*") if p.is_file()]
    assert any(b"SECRET-CONTENT" in data for data in cached)


def test_a_symlink_inside_the_site_is_followed(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    shared = site / "shared"
    shared.mkdir()
    (shared / "2025-05-12-shared.md").write_text(GOOD.replace("A good brief", "Shared"))
    (site / "content" / "briefs" / "shared").symlink_to(shared)
    result, _, _ = build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "briefs" / "shared" / "index.html").is_file()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (symlinks not followed)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    }


def briefsite(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "briefsite", *args, "--site", str(site)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_a_cache_folder_leading_outside_the_site_is_never_used(tmp_path: Path) -> None:
    """A `.briefsite-cache` symlink (a repository may hold one) is neither filled by builds
    nor emptied by `briefsite clean`; the preview, whose output lives there, refuses."""
    site = make_site(tmp_path / "site")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".gitignore").write_text("mine\n")
    (outside / "notes.txt").write_text("precious\n")
    before = snapshot(outside)
    (site / ".briefsite-cache").symlink_to(outside)
    for _ in range(2):
        result, _, _ = build(site, tmp_path / "out")
        assert result.returncode == 0, result.stderr
        assert "leads outside the site root: building without cache" in result.stderr
        assert (tmp_path / "out" / "briefs" / "good" / "index.html").is_file()
    served = briefsite(site, "serve", "--port", "0")
    assert served.returncode == 2
    assert "leads outside the site root" in served.stderr
    cleaned = briefsite(site, "clean")
    assert cleaned.returncode == 0 and "removed the symlink" in cleaned.stderr
    assert not (site / ".briefsite-cache").exists()
    assert sorted(p.name for p in outside.iterdir()) == [".gitignore", "notes.txt"]
    assert snapshot(outside) == before


def test_symlinks_where_briefsite_keeps_its_own_files_are_never_followed(
    tmp_path: Path,
) -> None:
    """The output's spare and staging folders, and the files of the cache, are briefsite's
    names: a symlink found at one is replaced or removed, never written through."""
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert build(site, out)[0].returncode == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.txt").write_text("precious\n")
    before = snapshot(outside)
    (tmp_path / ".out.briefsite-spare").symlink_to(outside)
    (tmp_path / ".out.briefsite-staging-mirror").symlink_to(outside)
    cache = site / ".briefsite-cache"
    (cache / ".gitignore").unlink()
    (cache / ".gitignore").symlink_to(outside / "notes.txt")
    state = next(cache.glob("state-*.pickle"))
    state.with_suffix(".writing").symlink_to(outside / "notes.txt")
    state.with_name(f".{state.name}.tmp").symlink_to(outside / "notes.txt")
    shard = next(cache.glob("sources-*.pickle"))
    shard.unlink()
    shard.symlink_to(outside / "notes.txt")
    brief = site / "content" / "briefs" / "2025-05-11-good.md"
    brief.write_text(brief.read_text() + "Kyiv answered.\n")
    result, _, _ = build(site, out)
    assert result.returncode == 0, result.stderr
    assert snapshot(outside) == before
    assert sorted(p.name for p in outside.iterdir()) == ["notes.txt"]
    assert (cache / ".gitignore").read_text() == "*\n"
    cold, _, _ = build(site, tmp_path / "cold")  # a new output: everything made anew
    assert cold.returncode == 0
    assert snapshot(out) == snapshot(tmp_path / "cold")
    # the spare (the last output) is written through temporary files: none is followed
    page = tmp_path / ".out.briefsite-spare" / "briefs" / "good" / "index.html"
    assert page.is_file()
    page.with_name(f".{page.name}.tmp").symlink_to(outside / "notes.txt")
    brief.write_text(brief.read_text() + "Moscow did not.\n")
    assert build(site, out)[0].returncode == 0
    assert snapshot(outside) == before
    assert b"Moscow did not." in (out / "briefs" / "good" / "index.html").read_bytes()
