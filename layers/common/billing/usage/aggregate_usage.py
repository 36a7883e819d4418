"""Aggregate a meter's events over a period: sum, count, max, unique_count or latest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from operator import attrgetter

from billing.catalog.models import Aggregation, Meter
from billing.periods import Period
from billing.usage.models import Tags, UsageEvent, UsageTotal

_ZERO = Decimal(0)
_QUANTITY = attrgetter("quantity")
# Sum and count add up day by day; max, latest and unique_count do not, so their days come from events.
ADDITIVE = (Aggregation.SUM, Aggregation.COUNT)


def events_in(events: Iterable[UsageEvent], meter: Meter, period: Period) -> list[UsageEvent]:
    """The meter's events in the period, each id once (the first one sent wins)."""
    # Period.contains inlined: this loop runs once per event of every subscription a billing run rates.
    name, start, end = meter.event_name, period.start, period.end
    kept: dict[str, UsageEvent] = {}
    for event in events:
        if event.meter == name and start <= event.timestamp < end:
            kept.setdefault(event.id, event)
    return list(kept.values())


def aggregate(events: Iterable[UsageEvent], meter: Meter) -> Decimal:
    """One number for a list of (already filtered) events."""
    events = list(events)
    if not events:
        return _ZERO
    if meter.aggregation is Aggregation.SUM:
        return sum(map(_QUANTITY, events), _ZERO)  # map: no generator step per event of a billing run
    if meter.aggregation is Aggregation.COUNT:
        return Decimal(sum(e.events if isinstance(e, UsageTotal) else 1 for e in events))
    if meter.aggregation is Aggregation.MAX:
        return max(e.quantity for e in events)
    if meter.aggregation is Aggregation.UNIQUE_COUNT:
        return Decimal(len({e.unique_value for e in events if e.unique_value is not None}))
    return max(events, key=lambda e: (e.timestamp, e.id)).quantity  # LATEST


def aggregate_by_tags(events: Iterable[UsageEvent], meter: Meter) -> dict[Tags, Decimal]:
    groups: dict[Tags, list[UsageEvent]] = defaultdict(list)
    for event in events:
        groups[event.tags].append(event)
    return {tags: aggregate(group, meter) for tags, group in sorted(groups.items())}
