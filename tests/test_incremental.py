"""Incremental builds are byte-identical to cold builds, and do only the work they must.

A seeded sequence of author edits (brief bodies, titles and dates, new, deleted and
renamed briefs, actor files, a template override, static files, a broken and then fixed
front matter) is applied to a copy of a site. After each edit the site is built by one
long-lived `Builder` (in-memory state, as in the preview server) and by a fresh `Builder`
that reads the persistent cache, and both outputs are compared file by file with a cold
build (`use_cache=False`, fresh output directory).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FULL_SITE, REPO_ROOT, copy_site

from briefsite.cache import BodyStore, source_shard
from briefsite.graph import ActorNode
from briefsite.model import Brief
from briefsite.pipeline import Builder, BuildOptions, BuildResult
from briefsite.slugs import slugify
from briefsite.views import Views

BRIEFS = "content/briefs"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by posix path relative to it."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def mtimes(root: Path) -> dict[str, int]:
    return {
        path.relative_to(root).as_posix(): path.stat().st_mtime_ns
        for path in root.rglob("*")
        if path.is_file()
    }


def messages(result: BuildResult) -> list[str]:
    return [d.format() for d in result.diagnostics]


def assert_same_tree(actual: Path, expected: Path, label: str) -> None:
    got, want = tree(actual), tree(expected)
    assert sorted(got) == sorted(want), f"{label}: different file sets"
    differing = [path for path in want if got[path] != want[path]]
    assert not differing, f"{label}: {len(differing)} files differ, e.g. {differing[:5]}"


# ---- edits, as an author makes them -------------------------------------------------------


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # keeps CRLF and a BOM as they are


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


@dataclass
class Editor:
    """Makes one random, valid edit at a time to the site at `root`."""

    root: Path
    rng: random.Random
    count: int = 0

    def briefs(self) -> list[Path]:
        return sorted((self.root / BRIEFS).rglob("*.md"))

    def pick_brief(self) -> Path:
        return self.rng.choice(self.briefs())

    def token(self) -> str:
        self.count += 1
        return f"{self.rng.choice(['amber', 'cobalt', 'dune', 'ember', 'fjord'])}{self.count}"

    # Each edit returns the brief files it changed (for the `parsed` check), or None
    # when it changed something that makes every brief be read again.
    def edit_body(self) -> list[Path] | None:
        path = self.pick_brief()
        newline = "\r\n" if "\r\n" in read(path) else "\n"
        write(path, read(path).rstrip() + f"{newline}{newline}Added line {self.token()}.{newline}")
        return [path]

    def edit_title_or_date(self) -> list[Path] | None:
        path = self.pick_brief()
        text = read(path)
        roll = self.rng.random()
        day = f"20{self.rng.randint(19, 25)}-{self.rng.randint(1, 12):02}-"
        day += f"{self.rng.randint(1, 28):02}"
        if roll < 0.4:
            title = r'(?m)^title: ("?)(.*?)("?)(\r?)$'  # a quoted title stays quoted
            text = re.sub(title, rf"title: \1\2 {self.token()}\3\4", text, count=1)
        elif roll < 0.8:
            text = re.sub(r"(?m)^date: \S+", f"date: {day}", text, count=1)
        else:  # when it was updated (feeds, the sitemap's lastmod): set or changed
            text = re.sub(r"(?m)^updated: \S+\r?\n", "", text)
            text = re.sub(r"(?m)^(date: \S+)(\r?\n)", rf"\1\2updated: {day}\2", text, count=1)
        write(path, text)
        return [path]

    LISTED_FIELDS = (  # (where, what to insert there): {} is a new token
        (r'(?m)^(summary: "?)', r"\g<1>{} "),  # what cards show
        (r'(\{text: "?)', r"\g<1>{} "),  # a quote
        (r"(?m)^(takeaways:\r?\n\s+- \"?)", r"\g<1>{} "),  # a takeaway
        (r"(\{date: [^,]+, title: )", r"\g<1>{} "),  # an event
        (r'(?m)^(\s+- \{title: "?)', r"\g<1>{} "),  # a source
        # drop one of several actors or places (names stay in use elsewhere): they are also
        # the default event's, on the timeline
        (r"(?m)^(actors:\r?\n)[ \t]+- [^\r\n]*\r?\n(?=[ \t]+- )", r"\g<1>"),
        (r"(?m)^(places: \[)[^,\]\r\n]+, ", r"\g<1>"),
    )

    def edit_listed_field(self) -> list[Path] | None:
        """Change a front-matter value that listings show, not the body."""
        path = self.pick_brief()
        text = read(path)
        for pattern, insert in self.rng.sample(self.LISTED_FIELDS, len(self.LISTED_FIELDS)):
            edited = re.sub(pattern, insert.replace("{}", self.token()), text, count=1)
            if edited != text:
                write(path, edited)
                return [path]
        return self.edit_body()

    def add_brief(self) -> list[Path] | None:
        token = self.token()
        path = self.root / BRIEFS / f"2025-04-{self.rng.randint(1, 28):02}-added-{token}.md"
        write(
            path,
            f"---\ntitle: Added brief {token}\ndate: 2025-04-02\ntopics: [Added topic]\n"
            f"sources:\n  - {{title: Added source {token}}}\n---\n"
            f"A brief added by the incremental test [1].\n\n## Takeaway\n\nIt was added [1].\n",
        )
        return [path]

    def delete_brief(self) -> list[Path] | None:
        briefs = self.briefs()
        if len(briefs) > 3:
            self.rng.choice(briefs).unlink()
        return []

    def rename_brief(self) -> list[Path] | None:
        path = self.pick_brief()
        stem = re.sub(r"^(\d{4}-\d\d-\d\d-)?", "", path.stem)
        target = path.with_name(f"{path.stem[:11]}{stem}-{self.token()}{path.suffix}")
        if not re.match(r"\d{4}-\d\d-\d\d-", target.name):
            target = path.with_name(f"{stem}-{self.token()}{path.suffix}")
        path.rename(target)
        return [target]

    def edit_actor(self) -> list[Path] | None:
        path = self.rng.choice(sorted((self.root / "content/actors").glob("*.md")))
        text = read(path)
        if re.search(r"(?m)^role: ", text) and self.rng.random() < 0.5:
            text = re.sub(r"(?m)^role: .*$", f"role: Role {self.token()}", text, count=1)
        else:
            text = text.rstrip() + f"\n\nBiography updated ({self.token()}).\n"
        write(path, text)
        return None

    def edit_template(self) -> list[Path] | None:
        path = self.root / "templates/brief.html"
        if not path.exists():
            write(path, read(REPO_ROOT / "templates/brief.html"))
        text = re.sub(r'<p class="edited">[^<]*</p>\n', "", read(path))
        marker = f'<p class="edited">Template edit {self.token()}</p>\n'
        write(path, text.replace("{% block main %}\n", "{% block main %}\n" + marker, 1))
        return []

    def edit_static(self) -> list[Path] | None:
        if self.rng.random() < 0.5:
            write(self.root / "static/notes.txt", f"static note {self.token()}\n")
        else:
            css = read(REPO_ROOT / "static/css/briefsite.css")
            write(self.root / "static/css/briefsite.css", css + f"/* {self.token()} */\n")
        return []

    def all(self) -> list[Callable[[], list[Path] | None]]:
        return [
            self.edit_body,
            self.edit_listed_field,
            self.edit_title_or_date,
            self.add_brief,
            self.delete_brief,
            self.rename_brief,
            self.edit_actor,
            self.edit_template,
            self.edit_static,
        ]


# ---- the check -----------------------------------------------------------------------------


def cold_build(site: Path, output: Path, jobs: int = 1) -> BuildResult:
    shutil.rmtree(output, ignore_errors=True)
    return Builder(BuildOptions(site=site, output=output, jobs=jobs, use_cache=False)).build()


def check_sequence(site: Path, work: Path, seed: int, rounds: int, jobs: int) -> None:
    """Random edits; after each, warm, fresh-from-cache and cold builds agree byte for byte."""
    warm = Builder(BuildOptions(site=site, output=work / "warm", jobs=jobs))
    fresh_options = BuildOptions(site=site, output=work / "fresh", jobs=1)  # warm: `jobs`
    assert warm.build().ok
    assert Builder(fresh_options).build().ok
    editor = Editor(site, random.Random(seed))
    kinds = editor.all()
    steps = [step for _ in range(rounds) for step in editor.rng.sample(kinds, len(kinds))]
    steps.insert(len(steps) // 2, "break")  # type: ignore[arg-type]
    for number, step in enumerate(steps):
        if step == "break":
            check_broken_then_fixed(site, warm, work)
            continue
        changed = step()
        label = f"step {number} ({step.__name__})"
        result = warm.build()
        fresh = Builder(fresh_options).build()
        cold = cold_build(site, work / "cold", jobs)
        assert cold.ok, messages(cold)
        assert result.ok and fresh.ok, (label, messages(result), messages(fresh))
        assert messages(result) == messages(cold) == messages(fresh), label
        assert_same_tree(work / "warm", work / "cold", f"{label}, long-lived builder")
        assert_same_tree(work / "fresh", work / "cold", f"{label}, fresh builder from cache")
        if changed is not None:
            assert result.parsed == len(changed), (label, result.parsed)
            assert fresh.parsed == len(changed), (label, fresh.parsed)


def check_broken_then_fixed(site: Path, warm: Builder, work: Path) -> None:
    """A failed build leaves the output as it was; the next good one matches a cold build."""
    path = sorted((site / BRIEFS).rglob("*.md"))[0]
    good = read(path)
    before = tree(work / "warm")
    write(path, re.sub(r"(?m)^date: \S+", "date: someday", good, count=1))
    failed = warm.build()
    assert not failed.ok
    assert tree(work / "warm") == before
    write(path, good)
    assert warm.build().ok
    assert cold_build(site, work / "cold").ok
    assert_same_tree(work / "warm", work / "cold", "after a failed build")


def test_random_edits_on_the_full_fixture_match_a_cold_build(tmp_path: Path) -> None:
    site = copy_site(FULL_SITE, tmp_path / "site")
    check_sequence(site, tmp_path, seed=3, rounds=2, jobs=1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 300-brief site (benchmarks/generate_corpus.py), built from scratch."""
    out = tmp_path_factory.mktemp("corpus") / "site"
    script = REPO_ROOT / "benchmarks/generate_corpus.py"
    command = [sys.executable, str(script), "--briefs", "300", "--out", str(out), "--seed", "7"]
    subprocess.run(command, check=True, capture_output=True)
    return out


