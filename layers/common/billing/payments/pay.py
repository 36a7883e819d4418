"""Payments someone asks for: one-time payments of any amount, top-ups, and operators' records of
bank transfers and cheques. All go through the same booking (oldest invoices first, excess as credit)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from billing.accounts.access import Permission, Principal, require_access, require_operator
from billing.accounts.get_account import get_account
from billing.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, PaymentDeclinedError
from billing.ids import new_id
from billing.money import minor_unit_exponent
from billing.payments.manage_methods import account_currency, attach_method, payment_profile
from billing.payments.models import (
    MANUAL_METHODS,
    ChargeRequest,
    Payment,
    PaymentPurpose,
    PaymentStatus,
)
from billing.payments.record_payment import ATTEMPTS, PaymentServices, apply_intent, book_success
from billing.ports import Page, PageRequest

MAX_AMOUNT = 100_000_000  # one million in a 2-decimal currency: above that, a bank transfer


def _payment_id(account_id: str, idempotency_key: str | None) -> str:
    # With the caller's Idempotency-Key the id (and so the provider's key) is the same on every retry,
    # even after a crash between the provider's answer and our write: the customer is charged once.
    if idempotency_key is None:
        return new_id("py")
    return "py_" + hashlib.sha256(f"{account_id}:{idempotency_key}".encode()).hexdigest()[:20]


def _check_amount(services: PaymentServices, account_id: str, amount: int, currency: str) -> str:
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
) -> tuple[Payment, str | None]:
    """Charge a saved (or newly created) method now; a decline answers 402 and is kept in the history.
    When the bank asks for 3-D Secure, the payment waits in ``requires_action`` and the intent's client
    secret is returned (not stored) for Stripe.js to authenticate; Stripe's webhook then books it."""
    require_access(principal, account_id, Permission.BILLING_MANAGE)
    account = get_account(services.accounts, principal, account_id)
    currency = _check_amount(services, account_id, amount, currency)
    profile = payment_profile(services, account)
    assert profile.customer_id is not None
    if method_id is not None:
        method = attach_method(services, account, method_id)
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
            metadata={"account": account_id, "payment": payment_id, "purpose": purpose.value},
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


def record_manual_payment(
    services: PaymentServices,
    principal: Principal,
    account_id: str,
    amount: int,
    currency: str,
    method_type: str,
    reference: str,
    received_at: datetime,
) -> Payment:
    """An operator records a bank transfer or a cheque; the same reference cannot be booked twice."""
    require_operator(principal)
    if method_type not in MANUAL_METHODS:
        raise InvalidInputError(ErrorCode.INVALID_METHOD, "Manual payments are bank_transfer or cheque.", "method")
    if not reference.strip():
        raise InvalidInputError(ErrorCode.REFERENCE_REQUIRED, "Give the transfer's or cheque's reference.", "reference")
    if received_at > services.clock.now():
        raise InvalidInputError(ErrorCode.RECEIVED_IN_FUTURE, "A payment is recorded once received.", "received_at")
    get_account(services.accounts, principal, account_id)
    currency = _check_amount(services, account_id, amount, currency)
    digest = hashlib.sha256(f"{account_id}:{method_type}:{reference.strip()}".encode()).hexdigest()[:20]
    payment_id = f"py_{digest}"
    for _ in range(ATTEMPTS):
        if services.store.get_payment(payment_id) is not None:
            raise ConflictError(
                ErrorCode.PAYMENT_ALREADY_RECORDED,
                f"A {method_type} with reference {reference} is recorded.",
                "reference",
            )
        payment = Payment(
            id=payment_id,
            account_id=account_id,
            amount=amount,
            currency=currency,
            purpose=PaymentPurpose.MANUAL,
            status=PaymentStatus.SUCCEEDED,
            created=services.clock.now(),
            method_type=method_type,
            method_label=method_type.replace("_", " "),
            reference=reference.strip(),
            succeeded_at=received_at,
        )
        batch = book_success(services, payment, services.clock.now())
        try:
            services.store.commit(batch)
        except ConflictError:
            continue
        return batch.payments[0]
    raise ConflictError(ErrorCode.CONCURRENT_UPDATE, "The account's balance kept changing; retry.")


def get_payment(services: PaymentServices, principal: Principal, payment_id: str) -> Payment:
    payment = services.store.get_payment(payment_id)
    if payment is None:
        raise NotFoundError(ErrorCode.PAYMENT_NOT_FOUND, f"No payment {payment_id}.", "payment_id")
    try:
        require_access(principal, payment.account_id, Permission.BILLING_READ)
    except NotFoundError as error:
        raise NotFoundError(ErrorCode.PAYMENT_NOT_FOUND, f"No payment {payment_id}.", "payment_id") from error
    return payment


def list_payments(services: PaymentServices, principal: Principal, account_id: str, page: PageRequest) -> Page[Payment]:
    require_access(principal, account_id, Permission.BILLING_READ)
    return services.store.list_payments(account_id, page)
