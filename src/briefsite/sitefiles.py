"""Find a site's source files without ever leaving the site root."""

from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple

from briefsite.diagnostics import Diagnostics

SOURCE_FOLDERS = ("content", "templates", "static")
"""The folders of a site that a build reads (`content/` holds `site.yml`)."""


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, with every symlink resolved, lies inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


class SiteFile(NamedTuple):
    """A source file found in the site: where it is, and its stat when it was found."""

    rel: str
    """Its path relative to the site root, with `/` separators."""
    location: str
    """Its path as found (a string: a site has many thousands)."""
    stat: os.stat_result

    @property
    def path(self) -> Path:
        return Path(self.location)


def find_files(
    root: Path, folder: str, suffixes: tuple[str, ...], diags: Diagnostics, recursive: bool = True
) -> list[Path]:
    """Files under `root/folder` ending in one of `suffixes`, sorted (see `scan_files`)."""
    return [found.path for found in scan_files(root, folder, suffixes, diags, recursive)]


def scan_files(
    root: Path, folder: str, suffixes: tuple[str, ...], diags: Diagnostics, recursive: bool = True
) -> list[SiteFile]:
    """Files under `root/folder` ending in one of `suffixes`, sorted by path.

    Symlinks are followed only while they stay inside the site root; one that leads out is
    an error. Hidden files and folders, `_`-folders and editor backups are skipped.
    """
    base = root / folder
    if not base.is_dir():
        return []
    found: list[SiteFile] = []
    seen: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(base, followlinks=True):
        current = Path(dirpath)
        if not _allowed(root, current, diags) or current.resolve() in seen:
            dirnames.clear()
            continue
        if current != base and base.resolve().is_relative_to(current.resolve()):
            rel = current.relative_to(root).as_posix()
            diags.error(rel, 1, "symlink leads back to a folder above it (a loop); refused")
            dirnames.clear()
            continue
        seen.add(current.resolve())
        dirnames[:] = (
            sorted(d for d in dirnames if not d.startswith((".", "_"))) if recursive else []
        )
        folder_rel = current.relative_to(root).as_posix()
        for name in filenames:
            if name.startswith(".") or name.endswith("~") or not name.endswith(suffixes):
                continue
            location = f"{dirpath}/{name}"  # os.walk's folders end in no separator
            stat = _plain_file(location)
            if stat is None:
                path = Path(location)
                if _allowed(root, path, diags) and _regular(root, path, diags):
                    stat = _stat(path)
            if stat is not None:
                found.append(SiteFile(f"{folder_rel}/{name}", location, stat))
    # as paths sort, part by part: a separator sorts before any character a name may hold
    found.sort(key=lambda file: file.rel.replace("/", "\0"))
    return found


def _plain_file(path: str) -> os.stat_result | None:
    """The stat of a regular file that is no symlink (inside the root if its checked folder
    is), else None."""
    try:
        stat = os.lstat(path)
    except OSError:
        return None
    return stat if S_ISREG(stat.st_mode) else None


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def _allowed(root: Path, path: Path, diags: Diagnostics) -> bool:
    if inside(root, path):
        return True
    diags.error(
        path.relative_to(root).as_posix(), 1, "symlink leads outside the site root; refused"
    )
    return False


def _regular(root: Path, path: Path, diags: Diagnostics) -> bool:
    """Only regular files are read: a FIFO would hang the build, a dangling link crash it."""
    if path.is_file():
        return True
    what = "a symlink that leads nowhere" if path.is_symlink() else "not a regular file"
    diags.error(path.relative_to(root).as_posix(), 1, f"{what}; skipped")
    return False
