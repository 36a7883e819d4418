"""Read one subscription (another account's does not exist for the caller)."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.errors import ErrorCode, NotFoundError
from billing.subscriptions.models import Subscription
from billing.subscriptions.services import Services


def get_subscription(services: Services, principal: Principal, subscription_id: str) -> Subscription:
    subscription = services.store.get_subscription(subscription_id)
    if subscription is None:
        raise NotFoundError(ErrorCode.SUBSCRIPTION_NOT_FOUND, f"No subscription {subscription_id}.", "subscription_id")
    try:
        require_access(principal, subscription.account_id, Permission.BILLING_READ)
    except NotFoundError as error:
        raise NotFoundError(
            ErrorCode.SUBSCRIPTION_NOT_FOUND, f"No subscription {subscription_id}.", "subscription_id"
        ) from error
    return subscription
