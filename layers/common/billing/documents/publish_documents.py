"""Render a finalized invoice (or a credit note) to PDF, store it, and email the invoice once.

Runs from the documents queue (EventBridge rule on ``invoice.finalized`` and ``credit_note.created``).
Rendering and storing are idempotent (same key, same bytes); the email is claimed in the same
transaction that records the PDF, and sent only by the run that made the claim: a retried step never
sends it twice (at most once; a failure after the claim is logged for an operator to resend).
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency

from billing.accounts.profile import EmailReceipts
from billing.batch import WriteBatch
from billing.documents.document import credit_note_document, invoice_document, receipt_document
from billing.documents.seller import Seller
from billing.errors import ConflictError, ErrorCode
from billing.invoices.models import Invoice
from billing.money import minor_unit_exponent
from billing.payments.models import ReceiptDigest
from billing.ports import AccountRepository, BillingStore, DocumentStorage, Mailer, PageRequest, PdfRenderer

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
        raise ConflictError(ErrorCode.DOCUMENT_CONFLICT, f"Invoice {invoice_id} kept changing; the message will retry.")
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


def _claim(services: DocumentServices, name: str) -> bool:
    """Take a once-only claim (an email about to be sent); False if another run took it."""
    try:
        services.store.commit(WriteBatch(claims=[name]))
    except ConflictError:
        return False
    return True


def _money(amount: int, currency: str, locale: str) -> str:
    return format_currency(Decimal(amount).scaleb(-minor_unit_exponent(currency)), currency, locale=locale)


_RECEIPT_SUBJECT = {"fr": "Reçu de paiement {number} — {amount}", "en": "Payment receipt {number} — {amount}"}
_RECEIPT_BODY = {
    "fr": "Bonjour,\n\nNous avons bien reçu votre paiement de {amount} ({method}). Votre reçu {number} est "
    "joint.\n\n{seller}",
    "en": "Hello,\n\nWe received your payment of {amount} ({method}). Your receipt {number} is attached.\n\n{seller}",
}


def publish_receipt(services: DocumentServices, receipt_id: str, attempts: int = 5) -> bool:
    """Render and store a receipt's PDF; email it at once if the account asked for each payment.
    Returns whether this call sent the email."""
    for _ in range(attempts):
        receipt = services.store.get_receipt(receipt_id)
        if receipt is None or receipt.pdf_key is not None:
            return False
        account = services.accounts.get(receipt.account_id)
        if account is None:
            return False
        pdf = services.render(receipt_document(receipt, account, services.seller))
        key = f"receipts/{receipt.account_id}/{receipt.number}-{receipt.id}.pdf"
        services.storage.put(key, pdf)
        setting = account.profile.receipt_settings.email_receipts
        each = setting is EmailReceipts.EACH_PAYMENT
        monthly = (
            [ReceiptDigest.for_instant(receipt.account_id, receipt.created)] if setting is EmailReceipts.MONTHLY else []
        )
        try:
            services.store.commit(
                WriteBatch(
                    receipts=[replace(receipt, pdf_key=key)],
                    claims=[f"email:{receipt.id}"] if each else [],
                    digests=monthly,
                )
            )
            break
        except ConflictError:
            continue
    else:
        raise ConflictError(ErrorCode.DOCUMENT_CONFLICT, f"Receipt {receipt_id} kept changing; the message will retry.")
    if not each:
        return False  # monthly digest or no email: the receipt stays in the billing history
    locale = account.profile.locale.value
    amount = _money(receipt.amount, receipt.currency, locale)
    services.mailer.send(
        to=str(account.profile.billing_email),
        subject=_RECEIPT_SUBJECT[locale].format(number=receipt.number, amount=amount),
        text=_RECEIPT_BODY[locale].format(
            amount=amount, method=receipt.method_label, number=receipt.number, seller=services.seller.legal_name
        ),
        attachment=(f"{receipt.number}.pdf", pdf),
    )
    return True


_FAILED_SUBJECT = {"fr": "Échec du paiement de {amount}", "en": "Your payment of {amount} failed"}
_FAILED_BODY = {
    "fr": "Bonjour,\n\nLe paiement de {amount}{invoice} n'a pas abouti : {reason}\n{next}\nPour mettre à jour "
    "votre moyen de paiement, rendez-vous dans l'espace facturation de votre compte (Moyens de paiement → "
    "Ajouter), puis définissez-le par défaut.\n\n{seller}",
    "en": "Hello,\n\nThe payment of {amount}{invoice} failed: {reason}\n{next}\nTo update your payment method, "
    "open your account's billing settings (Payment methods → Add) and make it the default.\n\n{seller}",
}
_NEXT = {
    "fr": ("Nous réessaierons le {date}.", "Nous ne réessaierons pas automatiquement ; merci de régler la facture."),
    "en": ("We will try again on {date}.", "We will not retry automatically; please pay the invoice."),
}


def notify_payment_failed(services: DocumentServices, detail: dict[str, object]) -> bool:
    """The failure notice: what failed, when the next attempt is, how to update the method. Once."""
    payment = services.store.get_payment(str(detail["payment"]))
    if payment is None:
        return False
    account = services.accounts.get(payment.account_id)
    if account is None or not _claim(services, f"email:failed:{payment.id}"):
        return False
    locale = account.profile.locale.value
    amount = _money(payment.amount, payment.currency, locale)
    invoice = services.store.get_invoice(payment.invoice_id) if payment.invoice_id else None
    invoice_text = ""
    if invoice is not None and invoice.number:
        invoice_text = f" (facture {invoice.number})" if locale == "fr" else f" (invoice {invoice.number})"
    next_at = detail.get("next_attempt_at")
    retry, no_retry = _NEXT[locale]
    if next_at:
        next_text = retry.format(date=format_date(datetime.fromisoformat(str(next_at)), "long", locale=locale))
    else:
        next_text = no_retry
    services.mailer.send(
        to=str(account.profile.billing_email),
        subject=_FAILED_SUBJECT[locale].format(amount=amount),
        text=_FAILED_BODY[locale].format(
            amount=amount,
            invoice=invoice_text,
            reason=payment.failure.message if payment.failure else "",
            next=next_text,
            seller=services.seller.legal_name,
        ),
    )
    return True


_METHOD_SUBJECT = {"fr": "Nouveau moyen de paiement enregistré", "en": "New payment method saved"}
_METHOD_BODY = {
    "fr": "Bonjour,\n\nLe moyen de paiement {label} a été ajouté à votre compte. Si vous n'êtes pas à "
    "l'origine de cet ajout, contactez-nous.\n\n{seller}",
    "en": "Hello,\n\nThe payment method {label} was added to your account. If you did not add it, contact "
    "us.\n\n{seller}",
}


def notify_method_added(services: DocumentServices, account_id: str, method_id: str, label: str) -> bool:
    account = services.accounts.get(account_id)
    if account is None or not _claim(services, f"email:method:{method_id}"):
        return False
    locale = account.profile.locale.value
    services.mailer.send(
        to=str(account.profile.billing_email),
        subject=_METHOD_SUBJECT[locale],
        text=_METHOD_BODY[locale].format(label=label, seller=services.seller.legal_name),
    )
    return True


_REMINDER_SUBJECT = {
    "fr": ("Rappel : facture {number} à régler", "Facture {number} en retard de paiement"),
    "en": ("Reminder: invoice {number} is due soon", "Invoice {number} is overdue"),
}
_REMINDER_BODY = {
    "fr": "Bonjour,\n\nLa facture {number} ({amount} restant dû) est à régler pour le {due}.\n{how}\n\n{seller}",
    "en": "Hello,\n\nInvoice {number} ({amount} still due) was due on {due}.\n{how}\n\n{seller}",
}


def send_reminder(services: DocumentServices, invoice_id: str, days_from_due: int) -> bool:
    """A dunning reminder, before or after the due date; none if the invoice was paid meanwhile."""
    invoice = services.store.get_invoice(invoice_id)
    if invoice is None or invoice.amount_remaining == 0 or invoice.number is None:
        return False
    account = services.accounts.get(invoice.account_id)
    if account is None or not _claim(services, f"email:reminder:{invoice.id}:{days_from_due}"):
        return False
    locale = account.profile.locale.value
    how = _HOW[(locale, invoice.collection_method)].format(
        iban=services.seller.iban, bic=services.seller.bic, number=invoice.number
    )
    services.mailer.send(
        to=str(account.profile.billing_email),
        subject=_REMINDER_SUBJECT[locale][days_from_due > 0].format(number=invoice.number),
        text=_REMINDER_BODY[locale].format(
            number=invoice.number,
            amount=_money(invoice.amount_remaining, invoice.draft.currency, locale),
            due=format_date(invoice.due_at or invoice.draft.created, "long", locale=locale),
            how=how,
            seller=services.seller.legal_name,
        ),
    )
    return True


_DIGEST_SUBJECT = {"fr": "Vos reçus de paiement — {month}", "en": "Your payment receipts — {month}"}
_DIGEST_BODY = {
    "fr": "Bonjour,\n\nVoici vos reçus de paiement de {month} (PDF joints dans l'archive) :\n{lines}\n\n{seller}",
    "en": "Hello,\n\nHere are your payment receipts for {month} (PDFs in the attached archive):\n{lines}\n\n{seller}",
}


def send_receipt_digest(services: DocumentServices, account_id: str, month: str) -> bool:
    """The monthly digest: every receipt of the month in one email, their PDFs zipped. Once."""
    account = services.accounts.get(account_id)
    if account is None:
        return False
    receipts, cursor = [], None
    while True:
        page = services.store.list_receipts(account_id, PageRequest(limit=100, cursor=cursor))
        receipts += [r for r in page.items if f"{r.created:%Y-%m}" == month]
        cursor = page.next_cursor
        oldest = page.items[-1].created if page.items else None
        if cursor is None or (oldest is not None and f"{oldest:%Y-%m}" < month):
            break
    if not receipts or not _claim(services, f"email:digest:{account_id}:{month}"):
        return False
    locale = account.profile.locale.value
    first_day = datetime.fromisoformat(f"{month}-01T00:00:00+00:00")
    month_name = format_date(first_day, "MMMM y", locale=locale)
    receipts.sort(key=lambda r: r.created)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for receipt in receipts:
            if receipt.pdf_key:
                zipped.writestr(f"{receipt.number}.pdf", services.storage.get(receipt.pdf_key))
    lines = "\n".join(
        f"- {r.number}, {format_date(r.created, 'short', locale=locale)}, {_money(r.amount, r.currency, locale)}"
        for r in receipts
    )
    services.mailer.send(
        to=str(account.profile.billing_email),
        subject=_DIGEST_SUBJECT[locale].format(month=month_name),
        text=_DIGEST_BODY[locale].format(month=month_name, lines=lines, seller=services.seller.legal_name),
        attachment=(f"receipts-{month}.zip", archive.getvalue()),
    )
    return True
