"""Void an open invoice, or a draft.

A finalized invoice is never erased: French practice (BOFiP TVA-DECLA-30-20-20 §10, an issued invoice
cannot be cancelled, only corrected) neutralises it with a credit note that refers to it, numbered in the
credit note series and published like any other."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal, require_operator
from billing.accounts.ports import AccountRepository
from billing.batch import LedgerAppend, WriteBatch
from billing.clock import Clock
from billing.conflicts import retried_on_conflict
from billing.errors import ConflictError, ErrorCode
from billing.ids import new_id
from billing.invoices.credit_breakdown import credit_note_created, new_credit_note
from billing.invoices.get_invoice import get_invoice
from billing.invoices.models import Invoice, InvoiceStatus
from billing.invoices.numbering import CREDIT_NOTE_SERIES, next_number
from billing.invoices.ports import InvoiceStore
from billing.ledger.account_ledger import EntryKind, LedgerEntry

VOID_REASON = {"fr": "Annulation de la facture n° {number}", "en": "Cancellation of invoice no. {number}"}


@retried_on_conflict
def void_invoice(
    store: InvoiceStore, accounts: AccountRepository, clock: Clock, principal: Principal, invoice_id: str
) -> Invoice:
    """Void an open invoice: it is no longer owed; anything already paid on it returns as credit.
    A draft is voided without a number: nothing was posted, nothing is owed, no number is used up."""
    require_operator(principal)
    invoice = get_invoice(store, principal, invoice_id)
    if invoice.status is InvoiceStatus.DRAFT:
        return store.commit(WriteBatch(invoices=[replace(invoice, status=InvoiceStatus.VOID)])).invoices[0]
    if invoice.status is not InvoiceStatus.OPEN:
        raise ConflictError(
            ErrorCode.INVOICE_NOT_OPEN, f"Only open invoices can be voided ({invoice.status}).", "invoice_id"
        )
    now = clock.now()
    ledger, head = store.ledger(invoice.account_id, invoice.draft.currency)
    owed = invoice.draft.total - invoice.amount_credited
    batch = WriteBatch()
    if owed > 0:
        assert invoice.number is not None  # open: finalized
        account = accounts.get(invoice.account_id)
        reason = VOID_REASON[account.profile.locale.value if account else "fr"].format(number=invoice.number)
        number, advance = next_number(store, CREDIT_NOTE_SERIES, now)
        note = new_credit_note(invoice, new_id("cn"), number, owed, reason, now)
        batch = WriteBatch(credit_notes=[note], series=[advance], events=[credit_note_created(note)])
    entry = LedgerEntry(
        id=f"void:{invoice.id}",
        kind=EntryKind.INVOICE_VOIDED,
        amount=-owed,
        currency=invoice.draft.currency,
        at=now,
        reference=invoice.id,
    )
    ledger.post(entry, settle_first=invoice.id)
    voided = replace(invoice, status=InvoiceStatus.VOID, amount_credited=invoice.amount_credited + owed)
    batch = replace(batch, invoices=[voided], ledger=[LedgerAppend(invoice.account_id, (entry,), head)])
    return store.commit(batch).invoices[0]
