"""Every invoice and credit note PDF of an account, zipped, behind a short-lived link."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING

from billing.accounts.access import Permission, Principal, require_access
from billing.errors import ErrorCode, InvalidInputError
from billing.ids import new_id
from billing.ports import DocumentStorage, PageRequest

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

MAX_DOCUMENTS = 500  # a zip built within one request; larger exports belong to an asynchronous job


MAX_DOCUMENTS = 500  # a zip built within one request; larger exports belong to an asynchronous job


def documents_zip_url(
    store: BillingStore, storage: DocumentStorage, principal: Principal, account_id: str, start: datetime, end: datetime
) -> str:
    """Every invoice, credit note and receipt PDF issued in [start, end), zipped to S3; returns its link."""
    require_access(principal, account_id, Permission.BILLING_READ)
    if not start < end:
        raise InvalidInputError(ErrorCode.INVALID_RANGE, "from must precede to.", "from")
    keys: list[tuple[str, str]] = []
    for lister in (
        lambda page: store.list_invoices(account_id, None, page),
        lambda page: store.list_credit_notes(account_id, page),
        lambda page: store.list_receipts(account_id, page),
    ):
        cursor = None
        while True:
            page = lister(PageRequest(limit=100, cursor=cursor))
            for document in page.items:
                issued = getattr(document, "finalized_at", None) or getattr(document, "created", None)
                key = getattr(document, "pdf_key", None)
                if key and issued and start <= issued < end:
                    keys.append((key, key.rsplit("/", 1)[-1]))
            cursor = page.next_cursor
            if cursor is None:
                break
    if len(keys) > MAX_DOCUMENTS:
        raise InvalidInputError(ErrorCode.TOO_MANY_DOCUMENTS, f"At most {MAX_DOCUMENTS} documents per zip.", "from")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, name in sorted(keys, key=lambda k: k[1]):
            archive.writestr(name, storage.get(key))
    export = f"exports/{account_id}/{start:%Y%m%d}-{end:%Y%m%d}-{new_id('zip')}.zip"
    storage.put(export, buffer.getvalue(), "application/zip")
    return storage.url(export, f"documents-{start:%Y%m%d}-{end:%Y%m%d}.zip")
