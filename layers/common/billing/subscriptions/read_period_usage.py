"""A subscription's open usage period, as the engine rates it: from the day totals folded at ingestion
when every meter on it adds up (sum, count), else every event of the period."""

from __future__ import annotations

from datetime import timedelta

from billing.subscriptions.models import Subscription
from billing.usage.aggregate_usage import ADDITIVE
from billing.usage.models import UsageEvent, UsageTotal
from billing.usage.ports import UsageStore


def read_period_usage(usage: UsageStore, subscription: Subscription) -> list[UsageEvent]:
    """A period of 10,000 events reads as a few dozen day totals (one Query) instead of 10,000 items."""
    period = subscription.usage_period
    meters = [item.price.meter for item in subscription.items if item.price.meter is not None]
    if not meters or any(meter.aggregation not in ADDITIVE for meter in meters):
        return usage.events(subscription.id, period.start, period.end)
    # Day totals are keyed by the account's calendar day: a day either side covers every time zone.
    first, last = (period.start - timedelta(days=1)).date(), (period.end + timedelta(days=1)).date()
    return [
        UsageTotal(
            id=f"day:{total.day.isoformat()}:{index}",
            subscription_id=subscription.id,
            meter=total.meter,
            quantity=total.quantity,
            timestamp=period.start,  # inside the period: the engine keeps what its period contains
            tags=total.tags,
            events=total.events,
        )
        for index, total in enumerate(usage.daily_usage(subscription.account_id, first, last))
        if total.subscription_id == subscription.id and total.period_start == period.start
    ]
