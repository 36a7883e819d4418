"""A short-lived download link to a receipt's PDF, once published."""

from __future__ import annotations

from billing.accounts.access import Principal
from billing.errors import ConflictError, ErrorCode
from billing.payments.get_receipt import get_receipt
from billing.payments.ports import PaymentStore
from billing.ports import DocumentStorage


def receipt_pdf_url(store: PaymentStore, storage: DocumentStorage, principal: Principal, receipt_id: str) -> str:
    receipt = get_receipt(store, principal, receipt_id)
    if receipt.pdf_key is None:
        raise ConflictError(
            ErrorCode.PDF_NOT_READY, "The receipt's PDF is being made; retry in a few seconds.", "receipt_id"
        )
    return storage.url(receipt.pdf_key, f"{receipt.number}.pdf")
