"""Set a subscription's cost-allocation tags (up to 5, replaced whole): the chargeback of its recurring
items follows them (cost allocation reads the subscription's tags as they are now, for past invoices too)."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.batch import WriteBatch
from billing.conflicts import retried_on_conflict
from billing.subscriptions.get_subscription import get_subscription
from billing.subscriptions.models import Subscription
from billing.subscriptions.services import Services


@retried_on_conflict
def tag_subscription(
    services: Services, principal: Principal, subscription_id: str, tags: tuple[tuple[str, str], ...]
) -> Subscription:
    subscription = get_subscription(services, principal, subscription_id)
    require_access(principal, subscription.account_id, Permission.BILLING_MANAGE)
    if subscription.tags == tags:
        return subscription
    return services.store.commit(WriteBatch(subscriptions=[subscription.evolve(tags=tags)])).subscriptions[-1]
