"""Close the current period and open the next one (tacit renewal), or end at period end.

One call moves exactly one period, so a billing run that calls it once per due period produces one
invoice per period even if it runs twice (the store refuses a second move from the same version).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from billing.copies import slot_init
from billing.errors import BusinessRuleError, ErrorCode
from billing.invoices.models import BillingReason, InvoiceLine
from billing.periods import Period, utc
from billing.subscriptions.engine.guards import require_changeable
from billing.subscriptions.engine.lines import charge_items, usage_lines
from billing.subscriptions.models import Subscription, SubscriptionStatus, next_period
from billing.usage.models import UsageEvent


@slot_init
@dataclass(frozen=True, slots=True)
class Renewed:
    """A subscription moved one period on, and the lines of the invoice that move makes."""

    subscription: Subscription
    lines: list[InvoiceLine]
    billing_reason: BillingReason
    period: Period  # the period the invoice is for


def renew_subscription(subscription: Subscription, at: datetime, events: Iterable[UsageEvent] = ()) -> Renewed:
    require_changeable(subscription)
    at = utc(at)
    ending = subscription.current_period
    if at < ending.end:
        raise BusinessRuleError(ErrorCode.NOT_DUE, f"The period ends at {ending.end.isoformat()}.", "at")
    starting = not subscription.is_billing  # a trial or a future start ends: the first paid period
    lines: list[InvoiceLine] = list(subscription.pending_lines)
    usage_period = subscription.usage_period
    if not starting and usage_period.end == ending.end:
        lines += usage_lines(subscription, usage_period, events)  # none without metered items
    reason = BillingReason.SUBSCRIPTION_CREATE if starting else BillingReason.SUBSCRIPTION_CYCLE

    if subscription.cancel_at_period_end:
        ended = subscription.evolve(
            status=SubscriptionStatus.CANCELED, ended_at=ending.end, pending_lines=(), scheduled_items=None
        )
        return Renewed(ended, lines, reason, ending)

    items = subscription.scheduled_items or subscription.items
    period = next_period(subscription.cycle, ending)
    charged, recurring = charge_items(items, period, subscription.id)
    next_usage = usage_period
    if usage_period.end <= period.start:
        next_usage = next_period(subscription.usage_cycle, usage_period)
    status = SubscriptionStatus.ACTIVE if starting else subscription.status
    renewed = subscription.evolve(
        items=charged,
        current_period=period,
        usage_period=next_usage,
        status=status,
        pending_lines=(),
        scheduled_items=None,
    )
    return Renewed(renewed, [*recurring, *lines], reason, period)


def close_usage_period(subscription: Subscription, at: datetime, events: Iterable[UsageEvent] = ()) -> Renewed:
    """Invoice a usage period that ends inside the licensed period (monthly minutes on an annual plan).

    Pending prorations (seats added since) ride along, as on Aircall's monthly usage invoices.
    """
    require_changeable(subscription)
    at = utc(at)
    period = subscription.usage_period
    if at < period.end:
        raise BusinessRuleError(ErrorCode.NOT_DUE, f"The usage period ends at {period.end.isoformat()}.", "at")
    if period.end >= subscription.current_period.end:
        raise BusinessRuleError(ErrorCode.RENEWAL_DUE, "This usage period closes with the renewal.", "at")
    lines = list(subscription.pending_lines)
    if subscription.is_billing:
        lines += usage_lines(subscription, period, events)
    closed = subscription.evolve(usage_period=next_period(subscription.usage_cycle, period), pending_lines=())
    return Renewed(closed, lines, BillingReason.SUBSCRIPTION_USAGE, period)


def stop_renewal(subscription: Subscription, at: datetime, events: Iterable[UsageEvent] = ()) -> Renewed:
    """The period ends while the account's billing is stopped (dunning's ``suspended``): what the ended
    period owes (its usage, pending prorations) is invoiced, no new period is charged, and the
    subscription waits as ``unpaid`` until ``resume_billing``."""
    require_changeable(subscription)
    at = utc(at)
    ending = subscription.current_period
    if at < ending.end:
        raise BusinessRuleError(ErrorCode.NOT_DUE, f"The period ends at {ending.end.isoformat()}.", "at")
    lines: list[InvoiceLine] = list(subscription.pending_lines)
    if subscription.is_billing and subscription.metered_items and subscription.usage_period.end == ending.end:
        lines += usage_lines(subscription, subscription.usage_period, events)
    stopped = subscription.evolve(status=SubscriptionStatus.UNPAID, pending_lines=(), scheduled_items=None)
    return Renewed(stopped, lines, BillingReason.SUBSCRIPTION_CYCLE, ending)


def resume_billing(subscription: Subscription, at: datetime) -> Renewed:
    """Billing starts again at ``at`` (the account paid what was overdue): the time it was stopped is not
    billed; the first period runs from ``at`` to the cycle's next boundary, prorated like a first partial
    period, so the anchor day stays the same."""
    at = utc(at)
    items = subscription.scheduled_items or subscription.items
    period = Period(at, subscription.cycle.period_at(at).end)
    charged, recurring = charge_items(items, period, subscription.id, subscription.cycle.period_at(at))
    usage_period = Period(at, subscription.usage_cycle.period_at(at).end)
    resumed = subscription.evolve(
        items=charged,
        current_period=period,
        usage_period=usage_period,
        status=SubscriptionStatus.ACTIVE,
        scheduled_items=None,
    )
    return Renewed(resumed, recurring, BillingReason.SUBSCRIPTION_CYCLE, period)
