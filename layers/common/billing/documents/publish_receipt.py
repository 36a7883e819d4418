"""Render and store a receipt's PDF; email it at once if the account asked for each payment."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.profile import EmailReceipts
from billing.batch import WriteBatch
from billing.conflicts import attempts
from billing.documents.document import receipt_document
from billing.documents.emails import RECEIPT_BODY, RECEIPT_SUBJECT
from billing.documents.services import DocumentServices, claim_once, money_text, send_claimed
from billing.errors import ConflictError, ErrorCode
from billing.payments.models import ReceiptDigest


def publish_receipt(services: DocumentServices, receipt_id: str) -> bool:
    """Render and store a receipt's PDF; email it at once if the account asked for each payment.
    Returns whether this call sent the email."""
    for _ in attempts():
        receipt = services.store.get_receipt(receipt_id)
        if receipt is None:
            return False
        account = services.accounts.get(receipt.account_id)
        if account is None:
            return False
        each = account.profile.receipt_settings.email_receipts is EmailReceipts.EACH_PAYMENT
        if receipt.pdf_key is not None:
            pdf = None  # stored by an earlier run, whose email may have failed: rendered again if so
            break
        pdf = services.render(receipt_document(receipt, account, services.seller))
        key = f"receipts/{receipt.account_id}/{receipt.number}-{receipt.id}.pdf"
        services.storage.put(key, pdf)
        setting = account.profile.receipt_settings.email_receipts
        monthly = (
            [ReceiptDigest.for_instant(receipt.account_id, receipt.created)] if setting is EmailReceipts.MONTHLY else []
        )
        try:
            services.store.commit(WriteBatch(receipts=[replace(receipt, pdf_key=key)], digests=monthly))
            break
        except ConflictError:
            continue
    else:
        raise ConflictError(ErrorCode.DOCUMENT_CONFLICT, f"Receipt {receipt_id} kept changing; the message will retry.")
    if not each:
        return False  # monthly digest or no email: the receipt stays in the billing history
    locale = account.profile.locale.value
    amount = money_text(receipt.amount, receipt.currency, locale)

    if not claim_once(services, f"email:{receipt.id}"):
        return False
    attached = pdf or services.render(receipt_document(receipt, account, services.seller))
    send_claimed(
        services,
        f"email:{receipt.id}",
        to=str(account.profile.billing_email),
        subject=RECEIPT_SUBJECT[locale].format(number=receipt.number, amount=amount),
        text=RECEIPT_BODY[locale].format(
            amount=amount, method=receipt.method_label, number=receipt.number, seller=services.seller.legal_name
        ),
        attachment=(f"{receipt.number}.pdf", attached),
    )

    return True
