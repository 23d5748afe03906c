"""The `briefsite` command: parse arguments, run a command, print what happened."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from briefsite import __version__
from briefsite.cache import CACHE_DIR
from briefsite.pipeline import BuildOptions, BuildResult, build
from briefsite.terminal import Terminal

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _job_count(text: str) -> int:
    """`--jobs`: a count of processes, 0 for all cores."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if count < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (all cores) or more, not {count}")
    return count


def _site_options(parser: argparse.ArgumentParser) -> None:
    _site_root(parser)
    parser.add_argument("--drafts", action="store_true", help="also build briefs marked draft")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="the site's public URL; overrides base_url in content/site.yml",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_job_count,
        default=0,
        metavar="N",
        help="processes to use (default, or 0: all cores)",
    )
    parser.add_argument(
        "--no-search",
        action="store_true",
        help="skip the Pagefind search index (and the /search/ page)",
    )
    _verbosity(parser)


def _verbosity(parser: argparse.ArgumentParser) -> None:
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    loudness.add_argument(
        "--verbose", "-v", action="store_true", help="also print timings and cache use"
    )


def _site_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site root, holding content/ (default: the current directory)",
    )


def make_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="briefsite", description="Build a cross-linked briefing site from Markdown briefs."
    )
    parser.add_argument("--version", action="version", version=f"briefsite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_cmd = commands.add_parser(
        "build",
        help="build the site into the output directory",
        description="Build the site. On any error nothing is written and the previous output "
        "stays exactly as it was. Exit codes: 0 built, 1 content errors, 2 usage errors.",
    )
    _site_options(build_cmd)
    build_cmd.add_argument(
        "--output", type=Path, metavar="DIR", help="where to write the site (default: <site>/_site)"
    )
    build_cmd.add_argument(
        "--no-cache",
        action="store_true",
        help="neither use nor update the build cache in .briefsite-cache/",
    )
    serve_cmd = commands.add_parser(
        "serve",
        help="preview the site with live reload",
        description="Build the site, serve it locally, and rebuild and reload the browser "
        "whenever a source file changes. The preview is built into .briefsite-cache/serve/, "
        "never into the published output.",
    )
    _site_options(serve_cmd)
    serve_cmd.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    serve_cmd.add_argument(
        "--port",
        type=int,
        default=8000,
        help="port to listen on; 0 picks a free one (default: 8000)",
    )
    serve_cmd.add_argument("--open", action="store_true", help="open the site in a browser")
    check_cmd = commands.add_parser(
        "check",
        help="build into a temporary directory and check the result",
        description="Build the site into a temporary directory (the output and the build "
        "cache are not touched) and check it: every internal link and #fragment resolves, no "
        "id is used twice on a page, every image has alt text, the feeds and the sitemap "
        "parse. Each problem names the page and the source file it came from. Exit codes: "
        "0 no problem, 1 content errors or problems in the output, 2 usage errors.",
    )
    _site_options(check_cmd)
    clean_cmd = commands.add_parser(
        "clean",
        help="remove the build cache (.briefsite-cache/)",
        description="Remove the build cache of a site.",
    )
    _site_root(clean_cmd)
    _authoring_commands(commands)
    return parser


def _authoring_commands(commands: argparse._SubParsersAction) -> None:
    from briefsite.authoring import LISTABLE, parse_date
    from briefsite.registry import ACTOR_KINDS

    new_cmd = commands.add_parser(
        "new",
        help="write a new brief or actor file from a skeleton",
        description="Write a skeleton file under content/. Never overwrites a file.",
    )
    kinds = new_cmd.add_subparsers(dest="kind_of_new", metavar="WHAT", required=True)
    brief = kinds.add_parser(
        "brief",
        help="content/briefs/<date>-<slug>.md, a draft",
        description="Write content/briefs/<date>-<slug>.md: a draft brief that builds "
        "cleanly, dated today in the site's timezone, with a slug no other brief uses.",
    )
    brief.add_argument("title", help="the brief's title")
    brief.add_argument("--actors", nargs="+", default=[], metavar="NAME", help="actors named")
    brief.add_argument(
        "--date", type=parse_date, metavar="YYYY-MM-DD", help="the brief's date (default: today)"
    )
    actor = kinds.add_parser(
        "actor",
        help="content/actors/<id>.md, a registry entry",
        description="Write content/actors/<id>.md, the id being the name slugified.",
    )
    actor.add_argument("name", help="the actor's name")
    actor.add_argument("--kind", choices=ACTOR_KINDS, help="person, state, organization or group")
    for sub in (brief, actor):
        _site_root(sub)
        _verbosity(sub)
    list_cmd = commands.add_parser(
        "list",
        help="list the actors, sources, topics or places the site knows, with counts",
        description="List what the site's briefs name, most used first.",
    )
    list_cmd.add_argument("what", choices=LISTABLE)
    list_cmd.add_argument("--drafts", action="store_true", help="count drafts too")
    _site_root(list_cmd)


