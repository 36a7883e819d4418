"""An operator records a bank transfer or a cheque (once per reference)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from billing.accounts.access import Principal, require_operator
from billing.accounts.get_account import get_account
from billing.conflicts import attempts
from billing.errors import ConflictError, ErrorCode, InvalidInputError
from billing.payments.models import (
    MANUAL_METHODS,
    Payment,
    PaymentPurpose,
    PaymentStatus,
)
from billing.payments.pay import check_amount
from billing.payments.record_payment import PaymentServices, book_success


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
    currency = check_amount(services, account_id, amount, currency)
    digest = hashlib.sha256(f"{account_id}:{method_type}:{reference.strip()}".encode()).hexdigest()[:20]
    payment_id = f"py_{digest}"
    for _ in attempts():
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
