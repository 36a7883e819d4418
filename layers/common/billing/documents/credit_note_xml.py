"""A credit note's e-invoice: the Factur-X CII XML (type 381) stored beside its PDF."""

from __future__ import annotations

from billing.accounts.access import Principal
from billing.documents.services import xml_key
from billing.errors import ConflictError, ErrorCode
from billing.invoices.get_credit_note import get_credit_note
from billing.invoices.ports import InvoiceStore
from billing.ports import DocumentStorage


def credit_note_xml(store: InvoiceStore, storage: DocumentStorage, principal: Principal, note_id: str) -> bytes:
    note = get_credit_note(store, principal, note_id)
    if note.pdf_key is None:  # both are stored before the PDF's key is recorded
        raise ConflictError(
            ErrorCode.PDF_NOT_READY, "The e-invoice is made with the PDF; retry in a few seconds.", "credit_note_id"
        )
    return storage.get(xml_key(note.pdf_key))
