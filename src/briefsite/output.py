"""Write a built site without ever exposing a half-written one.

The output directory is never modified in place. Each build brings a *spare* tree beside it
(`.<name>.briefsite-spare`, the output of the build before) up to date, then exchanges the two
in one atomic rename. Files that did not change are hard links to the live ones, so they keep
their bytes and mtimes; a build that fails, or is killed, leaves the live output as it was.
Directories are reused, not deleted and recreated, which keeps rebuilds proportional to what
changed.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
OUTPUT_MARKERS = ("404.html", "sitemap.xml")
SPARE_SUFFIX = ".briefsite-spare"
STAGING_SUFFIX = ".briefsite-staging-"


class OutputError(Exception):
    """The output directory cannot be written (unsafe place, disk full, permissions)."""


@dataclass(frozen=True)
class OutputFile:
    """One file of the new output: its digest, and its bytes or the file to copy them from.

    Both may be None when the live output already holds a file with this digest.
    """

    digest: str
    data: bytes | None = None
    source: Path | None = None


@dataclass
class WriteReport:
    """What changed in the live output, as output-relative paths."""

    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def digest_bytes(data: bytes) -> str:
    """The content digest used in manifests."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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


def spare_dir(output: Path) -> Path:
    return output.parent / f".{output.name}{SPARE_SUFFIX}"


def clean_leftovers(output: Path) -> None:
    """Remove staging directories left by a build that was killed."""
    if output.parent.is_dir():
        for leftover in output.parent.glob(f".{output.name}{STAGING_SUFFIX}*"):
            shutil.rmtree(leftover, ignore_errors=True)


def scan_manifest(tree: Path) -> dict[str, str]:
    """The digests of every file under `tree` (used when no trusted manifest exists)."""
    manifest = {}
    for dirpath, _, filenames in os.walk(tree):
        for name in filenames:
            path = Path(dirpath, name)
            manifest[path.relative_to(tree).as_posix()] = digest_bytes(path.read_bytes())
    return manifest


class OutputTree:
    """The live output directory and its spare, with what each holds."""

    def __init__(
        self, output: Path, live: dict[str, str] | None, spare: dict[str, str] | None
    ) -> None:
        self.output = output
        self.live = live if live is not None and output.is_dir() else None
        self.spare = spare if spare is not None and spare_dir(output).is_dir() else None

    def write(self, files: dict[str, OutputFile]) -> WriteReport:
        """Make `files` the live output; raise `OutputError` (live output untouched) on failure."""
        clean_leftovers(self.output)
        if self.live is None and self.output.is_dir():
            self.live = scan_manifest(self.output)
        live = self.live or {}
        report = WriteReport(
            changed=sorted(p for p, f in files.items() if live.get(p) != f.digest),
            removed=sorted(set(live) - set(files)),
        )
        if self.live is not None and not report.changed and not report.removed:
            return report
        try:
            if self.live is None:
                self._write_fresh(files)
            else:
                self._sync_spare(files)
        except OSError as exc:
            raise OutputError(f"cannot write {self.output}: {exc.strerror or exc}") from exc
        return report

    def _write_fresh(self, files: dict[str, OutputFile]) -> None:
        staging = self.output.parent / f".{self.output.name}{STAGING_SUFFIX}{uuid.uuid4().hex[:8]}"
        try:
            for rel, spec in files.items():
                _put(staging / rel, spec, None)
            os.rename(staging, self.output)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self.live, self.spare = {rel: f.digest for rel, f in files.items()}, None

    def _sync_spare(self, files: dict[str, OutputFile]) -> None:
        spare = spare_dir(self.output)
        if self.spare is None:
            self.spare = scan_manifest(spare) if spare.is_dir() else {}
        held, self.spare = self.spare, None  # unknown until the sync completes
        for rel, spec in files.items():
            if held.get(rel) != spec.digest:
                live_copy = self.output / rel if self.live.get(rel) == spec.digest else None
                _put(spare / rel, spec, live_copy)
        for rel in set(held) - set(files):
            _remove(spare, rel)
        _exchange(spare, self.output)
        self.live, self.spare = {rel: f.digest for rel, f in files.items()}, self.live


def _put(target: Path, spec: OutputFile, live_copy: Path | None) -> None:
    """Place one file: a hard link to the live copy if it has these bytes, else write it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    if live_copy is not None:
        try:
            os.link(live_copy, temporary)
            os.replace(temporary, target)
            return
        except OSError:
            temporary.unlink(missing_ok=True)
    if spec.data is not None:
        temporary.write_bytes(spec.data)
    elif spec.source is not None:
        shutil.copy2(spec.source, temporary)
    else:
        raise OSError(f"no content for {target}")
    os.replace(temporary, target)


def _remove(tree: Path, rel: str) -> None:
    path = tree / rel
    path.unlink(missing_ok=True)
    for parent in path.parents:
        if parent == tree or any(parent.iterdir()):
            break
        parent.rmdir()


def _exchange(a: Path, b: Path) -> None:
    """Swap two directories in one step (Linux renameat2); elsewhere, two quick renames."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
    except (OSError, AttributeError):
        pass
    middle = b.parent / f".{b.name}{STAGING_SUFFIX}{uuid.uuid4().hex[:8]}"
    os.rename(b, middle)
    os.rename(a, b)
    os.rename(middle, a)


def files_from(pages: Iterable[tuple[str, bytes]]) -> dict[str, OutputFile]:
    """Output files for freshly rendered pages."""
    return {path: OutputFile(digest_bytes(data), data) for path, data in pages}
