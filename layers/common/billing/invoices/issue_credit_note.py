"""Issue a credit note on a finalized invoice (in its own gapless series)."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal, require_operator
from billing.batch import LedgerAppend, WriteBatch
from billing.clock import Clock
from billing.conflicts import retried_on_conflict
from billing.errors import BusinessRuleError, ConflictError, ErrorCode, InvalidInputError
from billing.ids import new_id
from billing.invoices.credit_breakdown import credit_note_created, new_credit_note
from billing.invoices.get_invoice import get_invoice
from billing.invoices.models import CreditNote, InvoiceStatus
from billing.invoices.numbering import CREDIT_NOTE_SERIES, next_number
from billing.invoices.ports import InvoiceStore
from billing.invoices.settle_invoices import paid_events, settled_invoices
from billing.ledger.account_ledger import EntryKind, LedgerEntry


@retried_on_conflict
def issue_credit_note(
    store: InvoiceStore, clock: Clock, principal: Principal, invoice_id: str, amount: int, reason: str
) -> CreditNote:
    """A credit note on a finalized invoice, never above what remains creditable; it settles that
    invoice first, and the rest (an invoice already paid) becomes balance credit."""
    require_operator(principal)
    invoice = get_invoice(store, principal, invoice_id)
    if invoice.status not in (InvoiceStatus.OPEN, InvoiceStatus.PAID) or invoice.number is None:
        raise ConflictError(ErrorCode.INVOICE_NOT_FINALIZED, "Credit notes apply to finalized invoices.", "invoice")
    creditable = invoice.draft.total - invoice.amount_credited
    if amount <= 0:
        raise InvalidInputError(ErrorCode.INVALID_AMOUNT, "A credit note amount is positive.", "amount")
    if amount > creditable:
        raise BusinessRuleError(
            ErrorCode.CREDIT_EXCEEDS_INVOICE, f"At most {creditable} can still be credited on this invoice.", "amount"
        )
    now = clock.now()
    number, advance = next_number(store, CREDIT_NOTE_SERIES, now)
    note = new_credit_note(invoice, new_id("cn"), number, amount, reason, now)

    ledger, head = store.ledger(invoice.account_id, invoice.draft.currency)
    entry = LedgerEntry(
        id=f"cn:{note.id}",
        kind=EntryKind.CREDIT_NOTE,
        amount=-amount,
        currency=note.currency,
        at=now,
        reference=note.id,
        reason=reason,
    )
    allocations = ledger.post(entry, settle_first=invoice.id)
    credited = replace(invoice, amount_credited=invoice.amount_credited + amount)
    # The credit note's own share settles this invoice (counted as credited, not paid); any rest
    # settles other open invoices, then stays as credit.
    others = [a for a in allocations if a.receivable_id != invoice.id]
    newly_paid = settled_invoices(store, others)
    if credited.status is InvoiceStatus.OPEN and credited.amount_remaining == 0:
        credited = replace(credited, status=InvoiceStatus.PAID)
        newly_paid.append(credited)
    batch = WriteBatch(
        invoices=[credited, *(i for i in newly_paid if i.id != credited.id)],
        credit_notes=[note],
        series=[advance],
        ledger=[LedgerAppend(invoice.account_id, (entry,), head)],
        events=[credit_note_created(note), *paid_events(newly_paid, now, credit_note=note.id)],
    )
    store.commit(batch)
    return note
