"""Refunds through credit notes: the credit a note gives on a paid invoice goes back to the card or
debit that paid it, at Stripe, and the ledger books the refund against that credit (net zero)."""

from __future__ import annotations

import logging
from dataclasses import replace

from billing.batch import WriteBatch
from billing.conflicts import attempts
from billing.errors import BillingError, ConflictError, ErrorCode, ProviderUnavailableError
from billing.invoices.models import CreditNote, Invoice, InvoiceStatus
from billing.payments.models import Payment, PaymentStatus, RefundSnapshot
from billing.payments.provider_events import book_refunds
from billing.payments.record_payment import PaymentServices
from billing.ports import PageRequest

log = logging.getLogger(__name__)


def _refundable(services: PaymentServices, invoice: Invoice) -> list[tuple[Payment, int]]:
    """Provider payments that paid this invoice, newest first, with what each can still give back."""
    found = []
    for payment in services.store.list_payments(invoice.account_id, PageRequest(limit=100)).items:
        if payment.status is not PaymentStatus.SUCCEEDED or payment.provider_id is None:
            continue
        paid = sum(amount for invoice_id, amount in payment.allocations if invoice_id == invoice.id)
        available = min(paid, payment.amount - payment.amount_refunded)
        if available > 0:
            found.append((payment, available))
    return found


def check_refundable(services: PaymentServices, invoice: Invoice, amount: int) -> None:
    """Refuse before anything is written: only a paid invoice's card or debit payments can go back."""
    if invoice.status is not InvoiceStatus.PAID:
        raise ConflictError(
            ErrorCode.INVOICE_NOT_PAID,
            "An open invoice is settled by the credit note itself: nothing to refund.",
            "refund",
        )
    available = sum(share for _, share in _refundable(services, invoice))
    if available < amount:
        raise ConflictError(
            ErrorCode.NOT_REFUNDABLE, f"At most {available} was paid by card or debit on this invoice.", "amount"
        )


def refund_credit_note(services: PaymentServices, note: CreditNote, invoice: Invoice) -> int:
    """Refund the note's amount at Stripe (one key per note and payment); returns what was refunded.

    The note is already issued: failing here must not make the caller retry, which would issue a second
    note. So Stripe being unreachable stops the refunds (the rest stays as balance credit, visible as
    ``amount_refunded`` below the note's amount), and a refund Stripe made but we could not book now is
    booked by its ``charge.refunded`` webhook (refunds are booked by id, once).
    """
    remaining = note.amount
    for payment, available in _refundable(services, invoice):
        if remaining == 0:
            break
        share = min(remaining, available)
        assert payment.provider_id is not None
        try:
            refund_id = services.gateway.refund(payment.provider_id, share, f"{note.id}-{payment.id}")
        except ProviderUnavailableError:
            log.warning("credit note %s: Stripe unreachable, %d left as balance credit", note.id, remaining)
            break
        remaining -= share
        try:
            book_refunds(services, payment.id, (RefundSnapshot(refund_id, share),))
        except BillingError:
            log.warning("refund %s not booked now; its webhook will book it", refund_id)
    refunded = note.amount - remaining
    _record_refunded(services, note.id, refunded)
    return refunded


def _record_refunded(services: PaymentServices, note_id: str, refunded: int) -> None:
    """Kept on the note for its readers; the refunds themselves are booked on the payments."""
    for _ in attempts():
        stored = services.store.get_credit_note(note_id)
        if stored is None or refunded == 0:
            return
        try:
            services.store.commit(WriteBatch(credit_notes=[replace(stored, amount_refunded=refunded)]))
            return
        except ConflictError:
            continue  # its PDF key landed meanwhile: read it again
