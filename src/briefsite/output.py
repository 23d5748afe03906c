"""Write a built site without ever exposing a half-written one.

The output directory is never modified in place. Each build brings a *spare* tree beside it
(`.<name>.briefsite-spare`, the output of the build before) up to date, then exchanges the two
in one atomic rename. Files that did not change are hard links to the live ones, so they keep
their bytes and mtimes; a build that fails, or is killed, leaves the live output as it was.
Directories are reused, not deleted and recreated, which keeps rebuilds proportional to what
changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefsite.sitefiles import SOURCE_FOLDERS

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
    """The content digest used in manifests: SHA-256 cut to 128 bits (current x86 and ARM
    processors compute SHA-256 in hardware, twice as fast as BLAKE2b in software, and a
    build hashes every page it writes)."""
    return hashlib.sha256(data).hexdigest()[:32]


def check_output_dir(output: Path, site_root: Path) -> str | None:
    """A reason why `output` must not be written, or None if it is safe."""
    out, root = output.resolve(), site_root.resolve()
    if out == root or root.is_relative_to(out):
        return f"output directory {output} would contain the site itself"
    for folder in SOURCE_FOLDERS:
        if out.is_relative_to(root / folder):  # static/: the next build would copy it
            return f"output directory {output} is inside the site's {folder}/, which builds read"
    if out.exists() and not out.is_dir():
        return f"output path {output} exists and is not a directory"
    if out.is_dir() and any(out.iterdir()) and not all((out / m).exists() for m in OUTPUT_MARKERS):
        return f"output directory {output} is not empty and was not made by briefsite"
    return None


@contextlib.contextmanager
def output_lock(output: Path) -> Iterator[float]:
    """Hold a lock on the folder holding `output` while a build writes it (the seconds spent
    waiting for another build to let go of it are given). Two builds into one place at once
    would fill the same spare and each record what it left, and the next build would trust
    a record the output no longer matches. No lock where the platform has none (Windows)."""
    try:
        import fcntl  # here: POSIX only
    except ImportError:  # pragma: no cover - not on Linux
        yield 0.0
        return
    try:
        folder = os.open(output.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # no folder yet, so no build in it: the build reports what is wrong
        yield 0.0
        return
    try:
        start = time.perf_counter()
        with contextlib.suppress(OSError):  # a file system without locks: build unlocked
            try:
                fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fcntl.flock(folder, fcntl.LOCK_EX)
        yield time.perf_counter() - start
    finally:
        os.close(folder)  # which lets go of the lock


def spare_dir(output: Path) -> Path:
    return output.parent / f".{output.name}{SPARE_SUFFIX}"


def staging_dir(output: Path, name: str) -> Path:
    """A scratch directory beside `output` for one step of a build (removed by the step;
    `clean_leftovers` removes it if the build was killed)."""
    return output.parent / f".{output.name}{STAGING_SUFFIX}{name}"


def clean_leftovers(output: Path) -> None:
    """Remove staging directories left by a build that was killed, and any symlink where
    the spare or a staging directory goes: removed, never followed (what it leads to is not
    briefsite's to fill or empty)."""
    if not output.parent.is_dir():
        return
    spare = spare_dir(output)
    if spare.is_symlink():
        spare.unlink()
    for leftover in output.parent.glob(f".{output.name}{STAGING_SUFFIX}*"):
        if leftover.is_symlink():
            leftover.unlink()
        else:
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
    """The live output directory and its spare, with what each holds.

    A build first `open`s the tree, then `place`s files in the spare (render workers place
    the pages they render themselves), then `commit`s: the rest is placed, what the new
    site lacks is removed, and the spare becomes the live output in one rename.
    """

    def __init__(
        self,
        output: Path,
        live: dict[str, str] | None,
        spare: dict[str, str] | None,
        mirror: bool = False,
    ) -> None:
        self.output = output
        self.spare_path = spare_dir(output)
        self.live = live if live is not None and output.is_dir() else None
        real_spare = self.spare_path.is_dir() and not self.spare_path.is_symlink()
        self.spare = spare if spare is not None and real_spare else None
        self.held: dict[str, str] | None = None
        """What the spare holds while a build writes into it (once opened)."""
        self.wants_mirror = mirror
        self.mirror: Path | None = None
        """Where a build that makes the output anew links each file it places (see `open`)."""

    def open(self) -> None:
        """Get the spare ready to receive files (raises `OutputError`).

        A build that makes the output anew (it did not exist) becomes the live output in a
        rename that leaves no spare, and the next build first links every file into a new
        one (half a second at 10,000 briefs on a disk). With `mirror`, it links each file it
        places into a mirror as it goes, which becomes that next build's spare: that costs
        the build nearly as much, so only a preview, where a rebuild soon follows, asks.
        """
        try:
            clean_leftovers(self.output)
            if self.live is None and self.output.is_dir():
                self.live = scan_manifest(self.output)
            if self.spare is None:
                self.spare = scan_manifest(self.spare_path) if self.spare_path.is_dir() else {}
            if self.wants_mirror and not self.output.exists():
                self.mirror = staging_dir(self.output, "mirror")
                self.mirror.mkdir()
        except OSError as exc:
            raise self._error(exc) from exc
        self.held, self.spare = self.spare, None  # unknown until the build completes

    def place(self, rel: str, file: OutputFile, link_now: bool = False) -> bool:
        """Give the spare `file` at `rel` unless it holds it already (safe in workers).

        A file the live output holds already is linked only with `link_now` (`commit` links
        it if anything changed at all); returns whether the spare now holds `file`.
        """
        assert self.held is not None
        if self.held.get(rel) == file.digest:
            return True
        in_live = (self.live or {}).get(rel) == file.digest
        if in_live and not link_now:
            return False
        try:
            _put(self.spare_path / rel, file, self.output / rel if in_live else None)
        except OSError as exc:
            raise self._error(exc) from exc
        self.held[rel] = file.digest
        self._mirror(rel)
        return True

    def placed(self, rel: str, digest: str) -> None:
        """Record that a worker placed `digest` at `rel`."""
        assert self.held is not None
        self.held[rel] = digest

    def adopt(self, rel: str, digest: str) -> None:
        """Take a file another program wrote into the spare; if the live output has the same
        bytes, link that instead, so the file keeps its mtime."""
        self.placed(rel, digest)
        if (self.live or {}).get(rel) == digest:
            spare, live = self.spare_path / rel, self.output / rel
            with contextlib.suppress(OSError):  # if so, the spare's own copy has the same bytes
                if not os.path.samefile(spare, live):  # (a link to it already: nothing to do)
                    _put(spare, OutputFile(digest), live)
        self._mirror(rel)

    def _mirror(self, rel: str) -> None:
        """Link the spare's file at `rel` into the mirror, if there is one (best effort: the
        mirror is checked against the output when it becomes the spare)."""
        if self.mirror is not None:
            with contextlib.suppress(OSError):
                link_file(self.spare_path / rel, self.mirror / rel)

    def abandon(self, paths: Iterable[str]) -> None:
        """After a failed build, whose workers may have written any of `paths` to the spare.

        They stay in the manifest with a digest that matches nothing: the next build
        rewrites or removes them. The live output was not touched.
        """
        if self.mirror is not None:
            shutil.rmtree(self.mirror, ignore_errors=True)
            self.mirror = None
        if self.held is None:
            self.spare = None  # the spare was never opened: nothing is known of it
            return
        for rel in paths:
            self.held[rel] = ""
        self.spare, self.held = self.held, None

    def sync(self, files: dict[str, OutputFile]) -> None:
        """Make the spare hold exactly `files` (raises `OutputError`)."""
        assert self.held is not None
        for rel, file in files.items():
            self.place(rel, file, link_now=True)
        try:
            for rel in set(self.held) - set(files):
                _remove(self.spare_path, rel)
                del self.held[rel]
        except OSError as exc:
            raise self._error(exc) from exc

    def commit(self, files: dict[str, OutputFile]) -> WriteReport:
        """Make `files` the live output; raise `OutputError` (live output untouched) on failure."""
        live = self.live or {}
        report = WriteReport(
            changed=sorted(p for p, f in files.items() if live.get(p) != f.digest),
            removed=sorted(set(live) - set(files)),
        )
        if self.live is None or report.changed or report.removed:
            self.sync(files)
            try:
                self.spare_path.mkdir(exist_ok=True)
                if self.output.is_dir():
                    _exchange(self.spare_path, self.output)
                    self.live, self.held = self.held, self.live
                else:
                    os.rename(self.spare_path, self.output)
                    self.live, self.held = self.held, self._mirror_as_spare(self.held)
            except OSError as exc:
                raise self._error(exc) from exc
        self.spare, self.held = self.held, None
        return report

    def _mirror_as_spare(self, live: dict[str, str]) -> dict[str, str] | None:
        """Make the mirror the spare, holding those of its files that are the live output's
        (links to them); what it holds, or None if there is no mirror."""
        mirror, self.mirror = self.mirror, None
        if mirror is None:
            return None
        held: dict[str, str] = {}
        try:
            output = _inodes(self.output)
            for rel, inode in _inodes(mirror).items():
                if rel in live and output.get(rel) == inode:
                    held[rel] = live[rel]
                else:  # placed again since, or removed: not the live file
                    _remove(mirror, rel)
            os.rename(mirror, self.spare_path)
        except OSError:
            shutil.rmtree(mirror, ignore_errors=True)
            return None
        return held

    def _error(self, exc: OSError) -> OutputError:
        return OutputError(f"cannot write {self.output}: {exc.strerror or exc}")


def _put(target: Path, spec: OutputFile, live_copy: Path | None) -> None:
    """Place one file: a hard link to the live copy if it has these bytes, else write it."""
    if live_copy is None and spec.data is not None and _create(target, spec.data):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.unlink(missing_ok=True)  # a symlink found there is never written through
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


_made_dirs: set[Path] = set()
"""Folders this process has made or found (a hint: one removed since is made again)."""


def _create(target: Path, data: bytes) -> bool:
    """Write a file that does not exist yet, in place (the spare is never served); False if
    it exists, so that it is replaced through a temporary file instead."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    folder = target.parent
    if folder not in _made_dirs:  # most pages are alone in their folder: make it first
        folder.mkdir(parents=True, exist_ok=True)
        _made_dirs.add(folder)
    try:
        fd = os.open(target, flags, 0o666)
    except FileExistsError:
        return False
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, flags, 0o666)
    try:
        with open(fd, "wb", closefd=True) as handle:
            handle.write(data)
    except OSError:
        target.unlink(missing_ok=True)
        raise
    return True


def link_file(source: Path, target: Path) -> None:
    """Hard-link `source` as `target` (replacing a file there), making its folder if need be."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)
    except FileExistsError:
        target.unlink()
        os.link(source, target)


def _inodes(tree: Path) -> dict[str, int]:
    """The inode of every file under `tree`, by relative path (from the folders' listings:
    no file is opened or stat'ed)."""
    found: dict[str, int] = {}
    folders = [("", os.fspath(tree))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    found[prefix + entry.name] = entry.inode()
    return found


def _remove(tree: Path, rel: str) -> None:
    """Remove one file and the directories it leaves empty."""
    path = tree / rel
    path.unlink(missing_ok=True)
    for parent in path.parents:
        if parent == tree or not parent.is_dir() or any(parent.iterdir()):
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
    import uuid  # here: renameat2 does the job on Linux

    middle = staging_dir(b, uuid.uuid4().hex[:8])
    os.rename(b, middle)
    os.rename(a, b)
    os.rename(middle, a)
