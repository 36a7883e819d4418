"""Invoice lines a subscription produces: recurring items in advance, usage in arrears."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from billing.catalog.rating import amount, exact_amount, tier_breakdown
from billing.invoices.models import InvoiceLine, Section
from billing.money import round_minor
from billing.periods import Period
from billing.subscriptions.models import Charge, Subscription, SubscriptionItem
from billing.usage.models import UsageEvent
from billing.usage.rate_usage import usage_line


def recurring_line(
    item: SubscriptionItem, period: Period, subscription_id: str, full_period: Period | None = None
) -> tuple[InvoiceLine, Charge]:
    """The item for ``period``; with ``full_period`` (a partial first period), prorated in seconds of it."""
    proration = None
    if full_period is None or full_period == period:
        total = amount(item.price, item.quantity)
    else:
        left, whole = period.seconds, full_period.seconds
        total = round_minor(exact_amount(item.price, item.quantity) * left / whole)
        proration = (left, whole)
    price, name = item.price, item.name
    line = InvoiceLine(
        section=Section.RECURRING,
        description=f"{item.quantity} × {name}",
        currency=price.currency,
        amount=total,
        quantity=Decimal(item.quantity),
        unit_amount=price.unit_amount,
        period=period,
        price_id=price.id,
        subscription_id=subscription_id,
        item_id=item.id,
        proration=proration,
        item_name=name,
        unit=price.unit,
        tax_rate=price.tax_rate,
        tax_exemption=price.tax_exemption,
        tiers=tier_breakdown(price, item.quantity),
    )
    return line, Charge(total, period)


def charge_items(
    items: Iterable[SubscriptionItem], period: Period, subscription_id: str, full_period: Period | None = None
) -> tuple[tuple[SubscriptionItem, ...], list[InvoiceLine]]:
    """Bill every licensed item for ``period``; return the items with their new charge, and the lines."""
    charged, lines = [], []
    for item in items:
        if item.price.is_metered:
            charged.append(item)
            continue
        line, charge = recurring_line(item, period, subscription_id, full_period)
        lines.append(line)
        charged.append(SubscriptionItem(item.id, item.price, item.quantity, charge))
    return tuple(charged), lines


def usage_lines(subscription: Subscription, period: Period, events: Iterable[UsageEvent]) -> list[InvoiceLine]:
    events = [e for e in events if e.subscription_id == subscription.id]
    return [
        usage_line(item.price, period, events, subscription.id, item.id, item.name)
        for item in subscription.metered_items
    ]
