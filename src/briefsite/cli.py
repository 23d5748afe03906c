"""The `briefsite` command: parse arguments, run a command, print what happened."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from briefsite import __version__
from briefsite.diagnostics import Diagnostic
from briefsite.pipeline import BuildOptions, BuildResult, build

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site root, holding content/ (default: the current directory)",
    )
    parser.add_argument("--drafts", action="store_true", help="also build briefs marked draft")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="the site's public URL; overrides base_url in content/site.yml",
    )


def make_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="briefsite",
        description="Build a cross-linked briefing site from Markdown briefs.",
    )
    parser.add_argument("--version", action="version", version=f"briefsite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_cmd = commands.add_parser(
        "build",
        help="build the site into the output directory",
        description="Build the site. On any error nothing is "
        "written and the previous output stays as it was.",
    )
    _site_options(build_cmd)
    build_cmd.add_argument(
        "--output", type=Path, metavar="DIR", help="where to write the site (default: <site>/_site)"
    )
    serve_cmd = commands.add_parser(
        "serve",
        help="preview the site with live reload",
        description="Build the site, serve it locally and rebuild "
        "and reload the browser whenever a source file changes.",
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
    return parser


def print_diagnostics(diagnostics: Sequence[Diagnostic], stream=None) -> None:
    """Print diagnostics (errors first) and a one-line summary to stderr."""
    stream = stream or sys.stderr
    for item in diagnostics:
        print(item.format(), file=stream)
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if diagnostics:
        print(
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}",
            file=stream,
        )


def run_build(args: argparse.Namespace) -> int:
    options = BuildOptions(
        site=args.site.resolve(),
        output=args.output.resolve() if args.output else None,
        drafts=args.drafts,
        strict=args.strict,
        base_url=args.base_url,
    )
    result: BuildResult = build(options)
    print_diagnostics(result.diagnostics)
    if not result.ok:
        print("build failed: the output was left as it was", file=sys.stderr)
        return EXIT_CONTENT
    report = result.report
    changed = len(report.changed) if report else 0
    print(
        f"built {result.pages} pages into {options.output_dir} in {result.seconds:.2f} s "
        f"({changed} files changed)",
        file=sys.stderr,
    )
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    from briefsite.serve import serve_site

    return serve_site(args)


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
    handlers = {"build": run_build, "serve": run_serve}
    return handlers[args.command](args)
