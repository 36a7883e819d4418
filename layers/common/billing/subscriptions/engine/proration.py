"""Proration: credit the unused part of what an item was charged, debit the remaining time of the new.

Two lines per affected item (Stripe's layout). The credit is based on the charge actually made
(Stripe's "flexible" mode), not on today's price. The fraction is counted in days by default (a French
invoice can explain "16/31 jours") or in seconds. Metered items are never prorated.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from billing.catalog.rating import exact_amount, tier_breakdown
from billing.invoices.models import InvoiceLine, Section
from billing.money import round_minor
from billing.periods import Period
from billing.subscriptions.models import Charge, Granularity, SubscriptionItem


def remaining(span: Period, at: datetime, granularity: Granularity) -> tuple[int, int]:
    """(remaining, total) units of ``span`` from ``at``, in days or seconds, clamped to the span."""
    if granularity is Granularity.DAY:
        total, left = span.days, (span.end.date() - at.date()).days
    else:
        total, left = span.seconds, int((span.end - at).total_seconds())
    return max(0, min(left, total)), total


def credit_line(
    item: SubscriptionItem, at: datetime, granularity: Granularity, subscription_id: str
) -> InvoiceLine | None:
    """The unused part of the item's last charge, as a negative line (None if nothing is left)."""
    charge = item.charged
    if charge is None or charge.amount == 0 or item.price.is_metered or at >= charge.span.end:
        return None
    left, total = remaining(charge.span, max(at, charge.span.start), granularity)
    if total == 0 or left == 0:
        return None
    credit = round_minor(Decimal(charge.amount) * left / total)
    return InvoiceLine(
        section=Section.PRORATION,
        description=f"Unused time on {item.quantity} × {item.name} from {at:%Y-%m-%d}",
        prorated_from=charge.amount,
        currency=item.price.currency,
        amount=-credit,
        quantity=Decimal(item.quantity),
        period=Period(max(at, charge.span.start), charge.span.end),
        price_id=item.price.id,
        subscription_id=subscription_id,
        item_id=item.id,
        proration=(left, total),
        item_name=item.name,
        unit=item.price.unit,
        tax_rate=item.price.tax_rate,
        tax_exemption=item.price.tax_exemption,
        tiers=tier_breakdown(item.price, item.quantity),
    )


def debit(
    item: SubscriptionItem, period: Period, at: datetime, granularity: Granularity, subscription_id: str
) -> tuple[InvoiceLine | None, Charge | None]:
    """The remaining time of ``period`` for the item as it is now, and the charge it records."""
    if item.price.is_metered or at >= period.end:
        return None, None
    start = max(at, period.start)
    left, total = remaining(period, start, granularity)
    amount = round_minor(exact_amount(item.price, item.quantity) * left / total) if total else 0
    line = InvoiceLine(
        section=Section.PRORATION,
        description=f"Remaining time on {item.quantity} × {item.name} from {start:%Y-%m-%d}",
        currency=item.price.currency,
        amount=amount,
        quantity=Decimal(item.quantity),
        unit_amount=item.price.unit_amount,
        period=Period(start, period.end),
        price_id=item.price.id,
        subscription_id=subscription_id,
        item_id=item.id,
        proration=(left, total),
        item_name=item.name,
        unit=item.price.unit,
        tax_rate=item.price.tax_rate,
        tax_exemption=item.price.tax_exemption,
        tiers=tier_breakdown(item.price, item.quantity),
    )
    return line, Charge(amount, Period(start, period.end))
