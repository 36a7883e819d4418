"""Tell the customer a payment failed, when it is retried, how to update the method."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from billing.documents.emails import FAILED_BODY, FAILED_SUBJECT, NEXT, failure_reason
from billing.documents.services import DocumentServices, claim_once, date_text, money_text


def notify_payment_failed(services: DocumentServices, detail: Mapping[str, Any]) -> bool:
    """The failure notice: what failed, when the next attempt is, how to update the method. Once."""
    payment = services.store.get_payment(str(detail["payment"]))
    if payment is None:
        return False
    account = services.accounts.get(payment.account_id)
    if account is None or not claim_once(services, f"email:failed:{payment.id}"):
        return False
    locale = account.profile.locale.value
    amount = money_text(payment.amount, payment.currency, locale)
    invoice = services.store.get_invoice(payment.invoice_id) if payment.invoice_id else None
    invoice_text = ""
    if invoice is not None and invoice.number:
        invoice_text = f" (facture {invoice.number})" if locale == "fr" else f" (invoice {invoice.number})"
    next_at = detail.get("next_attempt_at")
    retry, no_retry = NEXT[locale]
    next_text = retry.format(date=date_text(datetime.fromisoformat(str(next_at)), account)) if next_at else no_retry
    services.mailer.send(
        to=str(account.profile.billing_email),
        subject=FAILED_SUBJECT[locale].format(amount=amount),
        text=FAILED_BODY[locale].format(
            amount=amount,
            invoice=invoice_text,
            reason=failure_reason(payment.failure.code if payment.failure else None, locale),
            next=next_text,
            seller=services.seller.legal_name,
        ),
    )
    return True
