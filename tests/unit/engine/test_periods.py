"""Anniversary periods: month ends, leap years, annual anchors (Lago's recurring bugs as tests)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.periods import Cycle, add_months


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def starts(anchor: datetime, months: int, count: int) -> list[str]:
    cycle = Cycle(anchor, months)
    return [cycle.boundary(k).date().isoformat() for k in range(count)]


def test_jan_31_clamps_each_month_and_never_carries_the_clamped_day():
    assert starts(at(2026, 1, 31, 9, 30), 1, 6) == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
    ]


def test_jan_31_in_a_leap_year_gives_feb_29():
    assert starts(at(2028, 1, 31), 1, 3) == ["2028-01-31", "2028-02-29", "2028-03-31"]


@pytest.mark.parametrize(("day", "february"), [(29, "2026-02-28"), (30, "2026-02-28"), (28, "2026-02-28")])
def test_the_29th_and_30th(day, february):
    assert starts(at(2026, 1, day), 1, 3)[1:] == [february, f"2026-03-{day}"]


def test_annual_on_feb_29_is_feb_28_then_back_to_29_in_leap_years():
    assert starts(at(2028, 2, 29), 12, 5) == ["2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"]


def test_quarterly_periods_on_the_31st():
    assert starts(at(2026, 1, 31), 3, 5) == ["2026-01-31", "2026-04-30", "2026-07-31", "2026-10-31", "2027-01-31"]


def test_time_of_day_is_kept_and_periods_are_utc():
    cycle = Cycle(at(2026, 1, 31, 23, 30), 1)
    assert cycle.period(1).start == at(2026, 2, 28, 23, 30)
    assert cycle.period(0).days == 28


def test_period_at_finds_the_containing_period_on_boundaries():
    cycle = Cycle(at(2026, 1, 31), 1)
    assert cycle.period_at(at(2026, 2, 28)).start == at(2026, 2, 28)
    assert cycle.period_at(at(2026, 2, 27, 23, 59)).start == at(2026, 1, 31)
    assert cycle.index_at(at(2025, 12, 31)) == -1


@given(
    anchor=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
    months=st.sampled_from([1, 3, 12]),
    offset=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650)),
)
def test_property_every_instant_falls_in_exactly_one_period(anchor, months, offset):
    cycle = Cycle(anchor, months)
    instant = anchor + offset
    period = cycle.period_at(instant)
    assert period.start <= instant < period.end
    assert period.start.day == min(anchor.day, period.start.day) <= anchor.day


@given(anchor=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)))
def test_property_add_months_keeps_the_anchor_day_when_the_month_has_it(anchor):
    for months in range(1, 25):
        moved = add_months(anchor, months)
        assert moved.day == anchor.day or (moved.day < anchor.day and (moved + timedelta(days=1)).month != moved.month)
