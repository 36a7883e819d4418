"""An account's dunning state, evaluated again whenever its unpaid invoices change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.batch import AccountStatusChange
from billing.events import DomainEvent
from billing.invoices.models import Invoice, InvoiceStatus
from billing.invoices.ports import InvoiceStore
from billing.payments.dunning import DunningPolicy, status_changed_event
from billing.ports import PageRequest

MAX_PAGES = 10  # 1,000 open invoices: more than any account should carry


def open_invoices(store: InvoiceStore, account_id: str) -> list[Invoice]:
    found, cursor = [], None
    for _ in range(MAX_PAGES):
        page = store.list_invoices(account_id, InvoiceStatus.OPEN.value, PageRequest(limit=100, cursor=cursor))
        found += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    return found


def status_change(
    store: InvoiceStore,
    accounts: AccountRepository,
    account_id: str,
    updated: Iterable[Invoice],
    now: datetime,
    policy: DunningPolicy,
    account: Account | None = None,
) -> tuple[AccountStatusChange, DomainEvent] | None:
    """The account's new state if ``updated`` (invoices about to be saved) changes it, else None."""
    account = account or accounts.get(account_id)
    if account is None:
        return None
    invoices = {invoice.id: invoice for invoice in open_invoices(store, account_id)}
    invoices.update({invoice.id: invoice for invoice in updated})
    unpaid = [invoice for invoice in invoices.values() if invoice.status is InvoiceStatus.OPEN]
    status = policy.account_status(unpaid, now)
    if status is account.status:
        return None
    return (
        AccountStatusChange(account_id, status, account.version),
        status_changed_event(account_id, account.status, status, now),
    )
