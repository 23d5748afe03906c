"""The command's garbage-collector policy: one-shot builds run without it, the preview
server only collects less often, and a caller of `main` gets its settings back."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FULL_SITE, copy_site

from briefsite import cli


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
