"""The watcher: debouncing bursts into one build, and ignoring what is not a source."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefsite.devserver import Watcher
from briefsite.devserver.watch import is_editor_temp


class Recorder:
    """An `on_change` callback that records each batch."""

    def __init__(self) -> None:
        self.batches: list[frozenset[Path]] = []
        self.called = threading.Event()

    def __call__(self, changed: frozenset[Path]) -> None:
        self.batches.append(changed)
        self.called.set()

    def wait(self, timeout: float = 2.0) -> frozenset[Path]:
        assert self.called.wait(timeout), "no build was triggered"
        self.called.clear()
        return self.batches[-1]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for name in ("content/briefs", "templates", "_site", ".briefsite-cache", ".git"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "content/site.yml").write_text("title: x\n")
    return tmp_path


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def watching(root: Path, recorder: Recorder) -> Iterator[Watcher]:
    watcher = Watcher(
        [root], recorder, output_dir=root / "_site", quiet=0.1, max_wait=1.0, log=print
    )
    watcher.start()
    yield watcher
    watcher.stop()


def settle(seconds: float = 0.3) -> None:
    """Give the watcher time to (wrongly) fire, for tests that expect it not to."""
    time.sleep(seconds)


def test_a_burst_of_writes_is_one_build_with_every_path(
    watching: Watcher, root: Path, recorder: Recorder
) -> None:
    paths = {root / f"content/briefs/b{index}.md" for index in range(5)}
    for path in sorted(paths):
        path.write_text("---\ntitle: x\n---\n")
    assert recorder.wait() == paths
    settle()
    assert len(recorder.batches) == 1


def test_editor_scratch_files_and_ignored_directories_do_not_build(
    watching: Watcher, root: Path, recorder: Recorder
) -> None:
    for name in (
        "content/briefs/.a.md.swp",
        "content/briefs/.a.md.swx",
        "content/briefs/a.md~",
        "content/briefs/.#a.md",
        "content/briefs/4913",
        "content/briefs/a.md.tmp",
        "content/.DS_Store",
        ".git/index",
        "_site/index.html",
        ".briefsite-cache/x.json",
    ):
        (root / name).write_text("x")
    (root / "_site.staging").mkdir()  # the build's staging directory beside the output
    (root / "_site.staging/index.html").write_text("x")
    (root / "._site.staging-0123abcd").mkdir()  # the name output.write_site uses
    (root / "._site.staging-0123abcd/index.html").write_text("x")
    real = root / "content/briefs/a.md"
    real.write_text("x")
    assert recorder.wait() == {real}
    settle(0.2)
    assert len(recorder.batches) == 1


def test_reading_sources_does_not_build(watching: Watcher, root: Path, recorder: Recorder) -> None:
    (root / "content/site.yml").read_text()  # the build itself reads the sources
    settle()
    assert recorder.batches == []


def test_a_watched_file_is_filtered_from_its_directory(root: Path, recorder: Recorder) -> None:
    site_yml = root / "content/site.yml"
    watcher = Watcher([site_yml], recorder, quiet=0.05)
    watcher.start()
    try:
        (root / "content/other.yml").write_text("x")
        site_yml.write_text("title: y\n")
        assert recorder.wait() == {site_yml}
    finally:
        watcher.stop()


def test_atomic_save_by_rename_is_seen(watching: Watcher, root: Path, recorder: Recorder) -> None:
    target = root / "content/site.yml"
    scratch = root / "content/.site.yml.tmp"
    scratch.write_text("title: new\n")
    scratch.replace(target)
    assert target in recorder.wait()


def test_changes_during_a_build_make_one_more_build(root: Path) -> None:
    batches: list[frozenset[Path]] = []
    release = threading.Event()
    first_started = threading.Event()
    second = threading.Event()

    def slow_build(changed: frozenset[Path]) -> None:
        batches.append(changed)
        if len(batches) == 1:
            first_started.set()
            release.wait(2)
        else:
            second.set()

    watcher = Watcher([root / "content"], slow_build, quiet=0.05)
    watcher.start()
    try:
        (root / "content/a.md").write_text("x")
        assert first_started.wait(2)
        (root / "content/b.md").write_text("x")
        (root / "content/c.md").write_text("x")
        release.set()
        assert second.wait(2)
        assert batches[1] == {root / "content/b.md", root / "content/c.md"}
    finally:
        watcher.stop()


def test_max_wait_bounds_a_never_ending_burst(root: Path, recorder: Recorder) -> None:
    watcher = Watcher([root / "content"], recorder, quiet=0.2, max_wait=0.3)
    watcher.start()
    try:
        started = time.monotonic()
        for index in range(12):  # an event every 0.05 s never leaves 0.2 s of quiet
            watcher.notify(str(root / f"content/n{index}.md"))
            time.sleep(0.05)
            if recorder.called.is_set():
                break
        assert recorder.wait(1) and time.monotonic() - started < 0.5
    finally:
        watcher.stop()


def test_stop_joins_the_watcher_threads(root: Path, recorder: Recorder) -> None:
    baseline = threading.active_count()
    watcher = Watcher([root / "content", root / "content/site.yml"], recorder)
    watcher.start()
    assert threading.active_count() > baseline
    watcher.stop()
    assert threading.active_count() == baseline


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        (".a.md.swp", True),
        (".a.md.swx", True),
        ("a.md~", True),
        (".#a.md", True),
        ("4913", True),
        ("x.tmp", True),
        (".DS_Store", True),
        ("#a.md#", True),
        ("a.md", False),
        ("site.yml", False),
        ("swp.md", False),
    ],
)
def test_is_editor_temp(name: str, ignored: bool) -> None:
    assert is_editor_temp(name) is ignored
