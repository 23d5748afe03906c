"""Atomicity under faults: SIGKILL at random points, a full disk, a write error.

The live output is never modified in place: a spare tree beside it is synced and the two are
exchanged in one rename (output.py). So whatever happens, the output directory holds exactly
the previous site or exactly the new one, and the next build repairs whatever a killed one
left in the spare tree.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import FULL_SITE, build_command, copy_site, formatted, run_build

from briefsite import output as output_module

REPO = Path(__file__).resolve().parents[1]
Tree = dict[str, bytes]


def tree(root: Path) -> Tree:
    """Every file under `root` with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def leftovers(out: Path) -> list[str]:
    """Temporary directories a build leaves beside the output (the spare is not one)."""
    return sorted(p.name for p in out.parent.glob(f".{out.name}.briefsite-staging-*"))


def cli(site: Path, out: Path, *extra: str) -> list[str]:
    return build_command(site, out, "-q", *extra)


def generate(site: Path, seed: int) -> None:
    script = str(REPO / "benchmarks" / "generate_corpus.py")
    arguments = ["--briefs", "300", "--out", str(site), "--seed", str(seed), "--force"]
    subprocess.run([sys.executable, script, *arguments], check=True, capture_output=True)


def build_cli(site: Path, out: Path, *extra: str) -> float:
    start = time.perf_counter()
    result = subprocess.run(cli(site, out, *extra), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return time.perf_counter() - start


@pytest.mark.slow
def test_sigkill_at_random_points_never_leaves_a_mixed_site(tmp_path: Path) -> None:
    """Kill builds of a 300-brief corpus at random moments, alternating two versions."""
    site, out = tmp_path / "site", tmp_path / "site-out"
    references: dict[int, Tree] = {}
    for seed in (1, 2):  # cold, cache-free reference builds of both versions
        generate(site, seed)
        build_cli(site, tmp_path / f"ref-{seed}", "--no-cache")
        references[seed] = tree(tmp_path / f"ref-{seed}")
    assert references[1] != references[2] and len(references[1]) > 400

    generate(site, 1)
    rng = random.Random(20250511)
    stats = {"kills": 0, "old": 0, "new": 0, "absent": 0, "leftovers": 0}
    # round 0 kills the very first build (no output yet); later rounds replace a site
    full = build_cli(site, tmp_path / "timing")
    generate(site, 2)
    # each round switches versions with the cache: the longest such build seen spreads the
    # kills over all of one (a cold build is slower, and killing after the end proves little)
    longest = build_cli(site, tmp_path / "timing")
    generate(site, 1)
    rounds = 6
    for round_number in range(rounds):
        seed = 1 if round_number % 2 == 0 else 2
        previous = tree(out) if out.exists() else None
        generate(site, seed)
        # stratified: each round kills in its own slice of the build, the last ones near the end
        delay = 0.05 + longest * 0.95 * rng.uniform(round_number, round_number + 1) / rounds
        proc = subprocess.Popen(cli(site, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        stats["kills"] += proc.returncode == -signal.SIGKILL
        now = tree(out) if out.exists() else None
        if now is None:
            assert previous is None, "a killed build removed the previous output"
            stats["absent"] += 1
        elif now == references[seed] and now != previous:
            stats["new"] += 1
        else:
            assert now == previous, f"round {round_number}: output is neither old nor new"
            stats["old"] += 1
        stats["leftovers"] += len(leftovers(out))
        longest = max(longest, build_cli(site, out))  # cleans up, makes the right site
        assert tree(out) == references[seed]
        assert leftovers(out) == []
        assert not list(out.rglob(".*.tmp"))
    print(f"SIGKILL rounds: {stats}, cold build {full:.2f} s, longest build {longest:.2f} s")
    assert stats["kills"] >= 4  # most kills land while the build runs


def make_site(tmp_path: Path) -> tuple[Path, Path, Tree]:
    site = copy_site(FULL_SITE, tmp_path / "site")
    out = tmp_path / "out"
    result = run_build(site, out)
    assert result.ok, formatted(result)
    brief = next((site / "content" / "briefs").rglob("*.md"))
    brief.write_text(brief.read_text(encoding="utf-8") + "\nA sentence added later.\n")
    return site, out, tree(out)


def failing_put(after: int):  # type: ignore[no-untyped-def]
    """`output._put` that fails with ENOSPC once `after` files have been written."""
    real = output_module._put
    count = 0

    def put(target: Path, spec: output_module.OutputFile, live_copy: Path | None) -> None:
        nonlocal count
        count += 1
        if count > after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        real(target, spec, live_copy)

    return put


@pytest.mark.parametrize("after", [0, 1, 25])
def test_disk_full_while_writing_keeps_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    site, out, before = make_site(tmp_path)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    monkeypatch.setattr(output_module, "_put", failing_put(after))
    result = run_build(site, out)
    assert not result.ok
    assert formatted(result) == [
        f"{out.as_posix()}:0: error: cannot write {out}: No space left on device"
    ]
    assert tree(out) == before
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == mtimes
    assert leftovers(out) == []
    monkeypatch.undo()
    assert run_build(site, out).ok
    reference = tmp_path / "reference"
    assert run_build(site, reference).ok
    assert tree(out) == tree(reference)


def test_disk_full_on_a_first_build_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    out = tmp_path / "out"
    monkeypatch.setattr(output_module, "_put", failing_put(10))
    result = run_build(site, out)
    assert not result.ok and "No space left on device" in formatted(result)[0]
    assert not out.exists() and leftovers(out) == []


@pytest.fixture
def small_tmpfs(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real 2 MiB tmpfs (needs root and a sandbox that allows mounting)."""
    mount = tmp_path / f"tmpfs-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_real_full_disk_fails_clearly_and_keeps_the_output(
    tmp_path: Path, small_tmpfs: Path
) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    out = small_tmpfs / "out"
    first = subprocess.run(cli(site, out), capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    before = tree(out)
    # a static file larger than the room left: the spare tree cannot be filled
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024))
    result = subprocess.run(cli(site, out), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"error: cannot write {out}: No space left on device" in result.stderr
    assert "build failed: the output was left as it was" in result.stderr
    assert tree(out) == before
    assert leftovers(out) == []
    (site / "static" / "big.bin").unlink()  # room again: the next build succeeds
    again = subprocess.run(cli(site, out), capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert tree(out) == before