def report_build(
    result: BuildResult,
    terminal: Terminal,
    output: Path,
    quiet: bool,
    site: Path | None = None,
    verbose: bool = False,
) -> None:
    """Print diagnostics (with source excerpts when `site` is given), notes and a summary."""
    for note in result.notes:
        terminal.warning_line(f"warning: {note}")
    terminal.diagnostics(result.diagnostics, site)
    if verbose:
        for stage, seconds in result.stages:
            terminal.detail(f"  {stage:<7} {seconds * 1000:8.1f} ms")
        if result.ok and "read" not in dict(result.stages):
            terminal.detail("  cache: nothing changed since the last build; nothing to do")
        elif result.ok:
            terminal.detail(
                f"  cache: {result.cached} briefs reused, {result.parsed} read; "
                f"{result.rendered} pages rendered, {result.pages - result.rendered} files reused"
            )
    if not result.ok:
        terminal.error_line("build failed: the output was left as it was")
    elif not quiet:
        changed = len(result.report.changed) + len(result.report.removed) if result.report else 0
        terminal.info(
            f"built {result.pages} files into {output} in {result.seconds:.2f} s "
            f"({result.parsed} briefs read, {result.rendered} pages rendered, "
            f"{changed} files changed)"
        )


def options_from(args: argparse.Namespace, output: Path | None = None) -> BuildOptions:
    """Build options from parsed arguments."""
    chosen = output or (args.output.resolve() if getattr(args, "output", None) else None)
    return BuildOptions(
        site=args.site.resolve(),
        output=chosen,
        drafts=args.drafts,
        strict=args.strict,
        base_url=args.base_url,
        jobs=args.jobs,
        use_cache=not getattr(args, "no_cache", False),
        search=not getattr(args, "no_search", False),
    )


def run_build(args: argparse.Namespace) -> int:
    terminal = Terminal(sys.stderr)
    options = options_from(args)
    result = build(options, None if args.quiet else terminal.progress)
    report_build(result, terminal, options.output_dir, args.quiet, options.site, args.verbose)
    return EXIT_OK if result.ok else EXIT_CONTENT


def run_check(args: argparse.Namespace) -> int:
    import tempfile  # here: only `check` needs it

    from briefsite.linkcheck import check_site
    from briefsite.parallel import default_jobs

    terminal = Terminal(sys.stderr)
    with tempfile.TemporaryDirectory(prefix="briefsite-check-") as temporary:
        output = Path(temporary) / "site"
        options = replace(options_from(args, output=output), use_cache=False)
        result = build(options, None if args.quiet else terminal.progress)
        report_build(result, terminal, output, quiet=True)
        if not result.ok:
            return EXIT_CONTENT
        progress = None if args.quiet else terminal.progress
        jobs = options.jobs or default_jobs()
        problems = check_site(output, result.base_url, result.sources, jobs, progress)
    for problem in problems:
        terminal.error_line(problem.format())
    if problems:
        terminal.error_line(f"check failed: {len(problems)} problem(s) in the built site")
        return EXIT_CONTENT
    if not args.quiet:
        search = "with" if result.indexed else "without"
        terminal.info(f"checked {result.pages} files ({search} a search index): no problems")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    from briefsite.serve import serve_site

    return serve_site(args)


def run_clean(args: argparse.Namespace) -> int:
    cache = args.site.resolve() / CACHE_DIR
    if cache.is_symlink():  # the link goes, never what it leads to
        cache.unlink()
        print(f"removed the symlink {cache}", file=sys.stderr)
    elif cache.is_dir():
        shutil.rmtree(cache)
        print(f"removed {cache}", file=sys.stderr)
    return EXIT_OK


GC_THRESHOLDS = (100_000, 50, 100)
ONE_SHOT = frozenset({"build", "check"})
"""Commands that build once and end: they run without the cyclic garbage collector."""


@contextlib.contextmanager
def garbage_collection_for(command: str) -> Iterator[None]:
    """The cyclic garbage collector's settings while `command` runs (restored after).

    A build holds every brief in memory: millions of objects, nearly all of them alive
    until it ends. With the default thresholds the collector walked them all again and
    again (a sixth of a cold build's time at 10,000 briefs). A one-shot build makes little
    cyclic garbage (about 10 objects a page) and ends soon, so it runs without the
    collector (a rebuild of one brief at 10,000: 1.78 -> 1.59 s); the preview server runs
    for hours, so it only collects less often.
    """
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    if command in ONE_SHOT:
        gc.disable()
    try:
        yield
    finally:
        if command in ONE_SHOT:
            # what the command made joins the oldest generation unexamined: examining it
            # all on the next allocation would take longer than the command's last steps
            gc.freeze()
            gc.unfreeze()
        gc.set_threshold(*thresholds)
        if enabled:
            gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `briefsite` command; returns the exit code."""
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if not (args.site / "content").is_dir():
        print(f"briefsite: error: no content/ folder in {args.site.resolve()}", file=sys.stderr)
        return EXIT_USAGE
    if args.command in ("new", "list"):
        from briefsite import authoring

        return authoring.run_new(args) if args.command == "new" else authoring.run_list(args)
    handlers = {"build": run_build, "serve": run_serve, "check": run_check, "clean": run_clean}
    with garbage_collection_for(args.command):
        return handlers[args.command](args)


def run() -> NoReturn:
    """The `briefsite` command: `main`, then exit without freeing the site object by object.

    A build leaves millions of objects behind; the interpreter freeing them one at a time
    took most of a second at 10,000 briefs, after all the work was done. Everything the
    build writes is closed by then; only the standard streams need flushing.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
