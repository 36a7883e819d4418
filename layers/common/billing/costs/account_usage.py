"""What cost reads share: an account's subscriptions, its time zone and its priced usage around a span."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from billing.accounts.models import Account
from billing.costs.priced_usage import PeriodUsage, price_usage
from billing.periods import Period
from billing.ports import PageRequest
from billing.subscriptions.models import Subscription
from billing.usage.models import UsageEvent
from billing.usage.ports import UsageStore

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


@dataclass(frozen=True, slots=True)
class AccountUsage:
    """An account's usage over a span of days, with the subscriptions and usage periods that price it."""

    account: Account
    zone: tzinfo
    subscriptions: dict[str, Subscription]
    periods: list[PeriodUsage]  # every usage period touching the span, whole (its days outside included)


def all_subscriptions(store: BillingStore, account_id: str) -> dict[str, Subscription]:
    found: dict[str, Subscription] = {}
    cursor = None
    while True:
        page = store.list_subscriptions(account_id, PageRequest(limit=100, cursor=cursor))
        found.update({s.id: s for s in page.items})
        if not page.next_cursor:
            return found
        cursor = page.next_cursor


def account_usage(store: BillingStore, usage: UsageStore, account: Account, first: date, last: date) -> AccountUsage:
    """Priced usage of the periods touching ``first``..``last``: the read extends by the longest usage
    period on both sides, so a period cut by the span is still rated on its whole quantity."""
    zone = ZoneInfo(account.profile.time_zone)
    subscriptions = all_subscriptions(store, account.id)
    months = max((s.usage_cycle.months for s in subscriptions.values()), default=1)
    margin = timedelta(days=31 * months)
    totals = usage.daily_usage(account.id, first - margin, last + margin)

    def events_of(subscription_id: str, period: Period) -> list[UsageEvent]:
        return usage.events(subscription_id, period.start, period.end)

    return AccountUsage(account, zone, subscriptions, price_usage(totals, subscriptions, events_of, zone))
