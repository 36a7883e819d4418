"""Report a marketplace subscription's usage to AWS, hour by hour (BatchMeterUsage).

Every closed hour of an active metered subscription is reported, at quantity 0 too, once: the hour is
claimed (created at version 0) before it is sent, and the registration's ``meter_from`` moves past it only
when AWS has accepted it. A throttled call or unprocessed records leave it pending: the next pass sends the
same records again (AWS answers DuplicateRecord for what it already has). An hour found more than 6 hours
after it closed is not sent (AWS refuses those): it is kept as ``expired``, reported, not lost silently.
After AWS ends the purchase, the final hour is still sent, nothing later.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP
from typing import TYPE_CHECKING

from billing.batch import WriteBatch
from billing.errors import ConflictError
from billing.marketplace.models import Allocation, HourStatus, MeteredDimension, MeteringHour, Registration
from billing.marketplace.ports import MarketplaceGateway
from billing.money import allocate
from billing.periods import Period
from billing.subscriptions.models import Subscription
from billing.usage.aggregate_usage import aggregate, aggregate_by_tags, events_in
from billing.usage.models import UsageEvent
from billing.usage.ports import UsageStore
from billing.usage.rate_usage import quantity_weights

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

HOUR = timedelta(hours=1)
LATEST_ACCEPTED = timedelta(hours=6)  # AWS refuses records 6 hours or more after their hour
MAX_HOURS_PER_PASS = 48


def hour_start(instant: datetime) -> datetime:
    return instant.replace(minute=0, second=0, microsecond=0)


def metered_dimensions(subscription: Subscription, events: list[UsageEvent], hour: datetime) -> list[MeteredDimension]:
    """Each metered item priced under a dimension (its lookup_key): the hour's quantity and tag shares."""
    period = Period(hour, hour + HOUR)
    found = []
    for item in subscription.metered_items:
        price = item.price
        if not price.lookup_key or price.meter is None:
            continue
        kept = events_in(events, price.meter, period)
        quantity = int(aggregate(kept, price.meter).to_integral_value(rounding=ROUND_HALF_UP))
        allocations: tuple[Allocation, ...] = ()
        by_tags = aggregate_by_tags(kept, price.meter)
        if any(tags for tags in by_tags) and quantity > 0:
            parts = allocate(
                quantity, quantity_weights(list(by_tags.values()))
            )  # whole units summing to the quantity, as AWS requires
            allocations = tuple(Allocation(tags, part) for tags, part in zip(by_tags, parts, strict=True) if part)
        found.append(MeteredDimension(price.lookup_key, quantity, allocations))
    return found


def meter_usage(
    store: BillingStore, usage: UsageStore, gateway: MarketplaceGateway, registration_id: str, now: datetime
) -> list[MeteringHour]:
    """Report the closed hours from the registration's ``meter_from``; what was done, in order."""
    done: list[MeteringHour] = []
    for _ in range(MAX_HOURS_PER_PASS):
        registration = store.get_registration(registration_id)
        if registration is None or registration.next_due() is None or registration.subscription_id is None:
            return done
        hour = registration.meter_from
        assert hour is not None
        if hour + HOUR > now:
            return done
        subscription = store.get_subscription(registration.subscription_id)
        if subscription is None:
            return done
        record = _claimed(store, registration, subscription, usage, hour, now)
        if record.status is HourStatus.PENDING and now - (hour + HOUR) >= LATEST_ACCEPTED:
            record = _expire(store, record)  # failed sends until AWS would refuse it: reported, not sent
        if record.status is HourStatus.PENDING:
            record = _send(store, gateway, registration, record)
            if record.status is HourStatus.PENDING:
                done.append(record)
                return done  # throttled or unprocessed: the next pass sends it again
        store.commit(WriteBatch(registrations=[replace(registration, meter_from=hour + HOUR)]))
        done.append(record)
    return done


def _claimed(
    store: BillingStore,
    registration: Registration,
    subscription: Subscription,
    usage: UsageStore,
    hour: datetime,
    now: datetime,
) -> MeteringHour:
    found = store.metering_hours(subscription.id, hour, hour + HOUR)
    if found:
        return found[0]
    events = usage.events(subscription.id, hour, hour + HOUR)
    status = HourStatus.EXPIRED if now - (hour + HOUR) >= LATEST_ACCEPTED else HourStatus.PENDING
    record = MeteringHour(
        subscription.id,
        hour,
        registration.customer.product_code,
        tuple(metered_dimensions(subscription, events, hour)),
        status,
    )
    try:
        store.commit(WriteBatch(metering_hours=[record]))  # version 0: claimed once
    except ConflictError:
        return store.metering_hours(subscription.id, hour, hour + HOUR)[0]  # a concurrent pass claimed it
    return replace(record, version=1)


def _expire(store: BillingStore, record: MeteringHour) -> MeteringHour:
    expired = replace(record, status=HourStatus.EXPIRED)
    store.commit(WriteBatch(metering_hours=[expired]))
    return replace(expired, version=expired.version + 1)


def _send(
    store: BillingStore, gateway: MarketplaceGateway, registration: Registration, record: MeteringHour
) -> MeteringHour:
    answered = gateway.meter(record.product_code, registration.customer, record.hour, record.dimensions)
    if answered is None:
        updated = replace(record, attempts=record.attempts + 1)
    else:
        updated = replace(record, dimensions=tuple(answered), status=HourStatus.SENT, attempts=record.attempts + 1)
    store.commit(WriteBatch(metering_hours=[updated]))
    return replace(updated, version=updated.version + 1)
