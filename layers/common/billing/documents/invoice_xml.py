"""An invoice's e-invoice: the Factur-X CII XML stored beside its PDF (the same XML the PDF carries)."""

from __future__ import annotations

from billing.accounts.access import Principal
from billing.documents.services import xml_key
from billing.errors import ConflictError, ErrorCode
from billing.invoices.get_invoice import get_invoice
from billing.invoices.ports import InvoiceStore
from billing.ports import DocumentStorage


def invoice_xml(store: InvoiceStore, storage: DocumentStorage, principal: Principal, invoice_id: str) -> bytes:
    invoice = get_invoice(store, principal, invoice_id)
    if invoice.pdf_key is None:  # both are stored before the PDF's key is recorded
        raise ConflictError(
            ErrorCode.PDF_NOT_READY,
            "The e-invoice is made with the PDF, right after finalization; retry in a few seconds.",
            "invoice_id",
        )
    return storage.get(xml_key(invoice.pdf_key))
