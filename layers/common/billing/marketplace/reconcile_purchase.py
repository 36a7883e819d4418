"""Bring a registered buyer's subscription in line with what AWS Marketplace says: every notice that
concerns the purchase (by license, customer or agreement), folded into one standing, and the license's
entitlements. Started: a subscription managed by AWS, its items following the entitlements (a dimension is
sold at the price whose ``lookup_key`` is its name). Ended: the subscription ends now, with nothing credited
or invoiced (AWS bills it). Run after each notice and when a registration is linked (events that came
first are applied then); idempotent: the same notices and entitlements change nothing more.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from billing.batch import WriteBatch
from billing.catalog.models import Price
from billing.clock import isoformat
from billing.conflicts import retried_on_conflict
from billing.events import DomainEvent, EventType
from billing.marketplace.meter_usage import HOUR, hour_start
from billing.marketplace.models import Entitlement, Registration
from billing.marketplace.notices import Notice
from billing.marketplace.ports import MarketplaceGateway
from billing.marketplace.standing import standing_of
from billing.ports import PageRequest
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.models import MarketplaceTerms, Subscription, SubscriptionItem, SubscriptionStatus

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

log = logging.getLogger(__name__)
MANAGED_BY = "aws_marketplace"


def purchase_notices(store: BillingStore, registration: Registration) -> list[Notice]:
    """The notices of a purchase: by its license and customer, then by every agreement those name."""
    customer = registration.customer
    keys = {f"customer:{customer.customer_identifier}"}
    if customer.license_arn:
        keys.add(f"license:{customer.license_arn}")
    found = store.notices(keys)
    agreements = {f"agreement:{n.agreement_id}" for n in found if n.agreement_id}
    return store.notices(keys | agreements) if agreements else found


@retried_on_conflict
def reconcile_purchase(
    store: BillingStore, gateway: MarketplaceGateway, registration_id: str, now: datetime
) -> Subscription | None:
    registration = store.get_registration(registration_id)
    if registration is None or registration.account_id is None:
        return None  # not linked yet: the notices wait, and are applied when it is
    standing = standing_of(purchase_notices(store, registration))
    subscription = store.get_subscription(registration.subscription_id) if registration.subscription_id else None
    if standing.ended:
        return _end(store, registration, subscription, now)
    if not standing.active:
        return subscription
    entitlements = _entitlements(gateway, registration)
    terms = MarketplaceTerms(
        registration.customer.license_arn,
        tuple(sorted((e.dimension, e.quantity) for e in entitlements)),
        standing.free_trial,
    )
    if subscription is None:
        return _start(store, registration, entitlements, terms, now)
    return _follow(store, registration, subscription, entitlements, terms, now)


def _entitlements(gateway: MarketplaceGateway, registration: Registration) -> list[Entitlement]:
    customer = registration.customer
    if not customer.license_arn:
        return []
    return [e for e in gateway.entitlements(customer.product_code, customer.license_arn) if e.quantity > 0]


def _prices_by_dimension(store: BillingStore) -> dict[str, Price]:
    found: dict[str, Price] = {}
    cursor = None
    while True:  # the catalog is small (tens of prices); listed, not indexed by key
        page = store.list_prices(PageRequest(limit=100, cursor=cursor))
        for price in page.items:
            if price.lookup_key and price.recurring is not None:
                found.setdefault(price.lookup_key, price)
        if not page.next_cursor:
            return found
        cursor = page.next_cursor


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:20]


def _items(
    store: BillingStore, registration: Registration, entitlements: list[Entitlement]
) -> list[tuple[str, Price, int]]:
    prices = _prices_by_dimension(store)
    items = []
    for entitlement in entitlements:
        price = prices.get(entitlement.dimension)
        if price is None:
            log.warning("no price has lookup_key %r: dimension not subscribed", entitlement.dimension)
            continue
        item_id = "si_" + _digest(registration.id, entitlement.dimension)
        items.append((item_id, price, entitlement.quantity))
    # Metered dimensions are not entitlements (AWS bills what is reported): every metered price the catalog
    # sells under a dimension is on the subscription, and its usage is reported hourly.
    named = {price.lookup_key for _, price, _ in items}
    for dimension, price in sorted(prices.items()):
        if price.is_metered and dimension not in named:
            items.append(("si_" + _digest(registration.id, dimension), price, 1))
    return items


def _detail(registration: Registration, subscription: Subscription) -> dict[str, object]:
    return {
        "subscription": subscription.id,
        "account": subscription.account_id,
        "managed_by": MANAGED_BY,
        "license_arn": registration.customer.license_arn,
    }


def _start(
    store: BillingStore,
    registration: Registration,
    entitlements: list[Entitlement],
    terms: MarketplaceTerms,
    now: datetime,
) -> Subscription | None:
    items = _items(store, registration, entitlements)
    if not items or registration.account_id is None:
        return None  # nothing this catalog sells yet: started when an entitlement names a priced dimension
    subscription_id = "sub_" + _digest(registration.id)  # one per purchase, whoever gets there first
    started = create_subscription(
        subscription_id,
        registration.account_id,
        [NewItem(item_id, price, quantity) for item_id, price, quantity in items],
        now=now,
        managed_by=MANAGED_BY,
    ).subscription.evolve(marketplace_terms=terms)
    event = DomainEvent(
        id=f"subscription.created:{subscription_id}",
        type=EventType.SUBSCRIPTION_CREATED,
        at=now,
        account_id=registration.account_id,
        detail=_detail(registration, started) | {"status": started.status.value},
    )
    metered = any(price.is_metered for _, price, _ in items)
    linked = replace(registration, subscription_id=subscription_id, meter_from=hour_start(now) if metered else None)
    store.commit(WriteBatch(subscriptions=[started], registrations=[linked], events=[event]))
    return store.get_subscription(subscription_id)


def _follow(
    store: BillingStore,
    registration: Registration,
    subscription: Subscription,
    entitlements: list[Entitlement],
    terms: MarketplaceTerms,
    now: datetime,
) -> Subscription:
    if subscription.status is SubscriptionStatus.CANCELED:
        return subscription
    wanted = _items(store, registration, entitlements)
    current = {(item.id, item.price.id, item.quantity) for item in subscription.items}
    if not wanted or ({(i, p.id, q) for i, p, q in wanted} == current and subscription.marketplace_terms == terms):
        return subscription
    items = tuple(SubscriptionItem(item_id, price, quantity) for item_id, price, quantity in wanted)
    updated = subscription.evolve(items=items, marketplace_terms=terms)
    pairs = ",".join(f"{e.dimension}={e.quantity}" for e in sorted(entitlements, key=lambda e: e.dimension))
    version = _digest(pairs)
    detail = _detail(registration, updated)
    events = [
        DomainEvent(
            id=f"subscription.updated:{subscription.id}:{version}",
            type=EventType.SUBSCRIPTION_UPDATED,
            at=now,
            account_id=subscription.account_id,
            detail=detail,
        ),
        DomainEvent(
            id=f"entitlement.updated:{subscription.id}:{version}",
            type=EventType.ENTITLEMENT_UPDATED,
            at=now,
            account_id=subscription.account_id,
            detail=detail | {"entitlements": pairs},
        ),
    ]
    store.commit(WriteBatch(subscriptions=[updated], events=events))
    return store.get_subscription(subscription.id) or updated


def _end(
    store: BillingStore, registration: Registration, subscription: Subscription | None, now: datetime
) -> Subscription | None:
    if subscription is None or subscription.status is SubscriptionStatus.CANCELED:
        return subscription
    ended = subscription.evolve(status=SubscriptionStatus.CANCELED, canceled_at=now, ended_at=now)
    period = subscription.current_period
    event = DomainEvent(
        id=f"subscription.ended:{subscription.id}",
        type=EventType.SUBSCRIPTION_ENDED,
        at=now,
        account_id=subscription.account_id,
        detail={
            "subscription": subscription.id,
            "period_start": isoformat(period.start),
            "period_end": isoformat(period.end),
            "status": "canceled",
            "managed_by": MANAGED_BY,
        },
    )
    batch = WriteBatch(subscriptions=[ended], events=[event])
    if registration.meter_from is not None and registration.meter_until is None:
        # AWS takes the final hour's usage after the end, nothing later.
        batch.registrations.append(replace(registration, meter_until=hour_start(now) + HOUR))
    store.commit(batch)
    return store.get_subscription(subscription.id) or ended
