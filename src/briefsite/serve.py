"""`briefsite serve`: the preview server wired to an incremental `Builder`."""

from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import replace
from pathlib import Path

from briefsite.cache import CACHE_DIR, outside_cache
from briefsite.cli import EXIT_OK, EXIT_USAGE, options_from, report_build
from briefsite.config import load_config
from briefsite.devserver import BuildOutcome, DevServerError, DevSession, serve
from briefsite.diagnostics import Diagnostics
from briefsite.pipeline import Builder, BuildResult
from briefsite.sitefiles import SOURCE_FOLDERS
from briefsite.terminal import Terminal

SERVE_OUTPUT = "serve"
SEARCH_REFRESH_DELAY = 2.0


def watch_paths(site: Path) -> list[Path]:
    """The site's sources: `content/` (with `site.yml`), `templates/` and `static/`.

    Never the site root as a whole: the preview output lives under it (in
    `.briefsite-cache/serve`) and is swapped in by renaming directories, which
    watchdog's inotify bookkeeping does not survive (it raised on shutdown), and a
    large site's output would cost thousands of inotify watches. A folder missing
    at start is watched for its creation only.
    """
    return [site / name for name in SOURCE_FOLDERS]


def outcome_of(result: BuildResult) -> BuildOutcome:
    """What the preview server needs to know of a build."""
    changed = tuple(result.report.changed + result.report.removed) if result.report else ()
    return BuildOutcome(
        ok=result.ok,
        diagnostics=tuple(d.format() for d in result.diagnostics),
        changed=changed,
    )


class PreviewBuilds:
    """Builds for the preview: pages at once, the search index a moment after edits stop.

    Indexing a large site takes longer than rebuilding a page, so a rebuild keeps the last
    index and a timer asks the session for one more build that refreshes it.
    """

    def __init__(self, builder: Builder, terminal: Terminal) -> None:
        self.builder = builder
        self.terminal = terminal
        self.lock = threading.Lock()
        self.session: DevSession | None = None
        self.timer: threading.Timer | None = None

    def build(self, changed: frozenset[Path]) -> BuildOutcome:
        """The preview server's build: `changed` empty means the search refresh is due."""
        with self.lock:
            result = self.builder.build(reindex=not changed)
        report_build(result, self.terminal, self.builder.options.output_dir, quiet=True)
        if self.builder.search_stale:
            self._schedule()
        return outcome_of(result)

    def _schedule(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.session is not None:
            self.timer = threading.Timer(SEARCH_REFRESH_DELAY, self.session.rebuild, (frozenset(),))
            self.timer.daemon = True
            self.timer.start()

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()


def serve_site(args: argparse.Namespace) -> int:
    """Build once, then serve and rebuild on every change until Ctrl+C."""
    terminal = Terminal(sys.stderr)
    site = args.site.resolve()
    outside = outside_cache(site)
    if outside is not None:  # the preview's output lives in the cache folder
        terminal.error_line(f"briefsite: error: {outside} leads outside the site root")
        return EXIT_USAGE
    # Stable stylesheet names in the preview, so a CSS edit can be swapped in without a reload;
    # a spare made with the output, as a rebuild soon follows.
    options = replace(
        options_from(args, output=site / CACHE_DIR / SERVE_OUTPUT),
        fingerprint=False,
        spare_ahead=True,
    )
    builder = Builder(options, None if args.quiet else terminal.progress)
    first = builder.build()
    report_build(first, terminal, options.output_dir, args.quiet)
    builds = PreviewBuilds(builder, terminal)
    base_path = load_config(site, Diagnostics(), args.base_url).base_path
    try:
        serve(
            builds.build,
            options.output_dir,
            watch_paths(site),
            host=args.host,
            port=args.port,
            open_browser=args.open,
            base_path=base_path,
            initial=outcome_of(first),
            log=terminal.info,
            started=lambda session: setattr(builds, "session", session),
        )
    except DevServerError as exc:
        terminal.error_line(f"error: {exc}")
        return EXIT_USAGE
    finally:
        builds.close()
    return EXIT_OK
