"""A short-lived download link to a credit note's PDF, once published."""

from __future__ import annotations

from billing.accounts.access import Principal
from billing.errors import ConflictError, ErrorCode
from billing.invoices.get_credit_note import get_credit_note
from billing.invoices.ports import InvoiceStore
from billing.ports import DocumentStorage

MAX_DOCUMENTS = 500  # a zip built within one request; larger exports belong to an asynchronous job


def credit_note_pdf_url(store: InvoiceStore, storage: DocumentStorage, principal: Principal, note_id: str) -> str:
    note = get_credit_note(store, principal, note_id)
    if note.pdf_key is None:
        raise ConflictError(ErrorCode.PDF_NOT_READY, "The PDF is being made; retry in a few seconds.", "credit_note_id")
    return storage.url(note.pdf_key, f"{note.number}.pdf")
