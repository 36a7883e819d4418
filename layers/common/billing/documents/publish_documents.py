"""Render a finalized invoice (or a credit note) to PDF, store it, and email the invoice once.

Runs from the documents queue (EventBridge rule on ``invoice.finalized`` and ``credit_note.created``).
Rendering and storing are idempotent (same key, same bytes); the email is claimed in the same
transaction that records the PDF, and sent only by the run that made the claim: a retried step never
sends it twice (at most once; a failure after the claim is logged for an operator to resend).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency

from billing.batch import WriteBatch
from billing.documents.document import credit_note_document, invoice_document
from billing.documents.seller import Seller
from billing.errors import ConflictError
from billing.invoices.models import Invoice
from billing.money import minor_unit_exponent
from billing.ports import AccountRepository, BillingStore, DocumentStorage, Mailer, PdfRenderer

_SUBJECT = {"fr": "Votre facture {number} — {amount}", "en": "Your invoice {number} — {amount}"}
_BODY = {
    "fr": "Bonjour,\n\nVeuillez trouver ci-joint votre facture {number} d'un montant de {amount}, "
    "à régler avant le {due}.\n{how}\n\n{seller}",
    "en": "Hello,\n\nPlease find attached your invoice {number} for {amount}, due on {due}.\n{how}\n\n{seller}",
}
_HOW = {
    ("fr", "send_invoice"): "Par virement (IBAN {iban}, BIC {bic}, référence {number}) ou par chèque.",
    ("en", "send_invoice"): "By bank transfer (IBAN {iban}, BIC {bic}, reference {number}) or cheque.",
    ("fr", "charge_automatically"): "Le montant sera prélevé sur votre moyen de paiement enregistré.",
    ("en", "charge_automatically"): "The amount will be charged to your payment method on file.",
}


@dataclass(frozen=True, slots=True)
class DocumentServices:
    store: BillingStore
    accounts: AccountRepository
    storage: DocumentStorage
    mailer: Mailer
    render: PdfRenderer
    seller: Seller


def invoice_pdf_key(invoice: Invoice) -> str:
    # Account, number and id: no two documents can share a key, and listing by account is a prefix.
    return f"invoices/{invoice.account_id}/{invoice.number}-{invoice.id}.pdf"


def publish_invoice(services: DocumentServices, invoice_id: str, attempts: int = 5) -> bool:
    """Returns whether this call sent the email."""
    for _ in range(attempts):
        invoice = services.store.get_invoice(invoice_id)
        if invoice is None or invoice.number is None or invoice.pdf_key is not None:
            return False  # nothing to publish, or published already
        account = services.accounts.get(invoice.account_id)
        if account is None:
            return False
        pdf = services.render(invoice_document(invoice, account, services.seller))
        key = invoice_pdf_key(invoice)
        services.storage.put(key, pdf)
        try:
            services.store.commit(WriteBatch(invoices=[replace(invoice, pdf_key=key)], claims=[f"email:{invoice.id}"]))
            break
        except ConflictError:
            continue  # the invoice moved meanwhile (a payment): read it again; a taken claim shows as pdf_key
    else:
        raise ConflictError("document_conflict", f"Invoice {invoice_id} kept changing; the message will retry.")
    locale = account.profile.locale.value
    exponent = minor_unit_exponent(invoice.draft.currency)
    amount = format_currency(Decimal(invoice.amount_remaining).scaleb(-exponent), invoice.draft.currency, locale=locale)
    due = format_date(invoice.due_at or invoice.draft.created, "long", locale=locale)
    how = _HOW[(locale, invoice.collection_method)].format(
        iban=services.seller.iban, bic=services.seller.bic, number=invoice.number
    )
    services.mailer.send(
        to=str(account.profile.billing_email),
        subject=_SUBJECT[locale].format(number=invoice.number, amount=amount),
        text=_BODY[locale].format(
            number=invoice.number, amount=amount, due=due, how=how, seller=services.seller.legal_name
        ),
        attachment=(f"{invoice.number}.pdf", pdf),
    )
    return True


def publish_credit_note(services: DocumentServices, credit_note_id: str) -> None:
    note = services.store.get_credit_note(credit_note_id)
    if note is None or note.pdf_key is not None:
        return
    account = services.accounts.get(note.account_id)
    invoice = services.store.get_invoice(note.invoice_id)
    if account is None or invoice is None:
        return
    pdf = services.render(credit_note_document(note, account, services.seller, invoice.draft.vat_mention))
    key = f"credit_notes/{note.account_id}/{note.number}-{note.id}.pdf"
    services.storage.put(key, pdf)
    # A conflict means a concurrent delivery recorded it first (credit notes change only here): done.
    with contextlib.suppress(ConflictError):
        services.store.commit(WriteBatch(credit_notes=[replace(note, pdf_key=key)]))
