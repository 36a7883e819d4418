"""Daily usage of one subscription per meter and tag set (Azure's daily usage download), priced as its
invoice prices it (costs/priced_usage: the period rated once, shared out by day and tags)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from billing.accounts.access import Principal
from billing.accounts.ports import AccountRepository
from billing.costs.account_usage import account_usage
from billing.costs.summarize_account_usage import CostSum, day_span
from billing.errors import ErrorCode, NotFoundError
from billing.subscriptions.get_subscription import readable_subscription
from billing.usage.models import Tags
from billing.usage.ports import UsageStore

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


@dataclass(frozen=True, slots=True)
class UsageRow:
    """One day's usage of a meter and tag set, and what it costs."""

    day: date  # in the account's time zone
    meter: str
    tags: Tags
    quantity: Decimal
    events: int
    cost: int  # minor units
    currency: str


def summarize_usage(
    store: BillingStore,
    accounts: AccountRepository,
    usage: UsageStore,
    principal: Principal,
    subscription_id: str,
    start: datetime,
    end: datetime,
    by_tags: bool,
) -> list[UsageRow]:
    subscription = readable_subscription(store, principal, subscription_id, "subscription")
    account = accounts.get(subscription.account_id)
    if account is None:
        raise NotFoundError(ErrorCode.SUBSCRIPTION_NOT_FOUND, f"No subscription {subscription_id}.", "subscription")
    first, last = day_span(start, end, ZoneInfo(account.profile.time_zone))
    sums: dict[tuple[date, str, Tags, str], CostSum] = defaultdict(CostSum)
    for period in account_usage(store, usage, account, first, last).periods:
        for day in period.days:
            if day.subscription_id == subscription_id and first <= day.day <= last:
                sums[(day.day, day.meter, day.tags if by_tags else (), day.currency)].add(day)
    return [
        UsageRow(day, meter, tags, total.quantity, total.events, total.cost, currency)
        for (day, meter, tags, currency), total in sorted(sums.items(), key=lambda entry: entry[0])
    ]
