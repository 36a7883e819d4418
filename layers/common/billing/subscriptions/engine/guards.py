from __future__ import annotations

from billing.errors import ConflictError, ErrorCode
from billing.subscriptions.models import Subscription, SubscriptionStatus


def require_changeable(subscription: Subscription) -> None:
    if subscription.managed_by == "aws_marketplace":
        raise ConflictError(
            ErrorCode.MANAGED_BY_MARKETPLACE,
            "This subscription is managed in AWS Marketplace: change it there.",
            "subscription",
        )
    if subscription.status is SubscriptionStatus.CANCELED:
        raise ConflictError(ErrorCode.SUBSCRIPTION_CANCELED, "A canceled subscription cannot change.", "subscription")
