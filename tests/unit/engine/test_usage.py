from decimal import Decimal

import pytest

from billing.catalog.models import Aggregation, Meter
from billing.periods import Period
from billing.usage.aggregate_usage import aggregate, events_in
from billing.usage.models import UsageEvent, tags_of
from billing.usage.rate_usage import usage_line
from tests.unit.engine.catalog import at, metered

MARCH = Period(at(2026, 3, 1), at(2026, 4, 1))


def event(n, quantity, day, who=None, team="a"):
    return UsageEvent(f"e{n}", "sub", "api_calls", Decimal(quantity), at(2026, 3, day), tags_of({"team": team}), who)


EVENTS = [event(1, 5, 2, "u1"), event(2, 7, 3, "u2"), event(3, 2, 4, "u1"), event(4, 9, 5, None, "b")]


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [
        (Aggregation.SUM, 23),
        (Aggregation.COUNT, 4),
        (Aggregation.MAX, 9),
        (Aggregation.UNIQUE_COUNT, 2),
        (Aggregation.LATEST, 9),
    ],
)
def test_aggregations(aggregation, expected):
    assert aggregate(EVENTS, Meter("api_calls", aggregation)) == Decimal(expected)


def test_duplicates_and_events_outside_the_period_or_meter_are_ignored():
    noise = [
        event(1, 100, 2),  # same id as an earlier event: counted once, first wins
        UsageEvent("x", "sub", "other_meter", Decimal(1), at(2026, 3, 2)),
        UsageEvent("y", "sub", "api_calls", Decimal(1), at(2026, 4, 1)),  # end is exclusive
    ]
    kept = events_in(EVENTS + noise, Meter("api_calls"), MARCH)
    assert [e.id for e in kept] == ["e1", "e2", "e3", "e4"]


def test_usage_line_shares_the_rated_amount_among_tags_without_losing_a_cent():
    price = metered("calls", "3.3333", event="api_calls")
    line = usage_line(price, MARCH, EVENTS)
    assert (line.quantity, line.amount) == (Decimal(23), 77)  # 76.6659 rounded once
    shares = {share.tags: (share.quantity, share.amount) for share in line.tag_shares}
    assert shares == {(("team", "a"),): (Decimal(14), 47), (("team", "b"),): (Decimal(9), 30)}
    assert sum(amount for _, amount in shares.values()) == line.amount
