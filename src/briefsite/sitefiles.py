"""Find a site's source files without ever leaving the site root."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from briefsite.diagnostics import Diagnostics


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, with every symlink resolved, lies inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def find_files(
    root: Path, folder: str, suffixes: tuple[str, ...], diags: Diagnostics, recursive: bool = True
) -> list[Path]:
    """Files under `root/folder` ending in one of `suffixes`, sorted.

    Symlinks are followed only while they stay inside the site root; one that leads out is
    an error. Hidden files and folders, `_`-folders and editor backups are skipped.
    """
    base = root / folder
    if not base.is_dir():
        return []
    found: list[Path] = []
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
        for name in filenames:
            path = current / name
            if name.startswith(".") or name.endswith("~") or not name.endswith(suffixes):
                continue
            if _plain_file(path) or (_allowed(root, path, diags) and _regular(root, path, diags)):
                found.append(path)
    return sorted(found)


def _plain_file(path: Path) -> bool:
    """A regular file that is no symlink: inside the root if its (checked) folder is."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


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
