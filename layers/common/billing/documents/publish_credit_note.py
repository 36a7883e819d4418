"""Render and store a credit note: a Factur-X (type 381, referring to its invoice) and its XML beside it."""

from __future__ import annotations

import contextlib
from dataclasses import replace

from billing.batch import WriteBatch
from billing.documents.document import credit_note_document
from billing.documents.einvoice_terms import credit_note_terms
from billing.documents.services import DocumentServices, factur_x, sha256_of, store_document
from billing.errors import ConflictError
from billing.invoices.models import invoiced_account


def publish_credit_note(services: DocumentServices, credit_note_id: str) -> None:
    note = services.store.get_credit_note(credit_note_id)
    if note is None or note.pdf_key is not None:
        return
    account = services.accounts.get(note.account_id)
    invoice = services.store.get_invoice(note.invoice_id)
    if account is None or invoice is None:
        return
    account = invoiced_account(account, invoice)  # the buyer its invoice names
    document = credit_note_document(note, account, services.seller, invoice.draft.vat_mention)
    terms = credit_note_terms(note, account, services.seller, invoice.draft.vat_mention)
    pdf, xml = factur_x(services, document, terms, note.created)
    key = f"credit_notes/{note.account_id}/{note.number}-{note.id}.pdf"
    pdf = store_document(services, key, pdf, xml, note.created)
    # A conflict means a concurrent delivery recorded it first (credit notes change only here): done.
    with contextlib.suppress(ConflictError):
        services.store.commit(WriteBatch(credit_notes=[replace(note, pdf_key=key, pdf_sha256=sha256_of(pdf))]))
