"""Void an open invoice, or a draft."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal, require_operator
from billing.batch import LedgerAppend, WriteBatch
from billing.clock import Clock
from billing.conflicts import retried_on_conflict
from billing.errors import ConflictError, ErrorCode
from billing.invoices.get_invoice import get_invoice
from billing.invoices.models import Invoice, InvoiceStatus
from billing.invoices.ports import InvoiceStore
from billing.ledger.account_ledger import EntryKind, LedgerEntry


@retried_on_conflict
def void_invoice(store: InvoiceStore, clock: Clock, principal: Principal, invoice_id: str) -> Invoice:
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
    entry = LedgerEntry(
        id=f"void:{invoice.id}",
        kind=EntryKind.INVOICE_VOIDED,
        amount=-owed,
        currency=invoice.draft.currency,
        at=now,
        reference=invoice.id,
    )
    ledger.post(entry, settle_first=invoice.id)
    voided = replace(invoice, status=InvoiceStatus.VOID)
    committed = store.commit(WriteBatch(invoices=[voided], ledger=[LedgerAppend(invoice.account_id, (entry,), head)]))
    return committed.invoices[0]
