"""Billing history: receipts to view, download and print."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.errors import ConflictError, ErrorCode, NotFoundError
from billing.payments.models import Receipt
from billing.ports import BillingStore, DocumentStorage, Page, PageRequest


def get_receipt(store: BillingStore, principal: Principal, receipt_id: str) -> Receipt:
    receipt = store.get_receipt(receipt_id)
    missing = NotFoundError(ErrorCode.RECEIPT_NOT_FOUND, f"No receipt {receipt_id}.", "receipt_id")
    if receipt is None:
        raise missing
    try:
        require_access(principal, receipt.account_id, Permission.BILLING_READ)
    except NotFoundError as error:  # another account's receipt does not exist for this caller
        raise missing from error
    return receipt


def list_receipts(store: BillingStore, principal: Principal, account_id: str, page: PageRequest) -> Page[Receipt]:
    require_access(principal, account_id, Permission.BILLING_READ)
    return store.list_receipts(account_id, page)


def receipt_pdf_url(store: BillingStore, storage: DocumentStorage, principal: Principal, receipt_id: str) -> str:
    receipt = get_receipt(store, principal, receipt_id)
    if receipt.pdf_key is None:
        raise ConflictError(
            ErrorCode.PDF_NOT_READY, "The receipt's PDF is being made; retry in a few seconds.", "receipt_id"
        )
    return storage.url(receipt.pdf_key, f"{receipt.number}.pdf")
