"""Every invalid fixture site reports exactly its expected `path:line: message` lines."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import build_command

INVALID = Path(__file__).parent / "sites" / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").is_file())


def run_build(site: Path, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as an author would."""
    command = build_command(site, output, *extra)
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def diagnostic_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line or ": warning: " in line]


def test_there_are_many_cases() -> None:
    assert len(CASES) >= 50


def copied(case: str, tmp_path: Path) -> Path:
    """A copy of the fixture to build (a build writes its cache into the site)."""
    return Path(shutil.copytree(INVALID / case, tmp_path / case, symlinks=True))


@pytest.mark.parametrize("case", CASES)
def test_invalid_site_reports_expected_diagnostics(case: str, tmp_path: Path) -> None:
    site = copied(case, tmp_path)
    expected = (site / "expected.txt").read_text(encoding="utf-8").splitlines()
    exit_code = int((site / "exit_code.txt").read_text().strip())
    result = run_build(site, tmp_path / "out")
    assert diagnostic_lines(result.stderr) == expected, result.stderr
    assert result.returncode == exit_code
    assert (tmp_path / "out").exists() == (exit_code == 0)


@pytest.mark.parametrize("case", [c for c in CASES if (INVALID / c / "strict.txt").is_file()])
def test_strict_turns_warnings_into_errors(case: str, tmp_path: Path) -> None:
    site = copied(case, tmp_path)
    result = run_build(site, tmp_path / "out", "--strict")
    assert result.returncode == int((site / "strict.txt").read_text().strip())
    expected = [
        line.replace(": warning: ", ": error: ", 1)
        for line in (site / "expected.txt").read_text(encoding="utf-8").splitlines()
    ]
    assert diagnostic_lines(result.stderr) == expected
    assert not (tmp_path / "out").exists()


def test_failed_build_ends_with_a_summary(tmp_path: Path) -> None:
    result = run_build(copied(CASES[0], tmp_path), tmp_path / "out")
    lines = result.stderr.strip().splitlines()
    assert any(line.endswith(("error", "errors")) or "warning" in line for line in lines[-2:])


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefsite", "build", "--no-such-option"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    result = subprocess.run(
        [sys.executable, "-m", "briefsite", "build", "--site", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "content/" in result.stderr


def test_output_inside_copy_is_not_touched_on_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(INVALID / "marker-missing-source", site)
    out = tmp_path / "out"
    out.mkdir()
    (out / "404.html").write_text("old")
    (out / "sitemap.xml").write_text("old")
    result = run_build(site, out)
    assert result.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["404.html", "sitemap.xml"]
    assert (out / "404.html").read_text() == "old"
