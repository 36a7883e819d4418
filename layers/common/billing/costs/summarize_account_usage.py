"""An account's usage and cost across all its subscriptions, by day or month, grouped as asked.

Days are the account's calendar days (its time zone). ``from``/``to`` are dates (both included) or
instants (``to`` excluded), which select the days they fall in. Every row carries quantity, events and
cost with its currency; costs follow ``priced_usage`` (the invoice's rating, shared out), so a closed
period's rows add up to its invoice lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from billing.accounts.access import Principal
from billing.accounts.get_account import get_account
from billing.accounts.ports import AccountRepository
from billing.costs.account_usage import account_usage
from billing.costs.priced_usage import PricedDay
from billing.errors import ErrorCode, InvalidInputError
from billing.usage.ports import UsageStore

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

MAX_DAYS = 400


class Granularity(StrEnum):
    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class GroupBy:
    """What rows are split by: meter, subscription, and the values of one tag key."""

    meter: bool = False
    subscription: bool = False
    tag_key: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> GroupBy:
        meter = subscription = False
        tag_key = None
        for part in filter(None, (p.strip() for p in (text or "").split(","))):
            if part == "meter":
                meter = True
            elif part == "subscription":
                subscription = True
            elif part.startswith("tag:") and len(part) > 4 and tag_key is None:
                tag_key = part[4:]
            else:
                raise InvalidInputError(
                    ErrorCode.INVALID_GROUP_BY,
                    "group_by takes meter, subscription and one tag:<key>, comma-separated.",
                    "group_by",
                )
        return cls(meter, subscription, tag_key)


@dataclass(frozen=True, slots=True)
class CostRow:
    """Usage and cost of one day or month, for one meter, subscription or tag value when grouped so."""

    period: str  # the day (2026-11-03) or the month (2026-11)
    currency: str
    quantity: Decimal
    events: int
    cost: int  # minor units
    meter: str | None = None
    subscription_id: str | None = None
    tag: tuple[str, str | None] | None = None  # (key, value); value None: untagged


@dataclass(frozen=True, slots=True)
class AccountUsageSummary:
    """An account's usage and costs over a span, by day or by month."""

    account_id: str
    first: date
    last: date
    granularity: Granularity
    rows: tuple[CostRow, ...]


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)  # usage is kept 35 days back: wider is a typo


def day_span(start: date | datetime, end: date | datetime, zone: tzinfo) -> tuple[date, date]:
    """Dates are both included; instants select the days they fall in, ``end`` excluded."""
    refusal = InvalidInputError(
        ErrorCode.INVALID_RANGE, "from must precede to, at most 400 days apart, between 2000 and 2100.", "from"
    )
    try:
        first = start.astimezone(zone).date() if isinstance(start, datetime) else start
        last = (end - timedelta(microseconds=1)).astimezone(zone).date() if isinstance(end, datetime) else end
    except OverflowError as error:  # year 1 or 9999 moved across a time zone
        raise refusal from error
    if not EARLIEST <= first <= last <= LATEST or (last - first).days >= MAX_DAYS:
        raise refusal
    return first, last


def summarize_account_usage(
    store: BillingStore,
    accounts: AccountRepository,
    usage: UsageStore,
    principal: Principal,
    account_id: str,
    start: date | datetime,
    end: date | datetime,
    granularity: Granularity = Granularity.DAY,
    group_by: GroupBy = GroupBy(meter=True),
) -> AccountUsageSummary:
    account = get_account(accounts, principal, account_id)
    first, last = day_span(start, end, ZoneInfo(account.profile.time_zone))
    priced = account_usage(store, usage, account, first, last)
    days = [day for period in priced.periods for day in period.days if first <= day.day <= last]
    return AccountUsageSummary(account_id, first, last, granularity, tuple(group_rows(days, granularity, group_by)))


@dataclass
class CostSum:
    """Days added up into one row."""

    quantity: Decimal = Decimal(0)
    events: int = 0
    cost: int = 0

    def add(self, day: PricedDay) -> None:
        self.quantity += day.quantity
        self.events += day.events
        self.cost += day.cost


def group_rows(days: Sequence[PricedDay], granularity: Granularity, group_by: GroupBy) -> list[CostRow]:
    sums: dict[tuple[str, str, str | None, str | None, tuple[str, str | None] | None], CostSum] = defaultdict(CostSum)
    for day in days:
        bucket = day.day.isoformat() if granularity is Granularity.DAY else day.day.isoformat()[:7]
        tag = None
        if group_by.tag_key is not None:
            tag = (group_by.tag_key, dict(day.tags).get(group_by.tag_key))
        meter = day.meter if group_by.meter else None
        subscription = day.subscription_id if group_by.subscription else None
        sums[(bucket, day.currency, meter, subscription, tag)].add(day)
    rows = [
        CostRow(bucket, currency, total.quantity, total.events, total.cost, meter, subscription, tag)
        for (bucket, currency, meter, subscription, tag), total in sums.items()
    ]
    return sorted(rows, key=lambda r: (r.period, r.currency, r.meter or "", r.subscription_id or "", _tag_order(r)))


def _tag_order(row: CostRow) -> tuple[bool, str]:
    value = row.tag[1] if row.tag else None
    return (value is None, value or "")