def test_random_edits_on_a_generated_corpus_match_a_cold_build(
    corpus: Path, tmp_path: Path
) -> None:
    site = copy_site(corpus, tmp_path / "site")
    check_sequence(site, tmp_path, seed=11, rounds=1, jobs=2)


def test_one_and_two_jobs_give_identical_output(corpus: Path, tmp_path: Path) -> None:
    one = cold_build(corpus, tmp_path / "one", jobs=1)
    two = cold_build(corpus, tmp_path / "two", jobs=2)
    assert one.ok and two.ok
    assert messages(one) == messages(two)
    assert_same_tree(tmp_path / "two", tmp_path / "one", "--jobs 2 against --jobs 1")


def test_an_update_date_reaches_the_sitemap_of_a_rebuild(tmp_path: Path) -> None:
    """The sitemap's fingerprint key covers each brief's `updated` (its lastmod)."""
    site = copy_site(FULL_SITE, tmp_path / "site")
    options = BuildOptions(site=site, output=tmp_path / "out")
    assert Builder(options).build().ok
    path = sorted((site / BRIEFS).rglob("*.md"))[0]
    text = re.sub(r"(?m)^(date: \S+)(\r?\n)", r"\1\2updated: 2026-01-15\2", read(path), count=1)
    write(path, text)
    assert Builder(options).build().ok
    assert "2026-01-15" in (tmp_path / "out/sitemap.xml").read_text()
    assert cold_build(site, tmp_path / "cold").ok
    assert_same_tree(tmp_path / "out", tmp_path / "cold", "after an update date was set")


