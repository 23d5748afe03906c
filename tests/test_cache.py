"""The build cache is used only if this user's briefsite wrote it; anything else is ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FULL_SITE, copy_site

from briefsite.cache import CACHE_DIR, SOURCE_SHARDS
from briefsite.pipeline import Builder, BuildOptions


def build(site: Path, out: Path):
    return Builder(BuildOptions(site=site, output=out, jobs=1, search=False)).build()


@pytest.fixture
def cached_site(tmp_path: Path) -> tuple[Path, Path]:
    site = copy_site(FULL_SITE, tmp_path / "site")
    assert build(site, tmp_path / "out").ok
    return site, tmp_path / "out"


def state_files(site: Path) -> list[Path]:
    files = sorted((site / CACHE_DIR).glob("*.pickle"))
    assert files
    return files


@pytest.mark.parametrize("damage", ["garbage", "tampered"])
def test_a_damaged_cache_is_ignored_with_a_warning(cached_site, damage: str) -> None:
    site, out = cached_site
    for path in state_files(site):
        data = path.read_bytes()
        path.write_bytes(b"garbage" if damage == "garbage" else data[:-10] + b"X" * 10)
    (site / "content/briefs/2025-03-05-port-inspections.md").touch()
    result = build(site, out)
    assert result.ok and result.parsed > 1
    assert any("ignoring the build cache" in note for note in result.notes)


def test_a_cache_signed_by_someone_else_is_not_trusted(cached_site, monkeypatch, tmp_path) -> None:
    site, out = cached_site
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    result = build(site, out)
    assert result.ok and result.parsed > 1
    assert any("not made by this user's briefsite" in note for note in result.notes)


def test_an_intact_cache_is_used(cached_site) -> None:
    site, out = cached_site
    result = build(site, out)
    assert result.ok and result.parsed == 0 and not result.notes


def test_an_edit_rewrites_one_shard_of_the_record_of_briefs(cached_site) -> None:
    site, out = cached_site
    shards = sorted((site / CACHE_DIR).glob("sources-*.pickle"))
    assert len(shards) == SOURCE_SHARDS
    before = {path: path.read_bytes() for path in shards}
    brief = site / "content/briefs/2025-03-05-port-inspections.md"
    brief.write_text(brief.read_text(encoding="utf-8") + "\nOne more sentence.\n")
    result = build(site, out)
    assert result.ok and result.parsed == 1
    rewritten = [path for path in shards if path.read_bytes() != before[path]]
    assert len(rewritten) == 1
