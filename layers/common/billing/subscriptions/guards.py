from __future__ import annotations

from billing.errors import ConflictError
from billing.subscriptions.models import Subscription, SubscriptionStatus


def require_changeable(subscription: Subscription) -> None:
    if subscription.managed_by == "aws_marketplace":
        raise ConflictError(
            "managed_by_marketplace",
            "This subscription is managed in AWS Marketplace: change it there.",
            "subscription",
        )
    if subscription.status is SubscriptionStatus.CANCELED:
        raise ConflictError("subscription_canceled", "A canceled subscription cannot change.", "subscription")
