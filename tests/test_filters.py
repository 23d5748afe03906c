"""The theme's date filters, which remember what they printed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefsite.render import make_environment

UTC = dt.UTC
PLUS_TWO = dt.timezone(dt.timedelta(hours=2))


def render(source: str, **values: object) -> str:
    env = make_environment(Path("/nonexistent-site"))
    return env.from_string(source).render(**values)


def test_equal_instants_in_other_zones_print_their_own_time() -> None:
    late = dt.datetime(2025, 5, 10, 23, 30, tzinfo=UTC)
    early = late.astimezone(PLUS_TWO)
    assert late == early  # equal as keys go: the filters must not mix them up
    source = "{{ a | date }}|{{ b | date }}|{{ a | isodate }}|{{ b | isodate }}"
    assert render(source, a=late, b=early) == (
        "10 May 2025, 23:30|11 May 2025, 01:30|2025-05-10T23:30:00+00:00|2025-05-11T01:30:00+02:00"
    )


def test_styles_and_kinds_of_date_are_kept_apart() -> None:
    moment = dt.datetime(2025, 5, 11, tzinfo=UTC)
    day = dt.date(2025, 5, 11)
    source = "{{ m | date }}|{{ m | date('short') }}|{{ d | isodate }}|{{ m | isodate }}"
    assert render(source, m=moment, d=day) == (
        "11 May 2025|11 May|2025-05-11|2025-05-11T00:00:00+00:00"
    )
    assert render("{{ m | date('short') }}|{{ m | date }}", m=moment) == "11 May|11 May 2025"


def test_a_value_that_is_not_a_date_fails_as_before() -> None:
    with pytest.raises(AttributeError):
        render("{{ v | isodate }}", v=["not", "a", "date"])
