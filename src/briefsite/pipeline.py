"""The whole build, as a short table of contents: load, check, resolve, render, write.

`Builder` keeps what one build learnt for the next (in memory for the preview server, in
`.briefsite-cache/` between runs), so a rebuild reads only changed files and renders only
pages whose data changed. Its output is byte-identical to a cold build's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import jinja2

from briefsite.assets import fingerprint_assets
from briefsite.briefs import BriefContext, read_brief
from briefsite.cache import (
    CACHE_DIR,
    BodyStore,
    BuildState,
    SignedBytecodeCache,
    SourceRecord,
    code_version,
    load_sources,
    load_state,
    mark_writing,
    outside_cache,
    save_state,
    state_path,
)
from briefsite.config import SiteConfig, load_config
from briefsite.diagnostics import Diagnostic, Diagnostics
from briefsite.graph import BY_PATH, Graph, build_graph, check_unique_slugs, related_slugs
from briefsite.markdown import BriefMarkdown
from briefsite.model import BodyParts, Brief
from briefsite.output import (
    OutputError,
    OutputFile,
    OutputTree,
    WriteReport,
    check_output_dir,
    digest_bytes,
    output_lock,
    spare_dir,
    staging_dir,
)
from briefsite.parallel import Progress, default_jobs, map_in_order, ticker
from briefsite.registry import Registry, load_registry, read_digested
from briefsite.render import (
    PageSpec,
    SiteRenderer,
    check_templates,
    make_environment,
    template_keys,
    theme_dir,
)
from briefsite.search import MISSING_NOTE, SearchError, build_index, find_pagefind, pagefind_version
from briefsite.sitefiles import SiteFile, find_files, scan_files
from briefsite.urls import Urls
from briefsite.views import Views

BRIEF_SUFFIXES = (".md", ".markdown")
RACY_NS = 2_000_000_000
"""A file modified this close to a build's start may change again without its size or
mtime changing (timestamps are coarse: a clock tick, 2 s on FAT), so its stat is not
trusted by the next build: it is read again and compared by digest (as git does)."""
UNTRUSTED_MTIME = -1
SHARDS_IN_PARALLEL = 8
"""Fewer changed cache shards than this are written by the build process itself."""
WAIT_NOTED = 0.1
"""A wait for another build into the same place (seconds) worth a note in the report."""
ReadJob = tuple[str, Path, os.stat_result, bytes | None, str | None]
"""A brief to read: its path in the site, its file, stat, and bytes and digest if read."""


@dataclass(frozen=True)
class BuildOptions:
    """What the command line (or a test, or the preview server) asks for."""

    site: Path
    output: Path | None = None
    drafts: bool = False
    strict: bool = False
    base_url: str | None = None
    jobs: int = 0
    use_cache: bool = True
    search: bool = True
    fingerprint: bool = True  # content-hashed theme CSS/JS names (off in the preview)
    spare_ahead: bool = False
    """Whether a build that makes the output anew also makes the next build's spare (see
    `OutputTree.open`): worth it where another build soon follows (the preview server);
    a one-shot build, as in CI, would pay for a spare it never uses."""

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.site / "_site"

    @property
    def cache_dir(self) -> Path:
        return self.site / CACHE_DIR


@dataclass
class Site:
    """A loaded, validated site: everything rendering needs."""

    config: SiteConfig
    registry: Registry
    briefs: list[Brief]
    graph: Graph
    urls: Urls


@dataclass
class Produced:
    """What a build put in the output: the change report, every file, and where each came from."""

    report: WriteReport
    files: dict[str, OutputFile]
    specs: list[PageSpec]
    assets: dict[str, str]
    rendered: list[str]


@dataclass
class BuildResult:
    """The outcome of a build: diagnostics, and what was written if it succeeded."""

    diagnostics: list[Diagnostic]
    ok: bool
    report: WriteReport | None = None
    pages: int = 0
    rendered: int = 0
    rendered_paths: list[str] = field(default_factory=list)
    parsed: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    base_url: str = ""
    indexed: bool = False
    stages: list[tuple[str, float]] = field(default_factory=list)
    cached: int = 0


class Builder:
    """Builds one site again and again, reusing whatever did not change."""

    def __init__(self, options: BuildOptions, progress: Progress | None = None) -> None:
        self.notes: list[str] = []
        outside = outside_cache(options.site) if options.use_cache else None
        if outside is not None:
            self.notes.append(f"{outside} leads outside the site root: building without cache")
            options = replace(options, use_cache=False)
        self.options = options
        self.jobs = options.jobs or default_jobs()
        self.progress = progress
        self.stages: list[tuple[str, float]] = []
        self._mark = 0.0
        self.state = BuildState()
        self.state_file = state_path(options.cache_dir, options.output_dir)
        self.bodies = BodyStore(self.state_file, self._reread_body)
        self._context: BriefContext | None = None
        self._markdown: BriefMarkdown | None = None
        self.search_stale = False
        self.sources_loaded = not options.use_cache
        self.sources_changed: set[str] | None = set()
        """Briefs whose record changed since the cache was saved (None: all of them)."""
        self.pagefind = find_pagefind() if options.search else None
        self.pagefind_version = pagefind_version(self.pagefind) if self.pagefind else ""
        if options.search and self.pagefind is None:
            self.notes.append(MISSING_NOTE)
        self._env: tuple[str, jinja2.Environment] | None = None
        self._keys: tuple[str, dict[str, str]] | None = None
        """The templates' keys for a render key, once worked out (`_template_keys`)."""
        self._racy_after = 0
        self._kept: tuple[Site, Produced] | None = None
        """The last build's site and pages, freed when the next build starts: a one-shot
        build then ends without freeing them object by object (20 ms at 10,000 briefs)."""
        if options.use_cache:
            saved, warning = load_state(self.state_file)
            self.state = saved or self.state
            self.sources_loaded = saved is None
            if warning:
                self.notes.append(warning)

    # ---- the build ------------------------------------------------------------------------
    def build(self, reindex: bool = True) -> BuildResult:
        """Load, validate, render and write; write nothing unless everything is fine.

        `reindex=False` keeps the last search index even if pages changed (the preview
        refreshes it a moment later; `search_stale` says one is owed). Another build into
        the same place is waited for: both would fill the same spare and swap it in.
        """
        with output_lock(self.options.output_dir) as waited:
            if waited >= WAIT_NOTED:
                self.notes.append(f"waited {waited:.1f} s for another build into this place")
            return self._build(reindex)

    def _build(self, reindex: bool) -> BuildResult:
        start = self._mark = time.perf_counter()
        self.stages = []
        self._kept = None
        self._racy_after = time.time_ns() - RACY_NS
        options, diags = self.options, Diagnostics()
        problem = check_output_dir(options.output_dir, options.site)
        if problem:
            diags.error(options.output_dir.as_posix(), 0, problem)
            return self._failed(diags, start)
        config = load_config(options.site, diags, options.base_url)
        registry = load_registry(options.site, diags, self.state.registry_files)
        brief_files = scan_files(options.site, "content/briefs", BRIEF_SUFFIXES, diags)
        static = static_files(options.site, diags)
        env, render_key = self._environment(config)
        inputs_key = _stat_key(options, brief_files, static, render_key, self._racy_after)
        self._stage("scan")
        if not diags.items and self._unchanged(inputs_key):
            result = self._result(list(self.state.diagnostics), True, WriteReport(), start)
            result.pages = len(self.state.live or {})
            return result
        template_problems = check_templates(options.site, env)
        # while workers read briefs, compile the templates (if none is refused: one from
        # outside the site root is never read)
        prepare = None if template_problems else partial(self._prepare_templates, env, render_key)
        site, parsed = self._load(config, registry, brief_files, diags, prepare)
        self._stage("read")
        for path, line, message in template_problems:
            diags.error(path, line, message)
        if diags.failed(options.strict):
            return self._failed(diags, start, parsed)
        self._compile(env)
        produced = self._produce(site, env, render_key, static, reindex, diags)
        if produced is None:
            return self._failed(diags, start, parsed)
        self.state.inputs_key = inputs_key
        self.state.diagnostics = finish(diags, options.strict)
        self._save(with_sources=True)
        result = self._result(
            self.state.diagnostics, True, produced.report, start, parsed, len(produced.rendered)
        )
        result.rendered_paths = produced.rendered
        result.pages = len(produced.files)
        result.sources = page_sources(produced.specs, static, produced.assets, options.site)
        result.base_url = config.base_url
        result.indexed = self.pagefind is not None
        self._kept = (site, produced)
        return result

    def _produce(
        self,
        site: Site,
        env: jinja2.Environment,
        render_key: str,
        static: list[tuple[str, Path]],
        reindex: bool,
        diags: Diagnostics,
    ) -> Produced | None:
        """Render into the spare tree, add static files and the search index, and swap it in.

        None after a diagnostic, with the live output untouched.
        """
        names = theme_static_names() if self.options.fingerprint else set()
        assets, statics = fingerprint_assets(self._static_files(static), names)
        search = self.pagefind is not None
        output = self.options.output_dir
        tree = self._open_tree()
        specs: list[PageSpec] = []
        try:
            tree.open()
            renderer = SiteRenderer(site.config, site.graph, site.urls, env, assets, search)
            # a static file of a page's name replaces the page (a site's own robots.txt)
            specs = [spec for spec in renderer.pages() if spec.path not in statics]
            _check_paths_unique(specs)
            key = digest_bytes(f"{self._base_key(site.config)}{assets!r}".encode())
            templates = self._template_keys(env, render_key)
            files, rendered = self._render(specs, key, templates, tree, site, renderer.views)
            self.state.template_keys, self.state.templates_for = templates, render_key
            self._stage("render")
            files.update(statics)
            if search:
                split, language = renderer.search_shards, site.config.language
                files.update(self._search_index(files, split, tree, language, reindex))
            self._stage("index")
            report = tree.commit(files)
        except jinja2.TemplateError as exc:
            path, line = template_location(exc, self.options.site)
            diags.error(path, line, f"template error: {exc.message or exc}")
        except OutputError as exc:
            sources = page_sources(specs, static, assets, self.options.site)
            diags.error(*(_folder_clash(sources) or (output.as_posix(), 0, str(exc))))
        except SearchError as exc:
            diags.error("(search)", 0, str(exc))
        else:
            self._close_tree(tree)
            self._stage("write")
            return Produced(report, files, specs, assets, rendered)
        tree.abandon(spec.path for spec in specs)
        self._close_tree(tree)
        return None

    def _stage(self, name: str) -> None:
        """Record how long the stage that just ended took (for `--verbose`)."""
        now = time.perf_counter()
        self.stages.append((name, now - self._mark))
        self._mark = now

    def load(self) -> tuple[Site, list[Diagnostic]]:
        """Load and resolve the site without rendering or writing (for `briefsite list`)."""
        diags = Diagnostics()
        config = load_config(self.options.site, diags, self.options.base_url)
        registry = load_registry(self.options.site, diags, self.state.registry_files)
        files = scan_files(self.options.site, "content/briefs", BRIEF_SUFFIXES, diags)
        site, _ = self._load(config, registry, files, diags)
        return site, finish(diags, self.options.strict)

    def _mtime(self, stat: os.stat_result) -> int:
        """The mtime to remember for a file: `UNTRUSTED_MTIME` if it is too recent to trust."""
        return stat.st_mtime_ns if stat.st_mtime_ns < self._racy_after else UNTRUSTED_MTIME

    def _unchanged(self, inputs_key: str) -> bool:
        """Nothing read or written has changed since the last build (the no-change rebuild)."""
        return (
            inputs_key != ""
            and not self.search_stale
            and inputs_key == self.state.inputs_key
            and self.state.live is not None
            and _dir_id(self.options.output_dir) == self.state.live_id
        )

    # ---- loading ---------------------------------------------------------------------------
    def _load(
        self,
        config: SiteConfig,
        registry: Registry,
        files: list[SiteFile],
        diags: Diagnostics,
        meanwhile: Callable[[], object] | None = None,
    ) -> tuple[Site, int]:
        """The site, read from its files and the cache; and how many briefs were parsed.

        `meanwhile` is called while workers parse briefs, if any do.
        """
        urls = Urls(config.base_path, config.origin)
        context = self._context = BriefContext(registry, urls, config.timezone)
        context_key = digest_bytes(repr(context).encode())
        if not self.sources_loaded:
            self.state.sources = load_sources(self.state_file, self.bodies)
            self.sources_loaded = True
        if context_key != self.state.context_key:
            self.state.sources = {}
            self.state.context_key = context_key
            self.sources_changed = None
        old = self.state.sources
        records: dict[str, SourceRecord | None] = {}
        todo: list[ReadJob] = []
        for file in files:
            rel, stat = file.rel, file.stat
            record = old.get(rel)
            if record is None:  # new to the cache: the worker reading it reads its bytes
                records[rel] = None
                todo.append((rel, file.path, stat, None, None))
                continue
            if (record.size, record.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                records[rel] = record
                continue
            data, digest = read_digested(file.path, stat.st_size)
            if digest == record.digest:
                records[rel] = SourceRecord(
                    stat.st_size, self._mtime(stat), record.digest, record.brief, record.diagnostics
                )
                continue
            records[rel] = None
            todo.append((rel, file.path, stat, data, digest))
        for (rel, _, stat, _, _), (brief, problems, digest) in zip(
            todo, self._parse(todo, context, context_key, meanwhile), strict=True
        ):
            records[rel] = SourceRecord(
                stat.st_size, self._mtime(stat), digest or "", brief, tuple(problems)
            )
        kept = {rel: r for rel, r in records.items() if r is not None}
        if self.sources_changed is not None:
            self.sources_changed.update(
                rel for rel in kept.keys() | old.keys() if kept.get(rel) is not old.get(rel)
            )
        self.state.sources = kept
        briefs: list[Brief] = []
        for record in self.state.sources.values():
            diags.extend(record.diagnostics)
            if record.brief is not None:
                briefs.append(record.brief)
        check_unique_slugs(briefs, diags)
        published = [b for b in briefs if self.options.drafts or not b.draft]
        return Site(config, registry, briefs, self._graph(registry, published), urls), len(todo)

    def _graph(self, registry: Registry, published: list[Brief]) -> Graph:
        """The site graph; related briefs as last time if what decides them is the same."""
        digests = "".join(b.related_digest for b in sorted(published, key=BY_PATH))
        key = digest_bytes(f"{self.state.context_key}{digests}".encode())
        known = self.state.related if key == self.state.related_key else None
        graph = build_graph(registry, published, known, self.jobs)
        self.state.related_key = key
        self.state.related = known if known is not None else related_slugs(graph)
        return graph

    def _reread_body(self, brief: Brief) -> BodyParts:
        """A cached brief's body and passages, read again: the saved ones were lost or damaged."""
        root = self.options.site
        assert self._context is not None  # set before any brief is loaded
        if self._markdown is None:  # one per process: making one takes 30 ms
            self._markdown = BriefMarkdown()
        found, _ = read_brief(root, root / brief.path, self._context, self._markdown)
        return BodyParts(found.body_html, found.passages) if found else BodyParts("", ())

    def _parse(
        self,
        todo: list[ReadJob],
        context: BriefContext,
        context_key: str,
        meanwhile: Callable[[], object] | None = None,
    ) -> list[tuple[Brief | None, list[Diagnostic], str | None]]:
        """Read the briefs in `todo` (over the workers): (brief, problems, file digest) each.

        A brief whose bytes were not read yet (on a cold build, every brief) is read by the
        worker that parses it. `meanwhile` is called while workers parse, if any do.
        """
        root = self.options.site
        renderer = BriefMarkdown()

        def parse(job: ReadJob) -> tuple[Brief | None, list[Diagnostic], str | None]:
            rel, path, stat, data, digest = job
            if digest is None:
                data, digest = read_digested(path, stat.st_size)
            key = digest_bytes(f"{rel}\0{digest}\0{context_key}".encode())
            return (*read_brief(root, path, context, renderer, data, key), digest)

        tick = ticker(self.progress, "reading briefs", len(todo))
        return list(map_in_order(parse, todo, self.jobs, tick, meanwhile=meanwhile))

    # ---- rendering ---------------------------------------------------------------------------
    def _render(
        self,
        specs: list[PageSpec],
        key: str,
        templates: dict[str, str],
        tree: OutputTree,
        site: Site,
        views: Views,
    ) -> tuple[dict[str, OutputFile], list[str]]:
        """Render the pages whose fingerprint changed into the spare tree.

        A page's fingerprint is salted with `key` and its template's key (`templates`).
        Workers write the pages they render and return only digests, so no page's bytes
        cross a process boundary or stay in memory.
        """
        known = self.state.pages if key == self.state.render_key else {}
        live = tree.live or {}
        bodies = {brief.path: brief.digest for brief in site.graph.briefs}
        aspects = views.aspect_keys()
        edited = {name for name, k in templates.items() if self.state.template_keys.get(name) != k}
        current = [spec for spec in specs if spec.template not in edited]
        kept = _pages_kept(current, known, live, self.state, aspects, bodies)
        old_quick = self.state.quick if known else {}
        quick = _quick_keys(specs, kept, old_quick)
        kept.update(
            spec.path
            for spec in current
            if spec.path in quick
            and old_quick.get(spec.path) == quick[spec.path]
            and spec.path in known
            and live.get(spec.path) == known[spec.path][1]
        )

        def render(spec: PageSpec) -> tuple[str, str, bool | None]:
            """(fingerprint, digest, whether it went to the spare or None if not rendered)."""
            mark, context = spec.fingerprint(key + templates.get(spec.template, ""))
            previous = known.get(spec.path)
            if previous and previous[0] == mark and live.get(spec.path) == previous[1]:
                return mark, previous[1], None
            data = spec.produce(context if context is not None else spec.context())
            file = OutputFile(digest_bytes(data), data)
            return mark, file.digest, tree.place(spec.path, file)

        # the heaviest first, each in a chunk of its own weight: no straggler at the end
        todo = sorted((spec for spec in specs if spec.path not in kept), key=lambda s: -s.weight)
        weights = [spec.weight for spec in todo]
        tick = ticker(self.progress, "rendering pages", len(todo))
        pages: dict[str, tuple[str, str]] = {path: known[path] for path in kept}
        rendered: list[str] = []
        for spec, (mark, digest, placed) in zip(
            todo, map_in_order(render, todo, self.jobs, tick, weights), strict=True
        ):
            if placed is not None:
                rendered.append(spec.path)
            if placed:
                tree.placed(spec.path, digest)
            pages[spec.path] = (mark, digest)
        files = {spec.path: OutputFile(pages[spec.path][1]) for spec in specs}
        self.state.pages = {spec.path: pages[spec.path] for spec in specs}
        self.state.render_key, self.state.aspect_keys, self.state.bodies = key, aspects, bodies
        self.state.quick = {
            spec.path: quick.get(spec.path) or old_quick[spec.path]
            for spec in specs
            if spec.quick is not None
        }
        return files, rendered

    def _static_files(self, static: list[tuple[str, Path]]) -> dict[str, OutputFile]:
        known, files, statics = self.state.statics, {}, {}
        for rel, source in static:
            stat = source.stat()
            entry = known.get(str(source))
            if not entry or entry[:2] != (stat.st_size, stat.st_mtime_ns):
                entry = (stat.st_size, self._mtime(stat), digest_bytes(source.read_bytes()))
            statics[str(source)] = entry
            files.setdefault(rel, OutputFile(entry[2], source=source))
        self.state.statics = statics
        return files

    def _search_index(
        self,
        files: dict[str, OutputFile],
        split: list[list[str]],
        tree: OutputTree,
        language: str,
        reindex: bool,
    ) -> dict[str, OutputFile]:
        """The Pagefind bundles for the pages in the spare, one per shard of the indexed pages
        (`split`): a shard's last one if none of its pages changed (and every shard's last one
        under `reindex=False`, if all are there).

        A site of one shard is indexed whole: Pagefind reads every HTML page and keeps those
        marked `data-pagefind-body` (a site's own templates may mark others).
        """
        assert self.pagefind is not None
        whole = len(split) == 1
        shards = (
            {0: sorted(r for r in files if r.endswith(".html"))}
            if whole
            else dict(enumerate(split))
        )
        keys = {
            shard: self._shard_key(shard, len(shards), pages, files, language)
            for shard, pages in shards.items()
        }
        state, live = self.state, tree.live or {}
        kept = {
            shard: known
            for shard, known in state.search.items()
            if shard in keys and all(live.get(p) == d for p, d in known[1].items())
        }
        stale = [shard for shard, key in keys.items() if kept.get(shard, ("",))[0] != key]
        self.search_stale = bool(kept.keys() == keys.keys() and stale and not reindex)
        if self.search_stale:  # the preview keeps the last index a moment longer
            stale = []
        bundle = {
            rel: OutputFile(digest)
            for shard, (_, known) in kept.items()
            if shard not in stale
            for rel, digest in known.items()
        }
        if stale:
            tree.sync({**files, **bundle})  # stale shards' files go: Pagefind writes new ones

        def index(shard: int) -> dict[str, str]:
            scratch = staging_dir(self.options.output_dir, f"pagefind-{shard}")
            pages = None if whole else (shards[shard], scratch)
            last = state.search.get(shard, ("", {}))[1]  # the live output's, if it holds them
            seed = (tree.output, [rel for rel, digest in last.items() if live.get(rel) == digest])
            return build_index(self.pagefind, tree.spare_path, language, shard, pages, seed)

        tick = ticker(self.progress, "indexing for search", len(stale))
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:  # each runs Pagefind
            for shard, made in zip(stale, pool.map(index, stale), strict=True):
                for rel, digest in made.items():
                    tree.adopt(rel, digest)
                    bundle[rel] = OutputFile(digest)
                kept[shard] = (keys[shard], made)
                if tick:
                    tick(1)
        state.search = {shard: kept[shard] for shard in keys}
        return bundle

    def _shard_key(
        self,
        shard: int,
        shards: int,
        pages: list[str],
        files: dict[str, OutputFile],
        language: str,
    ) -> str:
        """What a shard's index is made of: Pagefind's version, the language, the pages."""
        hasher = hashlib.blake2b(digest_size=16)
        hasher.update(f"{self.pagefind_version}\0{language}\0{shard}/{shards}\n".encode())
        for rel in pages:
            hasher.update(f"{rel}\0{files[rel].digest}\n".encode())
        return hasher.hexdigest()

    def _environment(self, config: SiteConfig) -> tuple[jinja2.Environment, str]:
        """Jinja2, reused while no template (or setting) changes, and its render key.

        Compiling the templates costs more than rendering a few pages, so a fresh
        environment per build made every preview rebuild pay for it again (see `_compile`).
        """
        compiled = SignedBytecodeCache(self.options.cache_dir / "templates")
        env = make_environment(self.options.site, compiled if self.options.use_cache else None)
        key = self._render_key(config, env)
        if self._env is not None and self._env[0] == key:
            return self._env[1], key
        self._env = (key, env)
        return env, key

    @staticmethod
    def _compile(env: jinja2.Environment) -> None:
        """Compile every template (once per environment) before rendering, so that forked
        render workers inherit them. A build reading briefs over workers does it while they
        work; one that reads no brief and renders nothing never compiles one."""
        for name in env.list_templates():
            with contextlib.suppress(Exception):  # a broken template is reported when used
                env.get_template(name)

    def _base_key(self, config: SiteConfig) -> str:
        """What every page depends on besides its own data and its templates."""
        search = self.pagefind is not None
        return f"{code_version()}\0{config!r}\0{self.options.drafts}\0{search}"

    def _template_keys(self, env: jinja2.Environment, render_key: str) -> dict[str, str]:
        """Each template's key (`template_keys`), as last time if no template changed."""
        if render_key == self.state.templates_for:
            return self.state.template_keys
        if self._keys is None or self._keys[0] != render_key:
            self._keys = (render_key, template_keys(env))
        return self._keys[1]

    def _prepare_templates(self, env: jinja2.Environment, render_key: str) -> None:
        """Compile the templates and work out their keys: done while workers read briefs."""
        self._compile(env)
        self._template_keys(env, render_key)

    def _render_key(self, config: SiteConfig, env: jinja2.Environment) -> str:
        """Everything every page depends on besides its own data: settings and templates."""
        hasher = hashlib.blake2b(digest_size=16)
        hasher.update(self._base_key(config).encode())
        assert isinstance(env.loader, jinja2.FileSystemLoader)
        for folder in env.loader.searchpath:
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    hasher.update(path.relative_to(folder).as_posix().encode() + b"\0")
                    hasher.update(path.read_bytes())
        return hasher.hexdigest()

    # ---- writing -----------------------------------------------------------------------------
    def _open_tree(self) -> OutputTree:
        """The output and its spare, with what the last build left in each."""
        output = self.options.output_dir
        state = self.state
        live = state.live if _dir_id(output) == state.live_id else None
        spare = state.spare if _dir_id(spare_dir(output)) == state.spare_id else None
        state.live = state.spare = None
        # if this build dies while writing, the next one trusts nothing of the output
        if self.options.use_cache and not mark_writing(self.state_file):
            self._save()
        mirror = self.options.use_cache and self.options.spare_ahead
        return OutputTree(output, live, spare, mirror=mirror)

    def _close_tree(self, tree: OutputTree) -> None:
        """Remember what the output and its spare hold now."""
        output = self.options.output_dir
        self.state.live, self.state.spare = tree.live, tree.spare
        self.state.live_id, self.state.spare_id = _dir_id(output), _dir_id(spare_dir(output))

    def _save(self, with_sources: bool = False) -> None:
        if self.options.use_cache:
            changed = self.sources_changed if with_sources else ()
            save_state(self.state_file, self.state, changed, self._map_shards)
            if with_sources:
                self.sources_changed = set()

    def _map_shards(self, write: Callable[[int], None], shards: list[int]) -> Iterator[None]:
        """Write cache shards over the workers when there are several (a cold build's 32)."""
        return map_in_order(write, shards, self.jobs, min_items=SHARDS_IN_PARALLEL)

    # ---- reporting -----------------------------------------------------------------------------
    def _failed(self, diags: Diagnostics, start: float, parsed: int = 0) -> BuildResult:
        return self._result(finish(diags, self.options.strict), False, None, start, parsed)

    def _result(
        self,
        diagnostics: list[Diagnostic],
        ok: bool,
        report: WriteReport | None,
        start: float,
        parsed: int = 0,
        rendered: int = 0,
    ) -> BuildResult:
        notes, self.notes = self.notes, []
        return BuildResult(
            diagnostics,
            ok,
            report,
            pages=len(self.state.pages),
            rendered=rendered,
            parsed=parsed,
            seconds=time.perf_counter() - start,
            notes=notes,
            stages=list(self.stages),
            cached=len(self.state.sources) - parsed,
        )


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build a site once (using and updating the persistent cache unless told not to)."""
    return Builder(options, progress).build()


def static_files(root: Path, diags: Diagnostics) -> list[tuple[str, Path]]:
    """The theme's static files overridden by the site's own, as (output path, source)."""
    files: dict[str, Path] = {}
    theme_static = theme_dir() / "static"
    for base, folder in ((theme_static.parent, "static"), (root, "static")):
        for path in find_files(base, folder, ("",), diags):
            files[path.relative_to(base / folder).as_posix()] = path
    return sorted(files.items())


def theme_static_names() -> set[str]:
    """The output paths of the theme's own static files (overridable, fingerprinted)."""
    folder = theme_dir() / "static"
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def page_sources(
    specs: list[PageSpec], static: list[tuple[str, Path]], assets: dict[str, str], site: Path
) -> dict[str, str]:
    """Output path -> the source it was made from (a brief, an actor file, a template...)."""
    sources = {spec.path: spec.source for spec in specs}
    for rel, path in static:
        inside = path.is_relative_to(site)
        shown = path.relative_to(site).as_posix() if inside else f"(theme) static/{rel}"
        sources[assets.get(rel, rel)] = shown
    return sources


def _check_paths_unique(specs: list[PageSpec]) -> None:
    """Raise `OutputError` if two pages would be written to one file (one would be lost)."""
    seen: dict[str, PageSpec] = {}
    for spec in specs:
        other = seen.setdefault(spec.path, spec)
        if other is not spec:
            raise OutputError(
                f"two pages would be written to {spec.path} (from {other.source} and "
                f"{spec.source}): a slug that names a section's own page?"
            )


def _folder_clash(sources: dict[str, str]) -> tuple[str, int, str] | None:
    """Why writing failed, if one output was to be a file where others need a folder (a
    static file `actors` and the pages in `actors/`): a diagnostic at the file's source.

    Worked out only after a failure: it costs a pass over every path."""
    folders: dict[str, str] = {}
    for path in sources:
        parts = path.split("/")
        for end in range(1, len(parts)):
            folders.setdefault("/".join(parts[:end]), path)
    for path, source in sorted(sources.items()):
        if path in folders:
            other = folders[path]
            message = f"its output {path} is a file, but {other} (from {sources[other]}) needs it"
            return source, 1, f"{message} to be a folder"
    return None


def _pages_kept(
    specs: list[PageSpec],
    known: dict[str, tuple[str, str]],
    live: dict[str, str],
    state: BuildState,
    aspects: dict[str, str],
    bodies: dict[str, str],
) -> set[str]:
    """Pages known to be unchanged without computing their fingerprints.

    A page whose aspects of briefs (`PageSpec.shows`) have the keys they had last time
    (the same briefs in the same order, showing the same, and the same names) can only
    have changed if it shows the body of a brief whose content changed (`PageSpec.bodies`).
    """
    if not known:
        return set()
    stale = {aspect for aspect, key in aspects.items() if state.aspect_keys.get(aspect) != key}
    changed = {path for path, digest in bodies.items() if state.bodies.get(path) != digest}
    kept = set()
    for spec in specs:
        previous = known.get(spec.path)
        if previous is None or live.get(spec.path) != previous[1]:
            continue
        if stale.intersection(spec.shows) or not changed.isdisjoint(spec.bodies):
            continue
        kept.add(spec.path)
    return kept


def _quick_keys(specs: list[PageSpec], kept: set[str], old: dict[str, str]) -> dict[str, str]:
    """The quick keys of the pages that have one and are not kept yet (or have none yet):
    a kept page's is as it was."""
    return {
        spec.path: spec.quick()
        for spec in specs
        if spec.quick is not None and (spec.path not in kept or spec.path not in old)
    }


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


def _dir_id(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _stat_key(
    options: BuildOptions,
    briefs: list[SiteFile],
    static: list[tuple[str, Path]],
    render_key: str,
    racy_after: int,
) -> str:
    """A digest of every input's path, size and mtime, and of the options.

    Empty (matching no build) if an input was modified after `racy_after`: its stat
    cannot prove it unchanged next time (see `RACY_NS`).
    """
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{render_key}\0{options!r}".encode())
    root = options.site
    extra = [
        root / "content/site.yml",
        *sorted((root / "content/actors").glob("*")),
        *sorted((root / "content/sources").glob("*")),
    ]
    stats = [(brief.rel, brief.stat) for brief in briefs]
    for path in (*(source for _, source in static), *extra):
        with contextlib.suppress(OSError):
            stats.append((str(path), path.stat()))
    for name, stat in stats:
        if stat.st_mtime_ns >= racy_after:
            return ""
        hasher.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return hasher.hexdigest()
