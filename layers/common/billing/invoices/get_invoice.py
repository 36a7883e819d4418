"""Read one invoice, as its account sees it: another account's invoice does not exist for the caller."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.errors import ErrorCode, NotFoundError
from billing.invoices.models import Invoice
from billing.invoices.ports import InvoiceStore


def get_invoice(store: InvoiceStore, principal: Principal, invoice_id: str) -> Invoice:
    invoice = store.get_invoice(invoice_id)
    if invoice is None:
        raise NotFoundError(ErrorCode.INVOICE_NOT_FOUND, f"No invoice {invoice_id}.", "invoice_id")
    try:
        require_access(principal, invoice.account_id, Permission.BILLING_READ)
    except NotFoundError as error:  # another account's invoice does not exist for this caller
        raise NotFoundError(ErrorCode.INVOICE_NOT_FOUND, f"No invoice {invoice_id}.", "invoice_id") from error
    return invoice
