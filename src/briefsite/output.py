"""Write a built site: stage it beside the output, then swap it in atomically.

Files whose bytes did not change are hard-linked from the previous output, so they keep
their mtimes and the previous output is never modified; a failure before the swap leaves
it exactly as it was.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from briefsite.render import Page

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
OUTPUT_MARKERS = ("404.html", "sitemap.xml")


class OutputError(Exception):
    """The output directory cannot be written (unsafe place, disk full, permissions)."""


@dataclass
class WriteReport:
    """What changed in the output, as output-relative paths."""

    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: int = 0


def check_output_dir(output: Path, site_root: Path) -> str | None:
    """A reason why `output` must not be written, or None if it is safe."""
    out, root = output.resolve(), site_root.resolve()
    if out == root or root.is_relative_to(out):
        return f"output directory {output} would contain the site itself"
    if out.exists() and not out.is_dir():
        return f"output path {output} exists and is not a directory"
    if out.is_dir() and any(out.iterdir()) and not all((out / m).exists() for m in OUTPUT_MARKERS):
        return f"output directory {output} is not empty and was not made by briefsite"
    return None


def write_site(
    output: Path, pages: Iterable[Page], static: Iterable[tuple[str, Path]]
) -> WriteReport:
    """Write pages and static files as the new output; raise `OutputError` on I/O failure."""
    clean_leftovers(output)
    staging = output.parent / f".{output.name}.staging-{uuid.uuid4().hex[:12]}"
    report = WriteReport()
    try:
        staging.mkdir(parents=True)
        written: set[str] = set()
        for page in pages:
            _place(output, staging, page.path, page.data, None, report)
            written.add(page.path)
        for rel, source in static:
            if rel not in written:
                _place(output, staging, rel, None, source, report)
                written.add(rel)
        report.removed = sorted(_old_files(output) - written)
        _swap(staging, output)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from exc
    return report


def clean_leftovers(output: Path) -> None:
    """Remove staging directories left by a build that was killed."""
    if output.parent.is_dir():
        for leftover in output.parent.glob(f".{output.name}.staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _place(
    output: Path,
    staging: Path,
    rel: str,
    data: bytes | None,
    source: Path | None,
    report: WriteReport,
) -> None:
    target = staging / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    previous = output / rel
    if _same(previous, data, source):
        try:
            os.link(previous, target)
            report.kept += 1
            return
        except OSError:
            pass
    if data is not None:
        target.write_bytes(data)
    else:
        shutil.copy2(source, target)
    report.changed.append(rel)


def _same(previous: Path, data: bytes | None, source: Path | None) -> bool:
    try:
        stat = previous.stat()
        if data is not None:
            return stat.st_size == len(data) and previous.read_bytes() == data
        source_stat = source.stat()
        return stat.st_size == source_stat.st_size and previous.read_bytes() == source.read_bytes()
    except OSError:
        return False


def _old_files(output: Path) -> set[str]:
    if not output.is_dir():
        return set()
    return {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}


def _swap(staging: Path, output: Path) -> None:
    """Put `staging` at `output` in one step where the OS allows it."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)
        return
    retired = output.parent / f".{output.name}.staging-{uuid.uuid4().hex[:12]}"
    os.rename(output, retired)
    os.rename(staging, output)
    shutil.rmtree(retired, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with Linux's renameat2(RENAME_EXCHANGE)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