INDEX_PAGES = ("index.html", "feed.xml", "feed.json", "sitemap.xml")


def dependent_pages(builder: Builder, brief) -> set[str]:
    """The pages that show something of `brief`, as the issue lists them."""
    site, _ = builder.load()
    graph, urls = site.graph, site.urls
    older, newer = graph.neighbours[brief.slug]
    pages = {urls.brief(b.slug) for b in (brief, older, newer) if b}
    pages |= {urls.brief(b.slug) for b in graph.briefs if brief in graph.related[b.slug]}
    pages |= {urls.actor(i) for i in graph.brief_actor_ids(brief)}
    pages |= {urls.topic(slugify(t)) for t in brief.topics}
    pages |= {urls.place(slugify(p)) for p in brief.places}
    pages |= {urls.publisher(graph.publisher_id(s)) for s in brief.sources if s.publisher}
    paths = {urls.output_path(url) for url in pages}
    indexes = {p for p in builder.state.pages if p.count("/") <= 1 or p.startswith("timeline/")}
    return paths | indexes | set(INDEX_PAGES)


def test_work_done_is_proportional_to_the_change(corpus: Path, tmp_path: Path) -> None:
    site = copy_site(corpus, tmp_path / "site")
    options = BuildOptions(site=site, output=tmp_path / "out", jobs=2)
    builder = Builder(options)
    first = builder.build()
    assert first.ok and first.parsed == 300
    assert first.rendered == len(builder.state.pages)  # every page; static and search files aside

    # No change: nothing read, rendered or rewritten; every file keeps its mtime.
    before = mtimes(tmp_path / "out")
    for again in (builder.build(), Builder(options).build()):
        assert again.ok and again.parsed == 0 and again.rendered == 0
        assert again.report is not None and not again.report.changed + again.report.removed
    assert mtimes(tmp_path / "out") == before

    # A brief's body: that file alone is read; only pages that show the brief are rendered:
    # its own, its neighbours', its actors', topics', places', publishers', and the indexes.
    brief = sorted((site / BRIEFS).rglob("*.md"))[100]
    write(brief, read(brief).rstrip() + "\n\nOne more sentence for the test.\n")
    result = builder.build()
    assert result.ok and result.parsed == 1
    assert 1 <= result.rendered <= len(builder.state.pages) // 10, result.rendered
    edited = next(b for b in builder.load()[0].graph.briefs if b.path.endswith(brief.name))
    dependent = dependent_pages(builder, edited)
    assert set(result.rendered_paths) <= dependent, set(result.rendered_paths) - dependent
    assert result.report is not None
    pages_changed = [p for p in result.report.changed if not p.startswith("pagefind/")]
    assert len(pages_changed) <= result.rendered  # the search index is rebuilt beside them
    unchanged = set(before) - set(result.report.changed) - set(result.report.removed)
    after = mtimes(tmp_path / "out")
    assert all(after[path] == before[path] for path in unchanged)
    # Listings show what the brief's body does not decide: they are not rendered again.
    listings = {"briefs/index.html", "quotes/index.html", "timeline/index.html"}
    assert f"briefs/{edited.slug}/index.html" in result.rendered_paths
    assert not listings & set(result.rendered_paths), listings & set(result.rendered_paths)

    # A static file only: no page is rendered; that file alone is copied.
    write(site / "static/robots.txt", "User-agent: *\n")
    result = builder.build()
    assert result.ok and result.parsed == 0 and result.rendered == 0
    assert result.report is not None and result.report.changed == ["robots.txt"]

    # A template: the pages drawn through it are rendered again, no other, no brief read.
    write(site / "templates/brief.html", read(REPO_ROOT / "templates/brief.html") + "\n")
    result = builder.build()
    brief_pages = {p for p in builder.state.pages if re.fullmatch(r"briefs/[^/]+/index\.html", p)}
    assert len(brief_pages) == 300
    assert result.ok and result.parsed == 0
    assert set(result.rendered_paths) == brief_pages, set(result.rendered_paths) ^ brief_pages
    assert cold_build(site, tmp_path / "cold").ok
    assert_same_tree(tmp_path / "out", tmp_path / "cold", "after the template edit")

    # A partial: the pages of every template that includes it, and no other.
    partial = "templates/partials/brief_list.html"
    write(site / partial, read(REPO_ROOT / partial).replace('"brief-list"', '"brief-list t"'))
    result = builder.build()
    rendered = set(result.rendered_paths)
    assert result.ok and brief_pages <= rendered and "briefs/index.html" in rendered
    assert any(p.startswith("actors/") for p in rendered)
    assert not {"quotes/index.html", "timeline/index.html", "404.html", "feed.xml"} & rendered
    assert not any(p.startswith("sources/") for p in rendered)
    assert cold_build(site, tmp_path / "cold2").ok
    assert_same_tree(tmp_path / "out", tmp_path / "cold2", "after the partial edit")


