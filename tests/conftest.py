"""Shared fixtures for the end-to-end tests: where the fixture sites are, and building them."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from briefsite.pipeline import BuildOptions, BuildResult, build

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
FULL_SITE = TESTS_DIR / "sites" / "full"

if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

Builder = Callable[..., BuildResult]


def build_command(site: Path, output: Path, *extra: str) -> list[str]:
    """The real command line that builds `site` into `output`, as an author runs it."""
    command = [sys.executable, "-m", "briefsite", "build"]
    return [*command, "--site", str(site), "--output", str(output), *extra]


def run_build(
    site: Path,
    output: Path,
    *,
    drafts: bool = False,
    strict: bool = False,
    base_url: str | None = None,
) -> BuildResult:
    """Build `site` into `output` through the public pipeline entry point.

    A site of this repository (a shared fixture, the sample site) is built without the
    build cache, which would be written into it and pile up there, run after run; a test's
    own copy of a site is built as an author's is, cache and all.
    """
    return build(
        BuildOptions(
            site=site,
            output=output,
            drafts=drafts,
            strict=strict,
            base_url=base_url,
            use_cache=not site.resolve().is_relative_to(REPO_ROOT),
        )
    )


def formatted(result: BuildResult) -> list[str]:
    """The build's diagnostics as `path:line: severity: message` lines."""
    return [d.format() for d in result.diagnostics]


def build_ok(site: Path, output: Path, **options: object) -> Path:
    """Build and fail the test unless the build succeeded with no diagnostics at all."""
    result = run_build(site, output, **options)  # type: ignore[arg-type]
    assert result.ok, formatted(result)
    assert formatted(result) == []
    return output


def copy_site(source: Path, target: Path) -> Path:
    """Copy a site's sources (not any `_site/` built into it) to `target`."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("_site", ".briefsite-cache"))
    return target


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (the sample site lives there)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def full_site() -> Path:
    """The full fixture site, `tests/sites/full` (read it, never write into it)."""
    return FULL_SITE


@pytest.fixture(scope="module")
def full_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full fixture built without drafts, once per test module."""
    return build_ok(FULL_SITE, tmp_path_factory.mktemp("full") / "out")


@pytest.fixture(scope="module")
def full_output_drafts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full fixture built with `--drafts`, once per test module."""
    return build_ok(FULL_SITE, tmp_path_factory.mktemp("full-drafts") / "out", drafts=True)
