"""Finding a site's files: what is skipped, and the order they are read in."""

from __future__ import annotations

from pathlib import Path

from briefsite.diagnostics import Diagnostics
from briefsite.sitefiles import scan_files


def test_files_come_in_path_order_part_by_part(tmp_path: Path) -> None:
    """A folder's files sort as paths do (a folder before a name it prefixes), not as the
    plain strings would ("a-b.md" < "a.md" < "a/b.md")."""
    names = ["a.md", "a-b.md", "a/b.md", "a/a.md", "b/a.md", "ab.md", ".hidden.md", "c.md~"]
    for name in names:
        path = tmp_path / "content/briefs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    diags = Diagnostics()
    found = scan_files(tmp_path, "content/briefs", (".md",), diags)
    assert not diags.items
    assert [f.rel for f in found] == [
        "content/briefs/a/a.md",
        "content/briefs/a/b.md",
        "content/briefs/a-b.md",
        "content/briefs/a.md",
        "content/briefs/ab.md",
        "content/briefs/b/a.md",
    ]
    assert all(Path(f.location) == tmp_path / f.rel for f in found)
