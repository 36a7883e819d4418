"""Read one payment (another account's does not exist for the caller)."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.errors import ErrorCode, NotFoundError
from billing.payments.models import (
    Payment,
)
from billing.payments.record_payment import PaymentServices


def get_payment(services: PaymentServices, principal: Principal, payment_id: str) -> Payment:
    payment = services.store.get_payment(payment_id)
    if payment is None:
        raise NotFoundError(ErrorCode.PAYMENT_NOT_FOUND, f"No payment {payment_id}.", "payment_id")
    try:
        require_access(principal, payment.account_id, Permission.BILLING_READ)
    except NotFoundError as error:
        raise NotFoundError(ErrorCode.PAYMENT_NOT_FOUND, f"No payment {payment_id}.", "payment_id") from error
    return payment
