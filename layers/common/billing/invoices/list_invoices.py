"""An account's invoices, newest first, optionally of one status, or only those overdue."""

from __future__ import annotations

from datetime import datetime

from billing.accounts.access import Permission, Principal, require_access
from billing.invoices.models import Invoice, InvoiceStatus
from billing.invoices.ports import InvoiceStore
from billing.ports import Page, PageRequest


def list_invoices(
    store: InvoiceStore,
    principal: Principal,
    account_id: str,
    status: InvoiceStatus | None,
    page: PageRequest,
    overdue: bool | None = None,
    now: datetime | None = None,
) -> Page[Invoice]:
    """With ``overdue``, only open invoices are read and those past due (or not) kept: a page may then hold
    fewer than ``limit`` invoices and still have a next one, as any filtered DynamoDB query."""
    require_access(principal, account_id, Permission.BILLING_READ)
    if overdue is None or now is None:
        return store.list_invoices(account_id, status.value if status else None, page)
    if status not in (None, InvoiceStatus.OPEN):
        return Page([], None) if overdue else store.list_invoices(account_id, status.value, page)
    found = store.list_invoices(account_id, InvoiceStatus.OPEN.value, page)
    kept = [i for i in found.items if (i.past_due_since(now) is not None) == overdue]
    return Page(kept, found.next_cursor)
