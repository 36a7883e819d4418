"""What was reported to AWS Marketplace for a subscription, hour by hour, for whoever may read it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from billing.accounts.access import Principal
from billing.errors import ErrorCode, InvalidInputError
from billing.marketplace.models import MeteringHour
from billing.subscriptions.get_subscription import readable_subscription

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

MAX_SPAN = timedelta(days=31)


def list_metering(
    store: BillingStore, principal: Principal, subscription_id: str, start: datetime, end: datetime
) -> list[MeteringHour]:
    subscription = readable_subscription(store, principal, subscription_id, "subscription_id")
    if not start < end or end - start > MAX_SPAN:
        raise InvalidInputError(ErrorCode.INVALID_RANGE, "from must precede to, at most 31 days apart.", "from")
    return store.metering_hours(subscription.id, start, end)
