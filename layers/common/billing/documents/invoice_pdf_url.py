"""A short-lived download link to an invoice's PDF, once published."""

from __future__ import annotations

from billing.accounts.access import Principal
from billing.errors import ConflictError, ErrorCode
from billing.invoices.get_invoice import get_invoice
from billing.invoices.ports import InvoiceStore
from billing.ports import DocumentStorage

MAX_DOCUMENTS = 500  # a zip built within one request; larger exports belong to an asynchronous job


def invoice_pdf_url(store: InvoiceStore, storage: DocumentStorage, principal: Principal, invoice_id: str) -> str:
    invoice = get_invoice(store, principal, invoice_id)
    if invoice.pdf_key is None:
        raise ConflictError(
            ErrorCode.PDF_NOT_READY, "The PDF is made right after finalization; retry in a few seconds.", "invoice_id"
        )
    return storage.url(invoice.pdf_key, f"{invoice.number}.pdf")
