"""Cancel at period end (tacit renewal stops) or now, with a prorated credit for unused time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from billing.invoices.models import InvoiceLine
from billing.periods import Period, utc
from billing.subscriptions.engine.guards import require_changeable
from billing.subscriptions.engine.lines import usage_lines
from billing.subscriptions.engine.proration import credit_line
from billing.subscriptions.models import Subscription, SubscriptionStatus
from billing.usage.models import UsageEvent


@dataclass(frozen=True, slots=True)
class Canceled:
    """A subscription ended now, and the lines its final invoice is made of."""

    subscription: Subscription
    final_lines: list[InvoiceLine]  # credit for unused time, pending prorations, usage to date


def cancel_subscription(
    subscription: Subscription,
    at: datetime,
    at_period_end: bool = False,
    prorate: bool = True,
    events: Iterable[UsageEvent] = (),
) -> Canceled:
    require_changeable(subscription)
    at = utc(at)
    if at_period_end:
        return Canceled(subscription.evolve(cancel_at_period_end=True, canceled_at=at), [])
    lines: list[InvoiceLine] = list(subscription.pending_lines)
    if subscription.is_billing:
        if prorate:
            lines += [
                line
                for item in subscription.licensed_items
                if (line := credit_line(item, at, subscription.granularity, subscription.id)) is not None
            ]
        if subscription.metered_items and at > subscription.usage_period.start:
            lines += usage_lines(subscription, Period(subscription.usage_period.start, at), events)
    ended = subscription.evolve(
        status=SubscriptionStatus.CANCELED, canceled_at=at, ended_at=at, pending_lines=(), scheduled_items=None
    )
    return Canceled(ended, lines)
