"""Read one credit note, as its account sees it: another account's note does not exist for the caller."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.errors import ErrorCode, NotFoundError
from billing.invoices.models import CreditNote
from billing.invoices.ports import InvoiceStore


def get_credit_note(store: InvoiceStore, principal: Principal, note_id: str) -> CreditNote:
    note = store.get_credit_note(note_id)
    missing = NotFoundError(ErrorCode.CREDIT_NOTE_NOT_FOUND, f"No credit note {note_id}.", "credit_note_id")
    if note is None:
        raise missing
    try:
        require_access(principal, note.account_id, Permission.BILLING_READ)
    except NotFoundError as error:
        raise missing from error
    return note
