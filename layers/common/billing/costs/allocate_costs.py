"""Chargeback and showback by tag: what a month cost each team, project or environment.

Chargeback comes from the invoices finalized in the month (the account's calendar): usage lines split by
their tag shares, other lines (recurring, prorations, one-off) by their subscription's tags; each
invoice's discount and VAT are shared out in proportion, so the rows add up to the invoices' totals to
the cent (largest remainder: a rounding difference is assigned, never lost). Showback is the month so far:
the usage cost of the open periods (priced as the invoice will price it) and the recurring charges
billed in the month, excluding tax. Usage or subscriptions without the tag make a row of their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from billing.accounts.access import Principal
from billing.accounts.get_account import get_account
from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.costs.account_usage import account_usage, all_subscriptions
from billing.costs.measure_budget import month_span
from billing.costs.summarize_account_usage import EARLIEST, LATEST
from billing.errors import ErrorCode, InvalidInputError
from billing.invoices.models import Invoice, InvoiceStatus
from billing.money import allocate
from billing.ports import PageRequest
from billing.subscriptions.models import Subscription
from billing.usage.ports import UsageStore

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

Value = str | None  # a tag's value; None: untagged


@dataclass(frozen=True, slots=True)
class AllocationRow:
    """The cost one value of a tag key bears in a month, in one currency."""

    value: Value
    currency: str
    excluding_tax: int
    tax: int
    including_tax: int


@dataclass(frozen=True, slots=True)
class CostAllocation:
    """A month's costs of an account split by one tag key: invoiced (chargeback) and so far (showback)."""

    account_id: str
    month: str
    tag_key: str
    chargeback: tuple[AllocationRow, ...]  # finalized invoices of the month
    showback: tuple[AllocationRow, ...]  # the month so far (excluding tax only)
    invoices: tuple[str, ...]  # the invoices allocated


def parse_month(text: str) -> date:
    refusal = InvalidInputError(
        ErrorCode.INVALID_PERIOD, "period is a month from 2000-01 to 2100-12: YYYY-MM.", "period"
    )
    try:
        month = date.fromisoformat(f"{text}-01")
    except ValueError as error:
        raise refusal from error
    if not EARLIEST <= month <= LATEST:
        raise refusal
    return month


def parse_tag_key(text: str) -> str:
    if not text.startswith("tag:") or not 1 <= len(text) - 4 <= 64:
        raise InvalidInputError(ErrorCode.INVALID_GROUP_BY, "by is tag:<key>.", "by")
    return text[4:]


def allocate_costs(
    store: BillingStore,
    accounts: AccountRepository,
    usage: UsageStore,
    principal: Principal,
    account_id: str,
    month: date,
    tag_key: str,
) -> CostAllocation:
    account = get_account(accounts, principal, account_id)
    zone = ZoneInfo(account.profile.time_zone)
    first, last = month_span(month)
    subscriptions = all_subscriptions(store, account_id)
    invoices = [
        invoice
        for invoice in _finalized(store, account_id)
        if invoice.finalized_at and first <= invoice.finalized_at.astimezone(zone).date() <= last
    ]
    sums: dict[tuple[Value, str], list[int]] = defaultdict(lambda: [0, 0])
    for invoice in invoices:
        for (value, currency), (excluding, tax) in _invoice_rows(invoice, subscriptions, tag_key).items():
            sums[(value, currency)][0] += excluding
            sums[(value, currency)][1] += tax
    chargeback = tuple(
        AllocationRow(value, currency, excluding, tax, excluding + tax)
        for (value, currency), (excluding, tax) in sorted(sums.items(), key=_order)
    )
    showback = _showback(store, usage, account, first, last, subscriptions, tag_key, zone)
    return CostAllocation(
        account_id, month.isoformat()[:7], tag_key, chargeback, showback, tuple(i.id for i in invoices)
    )


def _order(entry: tuple[tuple[Value, str], list[int]]) -> tuple[str, bool, str]:
    (value, currency), _ = entry
    return (currency, value is None, value or "")


def _finalized(store: BillingStore, account_id: str) -> list[Invoice]:
    found: list[Invoice] = []
    cursor = None
    while True:
        page = store.list_invoices(account_id, None, PageRequest(limit=100, cursor=cursor))
        found += [i for i in page.items if i.finalized_at is not None and i.status is not InvoiceStatus.DRAFT]
        if not page.next_cursor:
            return found
        cursor = page.next_cursor


def _invoice_rows(
    invoice: Invoice, subscriptions: dict[str, Subscription], tag_key: str
) -> dict[tuple[Value, str], tuple[int, int]]:
    draft = invoice.draft
    before_discount: dict[Value, int] = defaultdict(int)
    for line in draft.lines:
        if line.tag_shares:
            for share in line.tag_shares:
                before_discount[dict(share.tags).get(tag_key)] += share.amount
        else:
            subscription = subscriptions.get(line.subscription_id or draft.subscription_id or "")
            before_discount[dict(subscription.tags).get(tag_key) if subscription else None] += line.amount
    values = sorted(before_discount, key=lambda v: (v is None, v or ""))
    gross = [before_discount[v] for v in values]
    discount = sum(d.amount for d in draft.discounts)
    discounts = allocate(discount, [max(0, g) for g in gross]) if discount else [0] * len(gross)
    excluding = [g - d for g, d in zip(gross, discounts, strict=True)]
    tax_total = sum(t.amount for t in draft.taxes)
    taxes = allocate(tax_total, [max(0, e) for e in excluding]) if tax_total else [0] * len(excluding)
    return {(v, draft.currency): (e, t) for v, e, t in zip(values, excluding, taxes, strict=True)}


def _showback(
    store: BillingStore,
    usage: UsageStore,
    account: Account,
    first: date,
    last: date,
    subscriptions: dict[str, Subscription],
    tag_key: str,
    zone: ZoneInfo,
) -> tuple[AllocationRow, ...]:
    priced = account_usage(store, usage, account, first, last)
    sums: dict[tuple[Value, str], int] = defaultdict(int)
    for period in priced.periods:
        for day in period.days:
            if first <= day.day <= last:
                sums[(dict(day.tags).get(tag_key), day.currency)] += day.cost
    for subscription in subscriptions.values():
        for item in subscription.licensed_items:
            if item.charged and first <= item.charged.span.start.astimezone(zone).date() <= last:
                sums[(dict(subscription.tags).get(tag_key), subscription.currency)] += item.charged.amount
    return tuple(
        AllocationRow(value, currency, amount, 0, amount)
        for (value, currency), amount in sorted(sums.items(), key=lambda e: (e[0][1], e[0][0] is None, e[0][0] or ""))
    )
