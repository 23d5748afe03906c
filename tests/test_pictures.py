"""The theme's pictures on the full fixture: the timeline's date axis and actor filters, the
actor pages' charts, and the citation markers' tooltips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from htmlcheck import check_links, parse_file

from briefsite.views import month_bars

BASE = "/desk/"


def main_of(out: Path, rel: str):
    return parse_file(out / rel / "index.html").main


def test_timeline_month_axis(full_output: Path) -> None:
    """March 2025 has an axis of 31 days with one mark per day that has events."""
    main = main_of(full_output, "timeline")
    axis = main.find(cls="date-axis")
    assert axis is not None and axis.attrs.get("aria-hidden") == "true"
    marks = axis.find_all(cls="axis-mark")
    days = {int(m.attrs["title"].split(":")[0]) for m in marks}
    assert days == {5, 7, 8, 14, 16, 20}
    fourteenth = next(m for m in marks if m.attrs["title"].startswith("14:"))
    assert fourteenth.plain() == "2"
    ticks = [t.plain() for t in axis.find(cls="axis-ticks").find_all("span")]
    assert ticks == ["1", "8", "15", "22", "31"]


def test_timeline_actor_filters(full_output: Path) -> None:
    """Each filter links to /timeline/<actor>/, which lists exactly that actor's events."""
    main = main_of(full_output, "timeline")
    bar = main.find(cls="filter-bar")
    assert bar is not None
    hrefs = [a.attrs["href"] for a in bar.find_all("a")]
    assert hrefs[0] == f"{BASE}timeline/"
    assert f"{BASE}timeline/bosporus-monitoring-mission/" in hrefs
    bmm = main_of(full_output, "timeline/bosporus-monitoring-mission")
    events = bmm.find_all(cls="event")
    assert len(events) == 4
    for event in events:
        actors = {a.attrs["href"] for a in event.find_all("a")}
        assert f"{BASE}actors/bosporus-monitoring-mission/" in actors
    current = [a for a in bmm.find(cls="filter-bar").find_all("a") if "aria-current" in a.attrs]
    assert [a.attrs["href"] for a in current] == [f"{BASE}timeline/bosporus-monitoring-mission/"]
    assert check_links(full_output, BASE) == []


def test_actor_charts(full_output: Path) -> None:
    """An actor page charts briefs per month and the actors seen with them, as bars."""
    main = main_of(full_output, "actors/maria-kovalenko")
    columns = main.find(cls="column-chart")
    assert columns is not None
    assert [li.find(cls="column-value").plain() for li in columns.find_all("li")] == ["3"]
    bars = main.find(cls="bar-chart")
    assert bars is not None
    first = bars.find_all("li")[0]
    assert first.find("a").attrs["href"] == f"{BASE}actors/recep-tayyip-erdogan/"
    assert "--share: 100.0%" in first.find(cls="bar").attrs["style"]


def test_citation_markers_carry_source_title(full_output: Path) -> None:
    """Every citation link names its source for the tooltip (title and data-source)."""
    body = main_of(full_output, "briefs/grain-corridor-talks").find(cls="brief-body")
    cites = [a for sup in body.find_all("sup", cls="cite") for a in sup.find_all("a")]
    assert cites
    for a in cites:
        assert a.attrs["data-source"] == a.attrs["title"] != ""
    assert cites[0].attrs["data-source"] == "Ankara proposes new shipping talks"


def test_month_bars_fill_gaps_and_limit() -> None:
    dates = [dt.datetime(2024, 11, 3), dt.datetime(2025, 2, 1), dt.datetime(2025, 2, 9)]
    bars = month_bars(dates)
    assert [(b.label, b.value, b.share) for b in bars] == [
        ("Nov 2024", 1, 50.0),
        ("Dec 2024", 0, 0.0),
        ("Jan 2025", 0, 0.0),
        ("Feb 2025", 2, 100.0),
    ]
    assert [b.label for b in month_bars(dates, limit=2)] == ["Jan 2025", "Feb 2025"]
    years = [dt.datetime(2020, 1, 1), dt.datetime(2025, 1, 1)]
    assert len(month_bars(years)) == 12  # an actor's chart shows the latest year
    assert month_bars(dates, anchors=True)[0].url == "#m-2024-11"
    assert month_bars([]) == []
