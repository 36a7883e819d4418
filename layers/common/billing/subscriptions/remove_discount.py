"""Take the discount off a subscription: its next invoices are at full price; drafted ones keep theirs."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.batch import WriteBatch
from billing.conflicts import retried_on_conflict
from billing.subscriptions.engine.guards import require_changeable
from billing.subscriptions.get_subscription import get_subscription
from billing.subscriptions.models import Subscription
from billing.subscriptions.services import Services


@retried_on_conflict
def remove_discount(services: Services, principal: Principal, subscription_id: str) -> Subscription:
    subscription = get_subscription(services, principal, subscription_id)
    require_access(principal, subscription.account_id, Permission.BILLING_MANAGE)
    require_changeable(subscription)
    if subscription.discount is None:
        return subscription  # already without: removing again changes nothing
    return services.store.commit(WriteBatch(subscriptions=[subscription.evolve(discount=None)])).subscriptions[-1]
