"""Change items mid-period: quantities, prices, items added or removed, with proration.

Upgrades apply at once; a change may instead be scheduled for the period end (downgrades). A change of
licensed interval (monthly → annual) is a different operation: ``switch_interval``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from billing.catalog.models import Price
from billing.errors import BusinessRuleError, ErrorCode, InvalidInputError
from billing.invoices.models import InvoiceLine
from billing.money import same_currency
from billing.periods import utc
from billing.subscriptions.engine.create_subscription import interval_months
from billing.subscriptions.engine.guards import require_changeable
from billing.subscriptions.engine.proration import credit_line, debit
from billing.subscriptions.models import ProrationBehavior, Subscription, SubscriptionItem


@dataclass(frozen=True, slots=True)
class ItemUpdate:
    """``id`` of an existing item to change or delete, or a new ``id`` with a price to add."""

    id: str
    price: Price | None = None
    quantity: int | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Updated:
    """A subscription after an item change: its proration lines and those to invoice at once."""

    subscription: Subscription
    proration_lines: list[InvoiceLine]
    invoice_now: list[InvoiceLine]  # with always_invoice: these lines (and pending ones) bill at once


def apply_item_updates(subscription: Subscription, updates: Sequence[ItemUpdate]) -> tuple[SubscriptionItem, ...]:
    items = {item.id: item for item in subscription.items}
    order = [item.id for item in subscription.items]
    for update in updates:
        current = items.get(update.id)
        if update.deleted:
            if current is None:
                raise InvalidInputError(ErrorCode.ITEM_NOT_FOUND, f"No item {update.id}.", "items.id")
            del items[update.id]
            continue
        if update.quantity is not None and not 0 <= update.quantity <= 1_000_000:
            raise InvalidInputError(ErrorCode.INVALID_QUANTITY, "Quantities are 0 to 1,000,000.", "items.quantity")
        if current is None:
            if update.price is None:
                raise InvalidInputError(ErrorCode.PRICE_REQUIRED, f"New item {update.id} needs a price.", "items.price")
            items[update.id] = SubscriptionItem(update.id, update.price, update.quantity or 1)
            order.append(update.id)
        else:
            price = update.price or current.price
            quantity = current.quantity if update.quantity is None else update.quantity
            items[update.id] = SubscriptionItem(current.id, price, quantity, current.charged)
    if not items:
        raise InvalidInputError(
            ErrorCode.ITEMS_REQUIRED, "Cancel the subscription rather than remove every item.", "items"
        )
    result = tuple(items[item_id] for item_id in order if item_id in items)
    same_currency([subscription.currency, *(item.price.currency for item in result)])
    return result


def update_subscription(
    subscription: Subscription,
    updates: Sequence[ItemUpdate],
    proration_date: datetime,
    behavior: ProrationBehavior = ProrationBehavior.CREATE_PRORATIONS,
    at_period_end: bool = False,
) -> Updated:
    """Apply ``updates`` as of ``proration_date`` (a preview's date reproduces the preview exactly)."""
    require_changeable(subscription)
    at = utc(proration_date)
    new_items = apply_item_updates(subscription, updates)
    months, usage_months = interval_months([item.price for item in new_items])
    if (months, usage_months) != (subscription.cycle.months, subscription.usage_cycle.months):
        raise BusinessRuleError(
            ErrorCode.INTERVAL_CHANGE,
            "Changing the billing interval is a plan switch (switch_interval).",
            "items.price",
        )
    if at_period_end:
        return Updated(subscription.evolve(scheduled_items=new_items), [], [])
    period = subscription.current_period
    if not subscription.is_billing or behavior is ProrationBehavior.NONE:
        # Trialing or not started: nothing was charged, nothing to prorate; "none": bill at renewal.
        return Updated(subscription.evolve(items=new_items, scheduled_items=None), [], [])
    if not period.contains(at):
        raise InvalidInputError(
            ErrorCode.PRORATION_DATE_OUTSIDE_PERIOD, "proration_date must fall in the current period.", "proration_date"
        )

    old = {item.id: item for item in subscription.items}
    lines: list[InvoiceLine] = []
    final_items = []
    for item in new_items:
        before = old.pop(item.id, None)
        unchanged = before is not None and (before.price, before.quantity) == (item.price, item.quantity)
        if item.price.is_metered or unchanged:
            final_items.append(item)
            continue
        if before is not None:
            credit = credit_line(before, at, subscription.granularity, subscription.id)
            if credit is not None:
                lines.append(credit)
        line, charge = debit(item, period, at, subscription.granularity, subscription.id)
        if line is not None:
            lines.append(line)
        final_items.append(SubscriptionItem(item.id, item.price, item.quantity, charge))
    for removed in old.values():  # deleted items: credit only
        credit = credit_line(removed, at, subscription.granularity, subscription.id)
        if credit is not None:
            lines.append(credit)

    if behavior is ProrationBehavior.ALWAYS_INVOICE:
        now_lines = [*subscription.pending_lines, *lines]
        updated = subscription.evolve(items=tuple(final_items), pending_lines=(), scheduled_items=None)
        return Updated(updated, lines, now_lines)
    updated = subscription.evolve(
        items=tuple(final_items), pending_lines=(*subscription.pending_lines, *lines), scheduled_items=None
    )
    return Updated(updated, lines, [])