def test_a_new_takeaway_fingerprints_only_the_pages_that_show_takeaways(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages declare what they show of briefs: a takeaway is not looked for on actor pages."""
    site = copy_site(corpus, tmp_path / "site")
    options = BuildOptions(site=site, output=tmp_path / "out", jobs=1)
    assert Builder(options).build().ok
    brief = next(p for p in sorted((site / BRIEFS).rglob("*.md")) if "\ntakeaways:\n" in read(p))
    write(brief, read(brief).replace("\ntakeaways:\n", "\ntakeaways:\n  - A new takeaway.\n", 1))
    fingerprinted: list[str] = []
    actor_page_key = Views.actor_page_key

    def spy(views: Views, node: ActorNode) -> tuple:
        fingerprinted.append(node.actor.id)
        return actor_page_key(views, node)

    monkeypatch.setattr(Views, "actor_page_key", spy)
    result = Builder(options).build()
    assert result.ok and result.parsed == 1
    assert "takeaways/index.html" in result.rendered_paths
    assert not fingerprinted
    assert cold_build(site, tmp_path / "cold").ok
    assert_same_tree(tmp_path / "out", tmp_path / "cold", "after a new takeaway")


def test_a_prose_edit_reads_no_other_brief_body_from_the_cache(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bodies stay in the cache until a page shows one: editing an old brief's prose renders
    its page (with the body just read) and pages that show no body. The only bodies read
    are those saved again, in the edited brief's shard of the cache."""
    site = copy_site(corpus, tmp_path / "site")
    hour_ago = time.time() - 3600  # files this old are trusted by their stat, not read again
    for path in (site / BRIEFS).rglob("*.md"):
        os.utime(path, (hour_ago, hour_ago))
    options = BuildOptions(site=site, output=tmp_path / "out", jobs=1)
    assert Builder(options).build().ok
    brief = sorted((site / BRIEFS).rglob("*.md"))[0]  # the oldest: on no feed
    write(brief, read(brief).rstrip() + "\n\nOne more sentence for the test.\n")
    fetched: list[str] = []
    body = BodyStore.body

    def spy(store: BodyStore, cached: Brief) -> str:
        fetched.append(cached.path)
        return body(store, cached)

    monkeypatch.setattr(BodyStore, "body", spy)
    result = Builder(options).build()
    assert result.ok and result.parsed == 1
    assert len([p for p in result.rendered_paths if p.startswith("briefs/")]) == 1
    # only to save the cache's shard of the edited brief again, beside it
    edited = brief.relative_to(site).as_posix()
    assert fetched and {source_shard(path) for path in fetched} == {source_shard(edited)}
    assert cold_build(site, tmp_path / "cold").ok
    assert_same_tree(tmp_path / "out", tmp_path / "cold", "after a prose edit")


def test_a_same_size_rewrite_within_one_timestamp_tick_is_seen(tmp_path: Path) -> None:
    """A brief saved just before a build, then saved again with as many bytes and the same
    mtime (a coarse filesystem clock), is read again by the next build."""
    site = copy_site(FULL_SITE, tmp_path / "site")
    builder = Builder(BuildOptions(site=site, output=tmp_path / "out", jobs=1))
    path = site / BRIEFS / "2025-03-05-port-inspections.md"
    text = read(path)
    write(path, text.replace("title: ", "title: A", 1))
    stamp = path.stat().st_mtime_ns
    assert builder.build().ok
    write(path, text.replace("title: ", "title: B", 1))
    os.utime(path, ns=(stamp, stamp))
    assert builder.build().ok
    assert cold_build(site, tmp_path / "cold").ok
    assert_same_tree(tmp_path / "out", tmp_path / "cold", "same size, same mtime")
    again = builder.build()  # read again (too recent to trust), but not parsed again
    assert again.ok and again.parsed == 0


def test_a_brief_without_events_moves_its_default_event_when_its_actors_change(
    corpus: Path, tmp_path: Path
) -> None:
    """Without `events`, a brief's one event carries its actors: dropping an actor (one
    other briefs still name, without a filtered timeline of its own) changes the timeline
    and actor pages, not just the brief."""
    site = copy_site(corpus, tmp_path / "site")
    builder = Builder(BuildOptions(site=site, output=tmp_path / "out", jobs=1))
    assert builder.build().ok
    loaded = builder.load()[0]
    graph = loaded.graph
    filtered = set(Views(graph, loaded.urls).timeline_actor_ids())
    first_actor = re.compile(r"(?m)^(actors:\r?\n)[ \t]+- [^\r\n]*\r?\n(?=[ \t]+- )")
    brief = next(
        site / b.path
        for b in graph.briefs
        if not b.events
        and len(b.actors) > 1
        and first_actor.search(read(site / b.path))
        and graph.actor_id(b.actors[0]) not in filtered
        and len(graph.actors[graph.actor_id(b.actors[0])].briefs) > 1
    )
    write(brief, first_actor.sub(r"\g<1>", read(brief), count=1))
    result = builder.build()
    assert result.ok and result.parsed == 1
    assert "timeline/index.html" in result.report.changed
    assert cold_build(site, tmp_path / "cold").ok
    assert_same_tree(tmp_path / "out", tmp_path / "cold", "after dropping an actor")


def test_registry_files_are_parsed_again_only_when_their_bytes_change(tmp_path: Path) -> None:
    """An actor file's problems are reported by every build, its edits seen by the next,
    by a long-lived builder and by one reading the cache alike."""
    site = copy_site(FULL_SITE, tmp_path / "site")
    actor = site / "content/actors/kovalenko.md"
    write(actor, read(actor).replace("kind: person", "kind: pirate"))
    options = BuildOptions(site=site, output=tmp_path / "out", jobs=1)
    builder = Builder(options)
    problem = "content/actors/kovalenko.md:4: error: 'kind' must be one of"
    for result in (builder.build(), builder.build(), Builder(options).build()):
        assert not result.ok
        assert any(m.startswith(problem) for m in messages(result)), messages(result)
    write(actor, read(actor).replace("kind: pirate", "kind: person") + "\nA new sentence.\n")
    assert builder.build().ok
    page = (tmp_path / "out/actors/maria-kovalenko/index.html").read_text(encoding="utf-8")
    assert "A new sentence." in page
    actor.unlink()
    builder.build()
    assert "content/actors/kovalenko.md" not in builder.state.registry_files
