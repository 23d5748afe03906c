"""The build cache is used only if this user's briefsite wrote it; anything else is ignored."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
from pathlib import Path

import pytest
from conftest import FULL_SITE, REPO_ROOT, copy_site

from briefsite import cache
from briefsite import output as output_module
from briefsite.cache import CACHE_DIR, SOURCE_SHARDS, SignedBytecodeCache
from briefsite.pipeline import Builder, BuildOptions
from briefsite.render import make_environment


def build(site: Path, out: Path, *, spare_ahead: bool = False, use_cache: bool = True):
    options = BuildOptions(
        site=site, output=out, jobs=1, search=False, use_cache=use_cache, spare_ahead=spare_ahead
    )
    return Builder(options).build()


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


def test_a_signed_cache_still_cannot_name_anything_but_records(tmp_path: Path) -> None:
    """Past the signature, the unpickler makes only briefsite's records and dates: not a
    function reached through an allowed module (which unpickling would call)."""
    payload = b"".join(
        [
            pickle.PROTO + bytes([4]),
            pickle.SHORT_BINUNICODE + bytes([15]) + b"briefsite.cache",
            pickle.SHORT_BINUNICODE + bytes([9]) + b"os.getcwd",
            pickle.STACK_GLOBAL + pickle.EMPTY_TUPLE + pickle.REDUCE + pickle.STOP,
        ]
    )
    assert pickle.loads(payload) == os.getcwd()  # what a plain unpickler would do
    path = tmp_path / "state.pickle"
    signature = hmac.new(cache._key(), payload, hashlib.sha256).digest()
    header = cache._MAGIC + cache.code_version().encode() + b"\n"
    path.write_bytes(header + signature + payload)
    value, warning = cache.read_signed(path, object)
    assert value is None
    assert warning and "briefsite.cache.os.getcwd is not allowed in a cache" in warning


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


def test_lost_or_damaged_bodies_are_read_again_from_the_briefs(cached_site, tmp_path) -> None:
    """Briefs from the cache keep their bodies in shards of their own; without them, pages
    that show a body still get the right one."""
    site, out = cached_site
    bodies = sorted((site / CACHE_DIR).glob("bodies-*.pickle"))
    assert len(bodies) == SOURCE_SHARDS
    for index, path in enumerate(bodies):
        path.unlink() if index % 2 else path.write_bytes(path.read_bytes()[:-10] + b"X" * 10)
    template = site / "templates/brief.html"
    template.parent.mkdir(exist_ok=True)
    template.write_text(
        (REPO_ROOT / "templates/brief.html").read_text(encoding="utf-8") + "\n",
        encoding="utf-8",
    )
    result = build(site, out)
    assert result.ok and result.parsed == 0
    assert any(path.startswith("briefs/") for path in result.rendered_paths)
    cold = Builder(BuildOptions(site, tmp_path / "cold", jobs=1, use_cache=False, search=False))
    assert cold.build().ok
    for page in (tmp_path / "cold").rglob("*.html"):
        assert (out / page.relative_to(tmp_path / "cold")).read_bytes() == page.read_bytes()


def inodes(tree: Path) -> dict[Path, int]:
    return {p.relative_to(tree): p.stat().st_ino for p in tree.rglob("*") if p.is_file()}


def test_a_preview_making_the_output_leaves_the_next_build_a_spare(
    tmp_path: Path, monkeypatch
) -> None:
    """It links each file it writes into a mirror that becomes the spare, so the next build
    writes only the files that changed rather than first linking every file into a spare."""
    site, out = copy_site(FULL_SITE, tmp_path / "site"), tmp_path / "out"
    assert build(site, out, spare_ahead=True).ok
    assert inodes(output_module.spare_dir(out)) == inodes(out)  # the same files, linked
    assert not list(out.parent.glob(f".{out.name}.briefsite-staging-*"))
    put: list[Path] = []
    real_put = output_module._put

    def counting_put(target: Path, spec, live_copy) -> None:  # type: ignore[no-untyped-def]
        put.append(target)
        real_put(target, spec, live_copy)

    monkeypatch.setattr(output_module, "_put", counting_put)
    brief = site / "content/briefs/2025-03-05-port-inspections.md"
    brief.write_text(brief.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    result = build(site, out)
    assert result.ok and result.report is not None
    assert 0 < len(put) == len(result.report.changed) < len(inodes(out)) // 4


@pytest.mark.parametrize(("use_cache", "spare_ahead"), [(True, False), (False, True)])
def test_no_spare_is_made_ahead_by_a_one_shot_build_or_without_the_cache(
    tmp_path: Path, use_cache: bool, spare_ahead: bool
) -> None:
    site, out = copy_site(FULL_SITE, tmp_path / "site"), tmp_path / "out"
    assert build(site, out, use_cache=use_cache, spare_ahead=spare_ahead).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


class Killed(BaseException):
    """Stands for the process dying: nothing after it runs, no handler sees it."""


def test_a_build_that_dies_while_writing_leaves_nothing_trusted(
    cached_site, monkeypatch, tmp_path
) -> None:
    """The spare output a killed build was writing into is not what the saved state says it
    holds: the next build must find out what it holds, not skip files it believes there."""
    site, out = cached_site
    brief = site / "content/briefs/2025-03-05-port-inspections.md"
    original = brief.read_text(encoding="utf-8")
    brief.write_text(original + "\nFirst edit.\n", encoding="utf-8")
    assert build(site, out).ok  # the spare now holds the first build's pages, and says so
    brief.write_text(original + "\nSecond edit.\n", encoding="utf-8")
    real_put = output_module._put

    def put_then_die(target: Path, spec, live_copy) -> None:  # type: ignore[no-untyped-def]
        real_put(target, spec, live_copy)
        raise Killed

    monkeypatch.setattr(output_module, "_put", put_then_die)
    with pytest.raises(Killed):  # dies after writing the edited brief's page into the spare
        build(site, out)
    monkeypatch.setattr(output_module, "_put", real_put)
    brief.write_text(original, encoding="utf-8")  # the first build's page is wanted again
    assert build(site, out).ok
    cold = Builder(BuildOptions(site, tmp_path / "cold", jobs=1, use_cache=False, search=False))
    assert cold.build().ok
    built = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert built == sorted(
        p.relative_to(tmp_path / "cold") for p in (tmp_path / "cold").rglob("*") if p.is_file()
    )
    for name in built:
        assert (out / name).read_bytes() == (tmp_path / "cold" / name).read_bytes(), name


def plant_compiled_template(site: Path, name: str, source: str) -> None:
    """Write into the site's cache a compiled `name` that really renders `source`, with the
    checksum of `name`'s true source (what a hand-made entry would carry)."""
    env = make_environment(site)
    real, filename, _ = env.loader.get_source(env, name)
    cache = SignedBytecodeCache(site / CACHE_DIR / "templates")
    bucket = cache.get_bucket(env, name, filename, real)
    bucket.code = env.compile(source, name, filename)
    cache.dump_bytecode(bucket)


def test_compiled_templates_are_kept_and_only_this_users_are_run(
    cached_site, monkeypatch, tmp_path
) -> None:
    site, _ = cached_site
    assert list((site / CACHE_DIR / "templates").glob("*.template"))
    key_home = tmp_path / "keys"

    def page_after_planting(user: str) -> str:
        monkeypatch.setenv("XDG_CACHE_HOME", str(key_home / user))
        plant_compiled_template(site, "404.html", "PLANTED")
        monkeypatch.setenv("XDG_CACHE_HOME", str(key_home / "me"))
        assert build(site, tmp_path / f"out-{user}").ok  # a new output: every page rendered
        return (tmp_path / f"out-{user}/404.html").read_text()

    monkeypatch.setenv("XDG_CACHE_HOME", str(key_home / "me"))
    assert build(site, tmp_path / "out-first").ok  # this user's key and cache
    assert "PLANTED" not in page_after_planting("someone-else")
    assert page_after_planting("me") == "PLANTED"  # the signature is all that stops it
