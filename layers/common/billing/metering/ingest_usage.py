"""Batch usage ingestion: each event accepted, duplicate (same id, already stored) or rejected.

Accepted and duplicate events are both stored exactly once: events are keyed by (subscription, id),
so a replayed batch rewrites nothing new. Timestamps are accepted from 35 days back to 5 minutes
ahead (Stripe's window). Every refusal says which event and why; the others still go in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from billing.accounts.access import Permission, Principal
from billing.clock import Clock
from billing.errors import BillingError, ErrorCode
from billing.subscriptions.models import Subscription, SubscriptionStatus
from billing.subscriptions.ports import SubscriptionStore
from billing.usage.models import Tags, UsageEvent
from billing.usage.ports import UsageStore

MAX_BATCH = 1000
MAX_AGE = timedelta(days=35)
MAX_AHEAD = timedelta(minutes=5)
MAX_TAGS = 5  # AWS Marketplace's allocation model: up to 5 tags


@dataclass(frozen=True, slots=True)
class IncomingEvent:
    id: str
    subscription_id: str
    meter: str
    quantity: Decimal
    timestamp: datetime
    tags: Tags = ()
    unique_value: str | None = None


@dataclass(frozen=True, slots=True)
class EventError:
    index: int
    id: str
    code: str
    message: str


@dataclass
class Ingested:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[EventError] = field(default_factory=list)


def _refusal(
    event: IncomingEvent, subscription: Subscription | None, principal: Principal, now: datetime
) -> tuple[str, str] | None:
    if subscription is None or not _may_write(principal, subscription):
        return "subscription_not_found", f"No subscription {event.subscription_id}."
    if event.meter not in {item.price.meter.event_name for item in subscription.metered_items if item.price.meter}:
        return "unknown_meter", f"Subscription {subscription.id} has no metered price on {event.meter!r}."
    if event.timestamp < now - MAX_AGE:
        return "timestamp_too_old", "Usage older than 35 days is refused."
    if event.timestamp > now + MAX_AHEAD:
        return "timestamp_in_future", "Usage more than 5 minutes ahead is refused."
    if event.timestamp < subscription.usage_period.start:
        # That period is invoiced already: say so rather than accept usage no invoice will carry.
        return "usage_period_closed", "The usage period of this timestamp is already invoiced."
    if (
        subscription.status is SubscriptionStatus.CANCELED
        and subscription.ended_at
        and event.timestamp >= subscription.ended_at
    ):
        return "subscription_ended", "The subscription had ended at that time."
    if event.quantity < 0 or not event.quantity.is_finite():
        return "invalid_quantity", "Quantities are zero or more."
    if len(event.tags) > MAX_TAGS:
        return "too_many_tags", f"At most {MAX_TAGS} tags per event."
    return None


def _may_write(principal: Principal, subscription: Subscription) -> bool:
    if principal.is_operator:
        return True
    return principal.account_id == subscription.account_id and principal.can(Permission.BILLING_MANAGE)


def ingest_usage(
    store: SubscriptionStore, usage: UsageStore, clock: Clock, principal: Principal, events: Sequence[IncomingEvent]
) -> Ingested:
    if len(events) > MAX_BATCH:
        raise BillingError(ErrorCode.BATCH_TOO_LARGE, f"At most {MAX_BATCH} events per request.", "events")
    now = clock.now()
    subscriptions = store.get_subscriptions({event.subscription_id for event in events})
    result = Ingested()
    candidates: dict[tuple[str, str], UsageEvent] = {}
    for index, event in enumerate(events):
        refusal = _refusal(event, subscriptions.get(event.subscription_id), principal, now)
        if refusal is not None:
            result.rejected += 1
            result.errors.append(EventError(index, event.id, *refusal))
            continue
        key = (event.subscription_id, event.id)
        if key in candidates:
            result.duplicates += 1
            continue
        candidates[key] = UsageEvent(
            event.id,
            event.subscription_id,
            event.meter,
            event.quantity,
            event.timestamp,
            event.tags,
            event.unique_value,
        )
    known = usage.known_event_ids(candidates) if candidates else set()
    fresh = [event for key, event in candidates.items() if key not in known]
    usage.add_events(fresh)
    result.accepted += len(fresh)
    result.duplicates += len(candidates) - len(fresh)
    return result
