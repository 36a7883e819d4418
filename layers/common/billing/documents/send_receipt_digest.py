"""The monthly digest of receipts, their PDFs zipped, once per month."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from babel.dates import format_date

from billing.documents.emails import DIGEST_BODY, DIGEST_SUBJECT
from billing.documents.services import DocumentServices, claim_once, date_text, money_text, send_claimed
from billing.ports import PageRequest


def send_receipt_digest(services: DocumentServices, account_id: str, month: str) -> bool:
    """The monthly digest: every receipt of the month in one email, their PDFs zipped. Once."""
    account = services.accounts.get(account_id)
    if account is None:
        return False
    receipts, cursor = [], None
    while True:
        page = services.store.list_receipts(account_id, PageRequest(limit=100, cursor=cursor))
        receipts += [r for r in page.items if f"{r.created:%Y-%m}" == month]
        cursor = page.next_cursor
        oldest = page.items[-1].created if page.items else None
        if cursor is None or (oldest is not None and f"{oldest:%Y-%m}" < month):
            break
    claim = f"email:digest:{account_id}:{month}"
    if not receipts or not claim_once(services, claim):
        return False
    locale = account.profile.locale.value
    first_day = datetime.fromisoformat(f"{month}-01T00:00:00+00:00")
    month_name = format_date(first_day, "MMMM y", locale=locale)
    receipts.sort(key=lambda r: r.created)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for receipt in receipts:
            if receipt.pdf_key:
                zipped.writestr(f"{receipt.number}.pdf", services.storage.get(receipt.pdf_key))
    lines = "\n".join(
        f"- {r.number}, {date_text(r.created, account, 'short')}, {money_text(r.amount, r.currency, locale)}"
        for r in receipts
    )
    send_claimed(
        services,
        claim,
        to=str(account.profile.billing_email),
        subject=DIGEST_SUBJECT[locale].format(month=month_name),
        text=DIGEST_BODY[locale].format(month=month_name, lines=lines, seller=services.seller.legal_name),
        attachment=(f"receipts-{month}.zip", archive.getvalue()),
    )
    return True
