"""Daily usage per meter and tags (Azure's daily usage download, chargeback by tag)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from billing.accounts.access import Principal
from billing.catalog.models import BillingScheme, Meter
from billing.errors import ErrorCode, InvalidInputError
from billing.money import round_minor
from billing.subscriptions.get_subscription import readable_subscription
from billing.usage.aggregate_usage import aggregate
from billing.usage.models import Tags, UsageEvent
from billing.usage.ports import UsageStore

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

MAX_SPAN = timedelta(days=400)


@dataclass(frozen=True, slots=True)
class UsageRow:
    day: date
    meter: str
    tags: Tags
    quantity: Decimal
    events: int
    cost: int | None = None  # minor units, for per-unit prices (tiers price the period, not a day)
    currency: str | None = None


def summarize_usage(
    store: BillingStore,
    usage: UsageStore,
    principal: Principal,
    subscription_id: str,
    start: datetime,
    end: datetime,
    by_tags: bool,
) -> list[UsageRow]:
    subscription = readable_subscription(store, principal, subscription_id, "subscription")
    if not start < end or end - start > MAX_SPAN:
        raise InvalidInputError(ErrorCode.INVALID_RANGE, "from must precede to, at most 400 days apart.", "from")
    meters: dict[str, Meter] = {
        item.price.meter.event_name: item.price.meter for item in subscription.metered_items if item.price.meter
    }
    prices = {item.price.meter.event_name: item.price for item in subscription.metered_items if item.price.meter}
    groups: dict[tuple[date, str, Tags], list[UsageEvent]] = defaultdict(list)
    for event in usage.events(subscription_id, start, end):
        groups[(event.timestamp.date(), event.meter, event.tags if by_tags else ())].append(event)
    rows = []
    for (day, meter, tags), events in sorted(groups.items()):
        quantity = aggregate(events, meters.get(meter, Meter(meter)))
        price = prices.get(meter)
        cost = None
        if price is not None and price.scheme is BillingScheme.PER_UNIT:
            cost = round_minor(price.unit_amount * quantity)
        rows.append(UsageRow(day, meter, tags, quantity, len(events), cost, price.currency if price else None))
    return rows
