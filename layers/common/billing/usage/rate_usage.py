"""A metered item's usage over a period, rated into one invoice line with its tag shares."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from operator import attrgetter

from billing.catalog.models import Price
from billing.catalog.rating import amount, tier_breakdown
from billing.invoices.models import InvoiceLine, Section, TagShare
from billing.money import allocate
from billing.periods import Period
from billing.usage.aggregate_usage import aggregate, aggregate_by_tags, events_in
from billing.usage.models import UsageEvent

_TAGS = attrgetter("tags")


def usage_line(
    price: Price,
    period: Period,
    events: Iterable[UsageEvent],
    subscription_id: str | None = None,
    item_id: str | None = None,
    description: str | None = None,
) -> InvoiceLine:
    """Rate the period's usage once (tiers apply to the total), then share the amount among tags."""
    assert price.meter is not None
    kept = events_in(events, price.meter, period)
    quantity = aggregate(kept, price.meter)
    total = amount(price, quantity)
    shares: tuple[TagShare, ...] = ()
    if any(map(_TAGS, kept)):
        by_tags = aggregate_by_tags(kept, price.meter)
        weights = quantity_weights(list(by_tags.values()))
        parts = allocate(total, weights)
        shares = tuple(TagShare(tags, qty, part) for (tags, qty), part in zip(by_tags.items(), parts, strict=True))
    return InvoiceLine(
        section=Section.USAGE,
        description=description or price.nickname or price.meter.event_name,
        currency=price.currency,
        amount=total,
        quantity=quantity,
        unit_amount=price.unit_amount if price.scheme == "per_unit" else None,
        period=period,
        price_id=price.id,
        subscription_id=subscription_id,
        item_id=item_id,
        tag_shares=shares,
        tax_rate=price.tax_rate,
        tax_exemption=price.tax_exemption,
        item_name=description or price.nickname or price.product_name or price.meter.event_name,
        unit=price.unit,
        tiers=tier_breakdown(price, quantity),
    )


def quantity_weights(quantities: list[Decimal]) -> list[int]:
    """Quantities as integer weights for money.allocate (scaled to their common exponent): the same
    proportions, so an amount is shared among tags, days or allocations alike."""
    exponents = [q.as_tuple().exponent for q in quantities]
    exponent = min((e for e in exponents if isinstance(e, int)), default=0)
    scale = Decimal(10) ** -min(0, exponent)
    return [int(q * scale) for q in quantities]
