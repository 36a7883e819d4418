"""Read one receipt (another account's does not exist for the caller)."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.errors import ErrorCode, NotFoundError
from billing.payments.models import Receipt
from billing.payments.ports import PaymentStore


def get_receipt(store: PaymentStore, principal: Principal, receipt_id: str) -> Receipt:
    receipt = store.get_receipt(receipt_id)
    missing = NotFoundError(ErrorCode.RECEIPT_NOT_FOUND, f"No receipt {receipt_id}.", "receipt_id")
    if receipt is None:
        raise missing
    try:
        require_access(principal, receipt.account_id, Permission.BILLING_READ)
    except NotFoundError as error:  # another account's receipt does not exist for this caller
        raise missing from error
    return receipt
