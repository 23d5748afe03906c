"""The command's garbage-collector policy: one-shot builds run without it, the preview
server only collects less often, and a caller of `main` gets its settings back; and what
makes that policy safe: reading briefs makes no garbage the collector would be needed for."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FULL_SITE, copy_site

from briefsite import cli
from briefsite.briefs import BriefContext, read_brief
from briefsite.config import load_config
from briefsite.diagnostics import Diagnostics
from briefsite.markdown import BriefMarkdown
from briefsite.registry import load_registry
from briefsite.urls import Urls


@pytest.fixture
def default_collector() -> Iterator[None]:
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


def test_a_build_runs_without_the_collector_and_restores_it(
    default_collector: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    seen: list[bool] = []
    real_build = cli.build

    def spying_build(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real_build(*args, **kwargs)

    monkeypatch.setattr(cli, "build", spying_build)
    assert cli.main(["build", "--site", str(site), "--no-search", "--quiet", "--jobs", "1"]) == 0
    assert seen == [False]
    assert gc.isenabled() and gc.get_threshold() == (700, 10, 10)
    assert (site / "_site" / "index.html").is_file()


def test_the_preview_server_keeps_collecting_less_often(default_collector: None) -> None:
    with cli.garbage_collection_for("serve"):
        assert gc.isenabled() and gc.get_threshold() == cli.GC_THRESHOLDS
    assert gc.isenabled() and gc.get_threshold() == (700, 10, 10)


def test_a_disabled_collector_stays_disabled(default_collector: None) -> None:
    gc.disable()
    with cli.garbage_collection_for("build"):
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_reading_briefs_makes_no_reference_cycles(default_collector: None) -> None:
    """Builds run without the collector, so garbage in cycles would stay until the end: a
    cycle made per brief read (a closure calling itself holding a document's stashed HTML
    did) grows a big site's build by tens of megabytes."""
    diags = Diagnostics()
    config = load_config(FULL_SITE, diags, None)
    context = BriefContext(
        load_registry(FULL_SITE, diags, {}), Urls(config.base_path, config.origin), config.timezone
    )
    # Python-Markdown's footnotes make a small cycle of their own (a function, no document)
    # for each document with footnotes: not briefsite's to fix
    files = [
        path
        for path in sorted((FULL_SITE / "content" / "briefs").rglob("*.md"))
        if "[^" not in path.read_text(encoding="utf-8")
    ]
    renderer = BriefMarkdown()

    def read_all() -> None:
        for path in files:
            read_brief(FULL_SITE, path, context, renderer)

    read_all()  # the first reads import modules and add fenced code
    gc.collect()
    gc.disable()
    read_all()
    assert len(files) >= 5
    assert gc.collect() == 0
