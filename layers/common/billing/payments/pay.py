"""Payments someone asks for: one-time payments of any amount, top-ups, and operators' records of
bank transfers and cheques. All go through the same booking (oldest invoices first, excess as credit)."""

from __future__ import annotations

import hashlib

from billing.accounts.access import Permission, Principal, require_access
from billing.accounts.get_account import get_account
from billing.errors import ConflictError, ErrorCode, InvalidInputError, PaymentDeclinedError
from billing.ids import new_id
from billing.money import minor_unit_exponent
from billing.payments.models import (
    ChargeRequest,
    Payment,
    PaymentPurpose,
    PaymentStatus,
)
from billing.payments.payment_profiles import account_currency, attach_method, payment_profile
from billing.payments.record_payment import PaymentServices, apply_intent

MAX_AMOUNT = 100_000_000  # one million in a 2-decimal currency: above that, a bank transfer


def _payment_id(account_id: str, idempotency_key: str | None) -> str:
    # With the caller's Idempotency-Key the id (and so the provider's key) is the same on every retry,
    # even after a crash between the provider's answer and our write: the customer is charged once.
    if idempotency_key is None:
        return new_id("py")
    return "py_" + hashlib.sha256(f"{account_id}:{idempotency_key}".encode()).hexdigest()[:20]


def check_amount(services: PaymentServices, account_id: str, amount: int, currency: str) -> str:
    currency = currency.upper()
    minor_unit_exponent(currency)
    if not 0 < amount <= MAX_AMOUNT:
        raise InvalidInputError(
            ErrorCode.INVALID_AMOUNT, f"The amount is between 1 and {MAX_AMOUNT} minor units.", "amount"
        )
    expected = account_currency(services, account_id)
    if currency != expected:
        raise InvalidInputError(ErrorCode.CURRENCY_MISMATCH, f"This account is billed in {expected}.", "currency")
    return currency


def pay(
    services: PaymentServices,
    principal: Principal,
    account_id: str,
    amount: int,
    currency: str,
    method_id: str | None,
    purpose: PaymentPurpose,
    idempotency_key: str | None = None,
    save_method: bool = False,
) -> tuple[Payment, str | None]:
    """Charge a saved (or newly created) method now; a decline answers 402 and is kept in the history.
    When the bank asks for 3-D Secure, the payment waits in ``requires_action`` and the intent's client
    secret is returned (not stored) for Stripe.js to authenticate; Stripe's webhook then books it.

    A method typed for this payment only is used once and kept nowhere (IBM Cloud: "details are not
    saved for later use"): automatic charges and retries never see it. ``save_method`` asks to keep it."""
    require_access(principal, account_id, Permission.BILLING_MANAGE)
    account = get_account(services.accounts, principal, account_id)
    currency = check_amount(services, account_id, amount, currency)
    profile = payment_profile(services, account)
    assert profile.customer_id is not None
    if method_id is not None:
        saved = profile.method(method_id)
        if saved is not None:
            method = saved
        elif save_method:
            method = attach_method(services, account, method_id)
        else:
            method = services.gateway.payment_method(method_id)
    else:
        default = profile.method(profile.default_method) if profile.default_method else None
        if default is None:
            raise ConflictError(
                ErrorCode.NO_PAYMENT_METHOD, "Add a payment method first, or pass payment_method.", "payment_method"
            )
        method = default
    payment_id = _payment_id(account_id, idempotency_key)
    snapshot = services.gateway.charge(
        ChargeRequest(
            customer_id=profile.customer_id,
            method_id=method.id,
            method_type=method.type,
            amount=amount,
            currency=currency,
            idempotency_key=payment_id,
            off_session=False,
            # The label travels with the intent: a method used once is in no profile to read it from.
            metadata={
                "account": account_id,
                "payment": payment_id,
                "purpose": purpose.value,
                "method_label": method.label,
            },
        )
    )
    payment = apply_intent(services, snapshot)
    if payment is None:
        raise PaymentDeclinedError(ErrorCode.PAYMENT_INCOMPLETE, "Stripe gave no outcome for this payment; retry.")
    if payment.status is PaymentStatus.FAILED:
        failure = payment.failure
        raise PaymentDeclinedError(
            failure.code if failure else "payment_failed",
            f"{failure.message if failure else 'The payment failed.'} (payment {payment.id})",
            "payment_method",
        )
    return payment, snapshot.client_secret if payment.status is PaymentStatus.REQUIRES_ACTION else None
