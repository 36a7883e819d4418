"""Switch the licensed interval at once (Cloudcraft: monthly → annual at any time).

The billing anchor resets to the switch instant; the unused paid time of the old interval becomes a
credit on the account balance (tax included, as it was paid); the new period is invoiced immediately
with that credit applied; what credit is left stays on the balance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from billing.errors import BusinessRuleError, ErrorCode
from billing.invoices.models import InvoiceLine
from billing.money import round_minor
from billing.periods import Cycle, Period, utc
from billing.subscriptions.engine.create_subscription import interval_months
from billing.subscriptions.engine.guards import require_changeable
from billing.subscriptions.engine.lines import charge_items, usage_lines
from billing.subscriptions.engine.proration import credit_line
from billing.subscriptions.engine.update_subscription import ItemUpdate, apply_item_updates
from billing.subscriptions.models import Subscription, SubscriptionStatus
from billing.usage.models import UsageEvent


@dataclass(frozen=True, slots=True)
class Switched:
    """A subscription switched to another interval: the credit for unused time and the new period's lines."""

    subscription: Subscription
    credit_lines: list[InvoiceLine]  # unused time, excluding tax: what the credit is made of
    balance_credit: int  # what goes on the account balance: the unused time including its VAT
    invoice_lines: list[InvoiceLine]  # the new period now, pending prorations, usage up to the switch


def switch_interval(
    subscription: Subscription,
    updates: Sequence[ItemUpdate],
    at: datetime,
    vat_rate: Decimal,
    events: Iterable[UsageEvent] = (),
) -> Switched:
    require_changeable(subscription)
    at = utc(at)
    new_items = apply_item_updates(subscription, updates)
    months, usage_months = interval_months([item.price for item in new_items])
    if months == subscription.cycle.months:
        raise BusinessRuleError(
            ErrorCode.SAME_INTERVAL, "The interval does not change: update the subscription.", "items"
        )
    credits = [
        line
        for item in subscription.licensed_items
        if (line := credit_line(item, at, subscription.granularity, subscription.id)) is not None
    ]
    unused = -sum(line.amount for line in credits)
    balance_credit = unused + round_minor(Decimal(unused) * vat_rate / Decimal(100))

    usage = []
    if subscription.is_billing and subscription.metered_items and at > subscription.usage_period.start:
        usage = usage_lines(subscription, Period(subscription.usage_period.start, at), events)
    cycle, usage_cycle = Cycle(at, months), Cycle(at, usage_months)
    period = cycle.period(0)
    charged, recurring = charge_items(new_items, period, subscription.id)
    switched = subscription.evolve(
        items=charged,
        cycle=cycle,
        current_period=period,
        usage_cycle=usage_cycle,
        usage_period=usage_cycle.period(0),
        status=SubscriptionStatus.ACTIVE,
        trial_end=None,
        pending_lines=(),
        scheduled_items=None,
    )
    return Switched(switched, credits, balance_credit, [*recurring, *subscription.pending_lines, *usage])
