"""Problems in content, collected as data so one run reports all of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at a place in the site's sources."""

    path: str
    line: int
    severity: Severity
    message: str

    def format(self) -> str:
        """Render as `path:line: severity: message`."""
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


@dataclass
class Diagnostics:
    """An append-only collector that every stage of the pipeline writes to."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, message: str) -> None:
        """Record an error."""
        self.items.append(Diagnostic(path, line, "error", message))

    def warning(self, path: str, line: int, message: str) -> None:
        """Record a warning."""
        self.items.append(Diagnostic(path, line, "warning", message))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        """Add diagnostics gathered elsewhere (e.g. in a worker process)."""
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        """Whether the build must stop before writing anything."""
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        """Errors first, then warnings, each in path and line order, without repeats."""
        unique = dict.fromkeys(self.items)
        return sorted(unique, key=lambda d: (d.severity != "error", d.path, d.line, d.message))

    def summary(self) -> str:
        """A one-line count such as `2 errors, 1 warning`."""
        n_err, n_warn = len(self.errors), len(self.warnings)
        return f"{n_err} error{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}"
