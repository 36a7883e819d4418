"""An account's credit notes, newest first, optionally those of one invoice."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.invoices.models import CreditNote
from billing.invoices.ports import InvoiceStore
from billing.ports import Page, PageRequest


def list_credit_notes(
    store: InvoiceStore, principal: Principal, account_id: str, invoice_id: str | None, page: PageRequest
) -> Page[CreditNote]:
    """With ``invoice_id``, a page keeps that invoice's notes only (a filter after the read, as DynamoDB's)."""
    require_access(principal, account_id, Permission.BILLING_READ)
    found = store.list_credit_notes(account_id, page)
    if invoice_id is None:
        return found
    return Page([note for note in found.items if note.invoice_id == invoice_id], found.next_cursor)
