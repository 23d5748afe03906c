"""The contract between the preview server and the build it is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildOutcome:
    """What one build did, as the preview server needs to know it.

    `ok` False means the output directory was left exactly as it was.
    `diagnostics` are formatted `path:line: severity: message` lines.
    `changed` are output-relative posix paths whose bytes changed.
    """

    ok: bool
    diagnostics: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


BuildFn = Callable[[frozenset[Path]], BuildOutcome]
"""A build, called with the absolute paths of the sources that changed."""
