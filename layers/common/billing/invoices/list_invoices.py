"""An account's invoices, newest first, optionally of one status."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.invoices.models import Invoice, InvoiceStatus
from billing.invoices.ports import InvoiceStore
from billing.ports import Page, PageRequest


def list_invoices(
    store: InvoiceStore, principal: Principal, account_id: str, status: InvoiceStatus | None, page: PageRequest
) -> Page[Invoice]:
    require_access(principal, account_id, Permission.BILLING_READ)
    return store.list_invoices(account_id, status.value if status else None, page)
