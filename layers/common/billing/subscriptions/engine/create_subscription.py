"""Start a subscription: a trial, a start in the past or the future, an anchor day of its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from billing.catalog.models import Price
from billing.discounts.models import AppliedDiscount
from billing.errors import ErrorCode, InvalidInputError
from billing.invoices.models import InvoiceLine
from billing.money import same_currency
from billing.periods import Cycle, Period, trial_end, utc
from billing.subscriptions.engine.lines import charge_items
from billing.subscriptions.models import (
    CollectionMethod,
    Granularity,
    Subscription,
    SubscriptionItem,
    SubscriptionStatus,
)

DEFAULT_DAYS_UNTIL_DUE = 30


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item a new subscription starts with."""

    id: str
    price: Price
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class Started:
    """A new subscription and its first invoice's lines."""

    subscription: Subscription
    lines: list[InvoiceLine]  # the first invoice's lines; empty during a trial or before the start


def interval_months(prices: Sequence[Price]) -> tuple[int, int]:
    """(licensed months, usage months): each kind shares one interval; usage defaults to licensed."""
    licensed = {p.recurring.months for p in prices if p.recurring and not p.is_metered}
    metered = {p.recurring.months for p in prices if p.recurring and p.is_metered}
    if any(p.recurring is None for p in prices):
        raise InvalidInputError(
            ErrorCode.ONE_OFF_PRICE, "One-off prices go on invoice items, not subscriptions.", "items"
        )
    if len(licensed) > 1 or len(metered) > 1:
        raise InvalidInputError(
            ErrorCode.MIXED_INTERVALS, "Licensed items share one interval, metered items another.", "items"
        )
    months = next(iter(licensed), None) or next(iter(metered))
    return months, next(iter(metered), months)


def create_subscription(
    subscription_id: str,
    account_id: str,
    items: Sequence[NewItem],
    now: datetime,
    start: datetime | None = None,
    trial_period_days: int | None = None,
    billing_cycle_anchor: datetime | None = None,
    collection_method: CollectionMethod = CollectionMethod.CHARGE_AUTOMATICALLY,
    days_until_due: int | None = None,
    discount: AppliedDiscount | None = None,
    granularity: Granularity = Granularity.DAY,
    managed_by: str | None = None,
) -> Started:
    """Create the subscription and the lines of its first invoice.

    Without a trial the first period is billed at once (Aircall: "first invoice on the subscription
    day"). ``start`` in the past back-dates the first period (renewals catch up); in the future, nothing
    is billed before it. ``billing_cycle_anchor`` after the start makes a prorated first period.
    """
    if not items:
        raise InvalidInputError(ErrorCode.ITEMS_REQUIRED, "A subscription has at least one item.", "items")
    if len({item.id for item in items}) != len(items):
        raise InvalidInputError(ErrorCode.DUPLICATE_ITEM, "Item ids are unique.", "items")
    for item in items:
        if not 0 <= item.quantity <= 1_000_000:
            raise InvalidInputError(ErrorCode.INVALID_QUANTITY, "Quantities are 0 to 1,000,000.", "items.quantity")
    currency = same_currency(item.price.currency for item in items)
    months, usage_months = interval_months([item.price for item in items])
    now, start = utc(now), utc(start or now)
    if collection_method is CollectionMethod.SEND_INVOICE and days_until_due is None:
        days_until_due = DEFAULT_DAYS_UNTIL_DUE

    status = SubscriptionStatus.ACTIVE
    first_billed = start
    trial = None
    if trial_period_days:
        trial = trial_end(start, trial_period_days)
        status, first_billed = SubscriptionStatus.TRIALING, trial
    elif start > now:
        status = SubscriptionStatus.INCOMPLETE
    anchor = utc(billing_cycle_anchor) if billing_cycle_anchor else first_billed
    if anchor < first_billed:
        raise InvalidInputError(
            ErrorCode.ANCHOR_BEFORE_START, "The billing anchor cannot precede the start.", "billing_cycle_anchor"
        )
    cycle, usage_cycle = Cycle(anchor, months), Cycle(anchor, usage_months)
    subscription_items = tuple(SubscriptionItem(i.id, i.price, i.quantity) for i in items)

    if status is not SubscriptionStatus.ACTIVE:
        waiting = Period(start if trial else now, first_billed)
        subscription = _new(
            subscription_id,
            account_id,
            currency,
            subscription_items,
            status,
            now,
            cycle,
            waiting,
            usage_cycle,
            waiting,
            collection_method,
            days_until_due,
            trial,
            discount,
            granularity,
            managed_by,
        )
        return Started(subscription, [])

    if anchor > start:  # a partial first period up to the anchor, prorated against a full one
        first = Period(start, anchor)
        full = cycle.period(-1)
    else:
        first = cycle.period(0)
        full = None
    usage_first = (
        Period(start, usage_cycle.boundary(usage_cycle.index_at(start) + 1))
        if anchor > start
        else usage_cycle.period(0)
    )
    if managed_by is not None:
        # The marketplace bills it (AWS invoices and collects): nothing is charged or invoiced here.
        lines: list[InvoiceLine] = []
        charged = subscription_items
    else:
        charged, lines = charge_items(subscription_items, first, subscription_id, full)
    subscription = _new(
        subscription_id,
        account_id,
        currency,
        charged,
        status,
        now,
        cycle,
        first,
        usage_cycle,
        usage_first,
        collection_method,
        days_until_due,
        trial,
        discount,
        granularity,
        managed_by,
    )
    return Started(subscription, lines)


def _new(
    subscription_id: str,
    account_id: str,
    currency: str,
    items: tuple[SubscriptionItem, ...],
    status: SubscriptionStatus,
    created: datetime,
    cycle: Cycle,
    period: Period,
    usage_cycle: Cycle,
    usage_period: Period,
    collection_method: CollectionMethod,
    days_until_due: int | None,
    trial: datetime | None,
    discount: AppliedDiscount | None,
    granularity: Granularity,
    managed_by: str | None,
) -> Subscription:
    return Subscription(
        id=subscription_id,
        account_id=account_id,
        currency=currency,
        items=items,
        status=status,
        created=created,
        cycle=cycle,
        current_period=period,
        usage_cycle=usage_cycle,
        usage_period=usage_period,
        collection_method=collection_method,
        days_until_due=days_until_due,
        trial_end=trial,
        discount=discount,
        granularity=granularity,
        managed_by=managed_by,
    )
