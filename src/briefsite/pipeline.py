"""The whole build, as a short table of contents: load, check, resolve, render, write."""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from briefsite.briefs import BriefContext, read_brief
from briefsite.config import SiteConfig, load_config
from briefsite.diagnostics import Diagnostic, Diagnostics
from briefsite.graph import Graph, build_graph, check_unique_slugs
from briefsite.markdown import BriefMarkdown
from briefsite.model import Brief
from briefsite.output import OutputError, WriteReport, check_output_dir, write_site
from briefsite.registry import Registry, load_registry
from briefsite.render import Page, SiteRenderer, make_environment, theme_dir
from briefsite.sitefiles import find_files
from briefsite.urls import Urls

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    """What the command line (or a test, or the preview server) asks for."""

    site: Path
    output: Path | None = None
    drafts: bool = False
    strict: bool = False
    base_url: str | None = None

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.site / "_site"


@dataclass
class Site:
    """A loaded, validated site: everything rendering needs."""

    config: SiteConfig
    registry: Registry
    briefs: list[Brief]
    graph: Graph
    urls: Urls


@dataclass
class BuildResult:
    """The outcome of a build: diagnostics, and what was written if it succeeded."""

    diagnostics: list[Diagnostic]
    ok: bool
    report: WriteReport | None = None
    pages: int = 0
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def load_site(options: BuildOptions, diags: Diagnostics) -> Site | None:
    """Read and validate every source file; None if the site could not be loaded at all."""
    root = options.site
    config = load_config(root, diags, options.base_url)
    registry = load_registry(root, diags)
    if any(d.path == "content/site.yml" and d.severity == "error" for d in diags.items):
        return None
    urls = Urls(config.base_path, config.origin)
    context = BriefContext(registry, urls, config.timezone)
    renderer = BriefMarkdown()
    briefs: list[Brief] = []
    for path in find_files(root, "content/briefs", (".md", ".markdown"), diags):
        brief, problems = read_brief(root, path, context, renderer)
        diags.extend(problems)
        if brief is not None:
            briefs.append(brief)
    check_unique_slugs(briefs, diags)
    published = [b for b in briefs if options.drafts or not b.draft]
    return Site(config, registry, briefs, build_graph(registry, published), urls)


def render_site(site: Site, diags: Diagnostics) -> list[Page]:
    """Render every page; template problems become diagnostics."""
    try:
        env = make_environment(site.config.root)
        renderer = SiteRenderer(site.config, site.graph, site.urls, env, {})
        return [Page(path, render()) for path, render in renderer.pages()]
    except jinja2.TemplateError as exc:
        path, line = template_location(exc, site.config.root)
        diags.error(path, line, f"template error: {exc.message or exc}")
        return []


def static_files(root: Path, diags: Diagnostics) -> list[tuple[str, Path]]:
    """The theme's static files overridden by the site's own, as (output path, source)."""
    files: dict[str, Path] = {}
    theme_static = theme_dir() / "static"
    for base, folder in ((theme_static.parent, "static"), (root, "static")):
        for path in find_files(base, folder, ("",), diags):
            files[path.relative_to(base / folder).as_posix()] = path
    return sorted(files.items())


def build(options: BuildOptions) -> BuildResult:
    """Load, validate, render and write a site; write nothing unless everything is fine."""
    start = time.perf_counter()
    diags = Diagnostics()
    problem = check_output_dir(options.output_dir, options.site)
    if problem:
        diags.error(options.output_dir.as_posix(), 0, problem)
        return BuildResult(diags.sorted(), False)
    site = load_site(options, diags)
    pages = render_site(site, diags) if site and not diags.failed(options.strict) else []
    static = static_files(options.site, diags)
    if site is None or diags.failed(options.strict):
        return BuildResult(
            finish(diags, options.strict), False, seconds=time.perf_counter() - start
        )
    try:
        report = write_site(options.output_dir, pages, static)
    except OutputError as exc:
        diags.error(options.output_dir.as_posix(), 0, str(exc))
        return BuildResult(finish(diags, options.strict), False)
    return BuildResult(
        finish(diags, options.strict), True, report, len(pages), time.perf_counter() - start
    )


def finish(diags: Diagnostics, strict: bool) -> list[Diagnostic]:
    """Sorted diagnostics; under `--strict` warnings are reported as the errors they became."""
    items = diags.sorted()
    if strict:
        items = [Diagnostic(d.path, d.line, "error", d.message) for d in items]
    return items


def template_location(exc: jinja2.TemplateError, root: Path) -> tuple[str, int]:
    """The template file and line a Jinja2 error comes from, relative to the site if inside it."""
    filename = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    if filename is None:
        for frame in reversed(traceback.extract_tb(sys.exc_info()[2])):
            if frame.filename.endswith((".html", ".xml", ".j2")):
                filename, line = frame.filename, frame.lineno
                break
    if filename is None:
        return "templates", 0
    path = Path(filename)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix(), line or 0
    except ValueError:
        return f"theme/{path.name}", line or 0
