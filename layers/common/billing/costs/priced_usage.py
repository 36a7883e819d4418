"""Daily usage priced as its invoice will price it: the period rated once on its cumulative quantity
(tiers and packages apply to the period, not to a day), then shared out among the days and tag sets in
proportion to what each counted. A period's rows therefore add up to its invoice line to the cent, and
the open period's rows are what the invoice would charge if it closed now."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal

from billing.catalog.models import Aggregation, Meter, Price
from billing.catalog.rating import amount
from billing.money import allocate
from billing.periods import Period
from billing.subscriptions.models import Subscription
from billing.usage.aggregate_usage import ADDITIVE, aggregate, events_in
from billing.usage.models import DailyUsage, Tags, UsageEvent
from billing.usage.rate_usage import quantity_weights

EventsOf = Callable[[str, Period], list[UsageEvent]]


@dataclass(frozen=True, slots=True)
class PricedDay:
    """One day's usage of a meter and tag set, with its share of what its period is rated."""

    day: date
    subscription_id: str
    meter: str
    tags: Tags
    quantity: Decimal  # what the meter counts that day (events for a count meter)
    events: int
    cost: int  # minor units: this day's share of its period's rated amount
    currency: str
    period: Period


@dataclass(frozen=True, slots=True)
class PeriodUsage:
    """One metered item's usage over one usage period so far: the quantity the invoice rates."""

    subscription_id: str
    meter: str
    price: Price | None  # None: the meter is no longer on the subscription
    period: Period
    quantity: Decimal
    amount: int
    days: tuple[PricedDay, ...]


def usage_period_of(subscription: Subscription, start: datetime) -> Period:
    if start == subscription.usage_period.start:
        return subscription.usage_period
    return Period(start, subscription.usage_cycle.period_at(start).end)


def price_usage(
    totals: Sequence[DailyUsage], subscriptions: dict[str, Subscription], events_of: EventsOf, zone: tzinfo
) -> list[PeriodUsage]:
    """Every (subscription, meter, usage period) the daily totals touch, rated and shared out by day."""
    groups: dict[tuple[str, str, datetime], list[DailyUsage]] = defaultdict(list)
    for total in totals:
        if total.subscription_id in subscriptions:
            groups[(total.subscription_id, total.meter, total.period_start)].append(total)
    priced = []
    for (subscription_id, meter_name, period_start), days in sorted(groups.items()):
        subscription = subscriptions[subscription_id]
        price = _price_of(subscription, meter_name)
        period = usage_period_of(subscription, period_start)
        meter = price.meter if price and price.meter else Meter(meter_name)
        if meter.aggregation in ADDITIVE:
            priced.append(_additive(subscription, meter, price, period, days))
        else:
            priced.append(_from_events(subscription, meter, price, period, events_of(subscription_id, period), zone))
    return priced


def _price_of(subscription: Subscription, meter: str) -> Price | None:
    for item in subscription.metered_items:
        if item.price.meter and item.price.meter.event_name == meter:
            return item.price
    return None


def _additive(
    subscription: Subscription, meter: Meter, price: Price | None, period: Period, days: list[DailyUsage]
) -> PeriodUsage:
    counts = meter.aggregation is Aggregation.COUNT
    quantities = [Decimal(day.events) if counts else day.quantity for day in days]
    quantity = sum(quantities, Decimal(0))
    total = amount(price, quantity) if price else 0
    shares = allocate(total, quantity_weights(quantities))
    currency = price.currency if price else subscription.currency
    rows = tuple(
        PricedDay(d.day, d.subscription_id, d.meter, d.tags, q, d.events, share, currency, period)
        for d, q, share in zip(days, quantities, shares, strict=True)
    )
    return PeriodUsage(subscription.id, meter.event_name, price, period, quantity, total, rows)


def _from_events(
    subscription: Subscription,
    meter: Meter,
    price: Price | None,
    period: Period,
    events: list[UsageEvent],
    zone: tzinfo,
) -> PeriodUsage:
    kept = events_in(events, meter, period)
    quantity = aggregate(kept, meter)
    total = amount(price, quantity) if price else 0
    by_day: dict[tuple[date, Tags], list[UsageEvent]] = defaultdict(list)
    for event in kept:
        by_day[(event.timestamp.astimezone(zone).date(), event.tags)].append(event)
    keys = sorted(by_day)
    # The period's amount is shared by events, the only weight these meters have day by day.
    shares = allocate(total, [len(by_day[key]) for key in keys])
    currency = price.currency if price else subscription.currency
    rows = tuple(
        PricedDay(
            day,
            subscription.id,
            meter.event_name,
            tags,
            aggregate(by_day[(day, tags)], meter),
            len(by_day[(day, tags)]),
            share,
            currency,
            period,
        )
        for (day, tags), share in zip(keys, shares, strict=True)
    )
    return PeriodUsage(subscription.id, meter.event_name, price, period, quantity, total, rows)
