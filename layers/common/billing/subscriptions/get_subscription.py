"""Read one subscription (another account's does not exist for the caller)."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.errors import ErrorCode, NotFoundError
from billing.subscriptions.models import Subscription
from billing.subscriptions.ports import SubscriptionStore
from billing.subscriptions.services import Services


def get_subscription(services: Services, principal: Principal, subscription_id: str) -> Subscription:
    return readable_subscription(services.store, principal, subscription_id, "subscription_id")


def readable_subscription(
    store: SubscriptionStore, principal: Principal, subscription_id: str, param: str
) -> Subscription:
    """The subscription if the caller may read its account; otherwise it does not exist for them."""
    subscription = store.get_subscription(subscription_id)
    if subscription is None:
        raise NotFoundError(ErrorCode.SUBSCRIPTION_NOT_FOUND, f"No subscription {subscription_id}.", param)
    try:
        require_access(principal, subscription.account_id, Permission.BILLING_READ)
    except NotFoundError as error:
        raise NotFoundError(ErrorCode.SUBSCRIPTION_NOT_FOUND, f"No subscription {subscription_id}.", param) from error
    return subscription
