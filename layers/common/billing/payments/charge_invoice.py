"""The automatic charge of one invoice attempt, off-session, on the account's default method.

Atomic phases (Brandur Leach's): our state says which attempt is due; the provider call carries the
key ``<invoice id>-attempt-<n>``, so a retry after a crash between the provider's answer and our write
gets the same PaymentIntent back instead of charging again; the answer (or its webhook, whichever
comes first) is booked once by ``apply_intent``.
"""

from __future__ import annotations

from billing.invoices.models import InvoiceStatus
from billing.payments.collection import CHARGE_AUTOMATICALLY
from billing.payments.models import ChargeRequest, Failure, IntentSnapshot, Payment, PaymentPurpose, PaymentStatus
from billing.payments.record_payment import PaymentServices, ReadBefore, apply_intent


def attempt_payment_id(invoice_id: str, attempt: int) -> str:
    return f"py_{invoice_id}_{attempt}"


def charge_invoice(services: PaymentServices, invoice_id: str, attempt: int) -> Payment | None:
    """Charge attempt ``attempt`` if it is still the one due; otherwise do nothing (a duplicate, a
    stale message, an invoice paid or voided meanwhile)."""
    invoice = services.store.get_invoice(invoice_id)
    if (
        invoice is None
        or invoice.status is not InvoiceStatus.OPEN
        or invoice.collection_method != CHARGE_AUTOMATICALLY
        or invoice.amount_remaining <= 0
        or invoice.charge_attempts != attempt
    ):
        return None
    payment_id = attempt_payment_id(invoice.id, attempt)
    if services.store.get_payment(payment_id) is not None:
        return None  # this attempt has an outcome (or is processing): never charge it twice
    metadata = {
        "account": invoice.account_id,
        "payment": payment_id,
        "purpose": PaymentPurpose.INVOICE.value,
        "invoice": invoice.id,
        "attempt": str(attempt),
    }
    profile = services.store.get_payment_profile(invoice.account_id)
    default = profile.method(profile.default_method) if profile and profile.default_method else None
    if profile is None or profile.customer_id is None or profile.default_method is None:
        snapshot = IntentSnapshot(
            provider_id=None,
            status=PaymentStatus.FAILED,
            amount=invoice.amount_remaining,
            currency=invoice.draft.currency,
            payment_id=payment_id,
            account_id=invoice.account_id,
            purpose=PaymentPurpose.INVOICE,
            invoice_id=invoice.id,
            attempt=attempt,
            failure=Failure("no_payment_method", "No payment method is saved for automatic payment.", hard=False),
        )
    else:
        snapshot = services.gateway.charge(
            ChargeRequest(
                customer_id=profile.customer_id,
                method_id=profile.default_method,
                method_type=default.type if default else "card",
                amount=invoice.amount_remaining,
                currency=invoice.draft.currency,
                idempotency_key=f"{invoice.id}-attempt-{attempt}",
                off_session=True,
                metadata=metadata,
            )
        )
    return apply_intent(services, snapshot, ReadBefore(payment=None, profile=profile))
