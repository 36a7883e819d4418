"""Finalize an invoice: numbered, immutable, on the ledger, its collection started."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from billing.accounts.access import Principal, require_operator
from billing.accounts.ports import AccountRepository
from billing.batch import LedgerAppend, WriteBatch
from billing.clock import Clock
from billing.errors import ConflictError, ErrorCode
from billing.events import DomainEvent, EventType
from billing.invoices.get_invoice import get_invoice
from billing.invoices.models import Invoice, InvoiceStatus, buyer_snapshot
from billing.invoices.numbering import INVOICE_SERIES, next_number
from billing.invoices.revise_draft import DraftStore, revised_draft
from billing.invoices.settle_invoices import paid_events
from billing.ledger.account_ledger import EntryKind, LedgerEntry

# How the invoice's collection starts (payments/collection.py: begin_collection), given by the caller: its
# first dunning step and charge are scheduled in the finalization's own write, not in a second one, so no
# function needs to hear ``invoice.finalized`` to start it.
StartCollection = Callable[[Invoice, datetime], tuple[Invoice, list[DomainEvent]]]


def finalize_invoice(
    store: DraftStore,
    accounts: AccountRepository,
    clock: Clock,
    principal: Principal,
    invoice_id: str,
    start_collection: StartCollection,
) -> Invoice:
    """An operator finalizes a draft now, before its grace period ends."""
    require_operator(principal)
    invoice = get_invoice(store, principal, invoice_id)
    if invoice.status is not InvoiceStatus.DRAFT:
        raise ConflictError(
            ErrorCode.INVOICE_NOT_DRAFT, f"Invoice {invoice_id} is already {invoice.status}.", "invoice_id"
        )
    return finalize_draft(store, accounts, invoice, clock.now(), start_collection)


def finalize_draft(
    store: DraftStore,
    accounts: AccountRepository,
    invoice: Invoice,
    now: datetime,
    start_collection: StartCollection,
) -> Invoice:
    """Number the draft, make it immutable and post it on the ledger, in one transaction.

    The buyer is the account as it is now: the draft is assembled again with it (a VAT number added during
    the grace hour makes it reverse charged), and its billing profile is copied onto the invoice, which
    documents print from then on (an address changed next year does not change this invoice).

    Credit on the balance settles it at once; what remains is due now (automatic charge) or after
    ``days_until_due`` (sent invoice). A negative draft total was capped at zero: its excess becomes
    balance credit here. What remains is collected as ``start_collection`` (given by the caller: invoices
    know nothing of charges and dunning) schedules it, in this same write.
    """
    # Read once: the revision reads the balance, the finalization posts on it.
    ledger, head = store.ledger(invoice.account_id, invoice.draft.currency)
    account = accounts.get(invoice.account_id)
    if account is not None:
        revised = revised_draft(store, account, invoice, invoice.draft.lines, ledger)
        invoice = replace(revised, buyer=buyer_snapshot(account))
    number, advance = next_number(store, INVOICE_SERIES, now)
    entries = []
    if invoice.draft.excess_credit:
        entries.append(
            LedgerEntry(
                id=f"excess:{invoice.id}",
                kind=EntryKind.PRORATION_CREDIT,
                amount=-invoice.draft.excess_credit,
                currency=invoice.draft.currency,
                at=now,
                reference=invoice.id,
                reason="Credit exceeding the invoice",
            )
        )
    entries.append(
        LedgerEntry(
            id=f"fin:{invoice.id}",
            kind=EntryKind.INVOICE_FINALIZED,
            amount=invoice.draft.total,
            currency=invoice.draft.currency,
            at=now,
            reference=invoice.id,
        )
    )
    allocations = [allocation for entry in entries for allocation in ledger.post(entry)]
    credit = sum(a.amount for a in allocations if a.receivable_id == invoice.id)
    draft = replace(invoice.draft, credit_applied=credit, amount_due=invoice.draft.total - credit)
    days = invoice.days_until_due if invoice.collection_method == "send_invoice" else 0
    finalized = replace(
        invoice,
        draft=draft,
        status=InvoiceStatus.OPEN,
        number=number,
        finalized_at=now,
        due_at=now + timedelta(days=days or 0),
        amount_paid=credit,
    )
    if finalized.amount_remaining == 0:
        finalized = replace(finalized, status=InvoiceStatus.PAID)
    events = [finalized_event(finalized), *paid_events([finalized], now)]
    finalized, collection_events = start_collection(finalized, now)
    events += collection_events
    committed = store.commit(
        WriteBatch(
            invoices=[finalized],
            series=[advance],
            ledger=[LedgerAppend(invoice.account_id, tuple(entries), head)],
            events=events,
        )
    )
    return committed.invoices[0]


def finalized_event(invoice: Invoice) -> DomainEvent:
    """``invoice.finalized``, built from the finalized invoice alone (the same event on every replay)."""
    assert invoice.finalized_at is not None
    return DomainEvent(
        id=f"invoice.finalized:{invoice.id}",
        type=EventType.INVOICE_FINALIZED,
        at=invoice.finalized_at,
        account_id=invoice.account_id,
        detail={
            "invoice": invoice.id,
            "number": invoice.number,
            "subscription": invoice.draft.subscription_id,
            "total": invoice.draft.total,
            "amount_due": invoice.amount_remaining,
            "currency": invoice.draft.currency,
            "collection_method": invoice.collection_method,
            "due_at": invoice.due_at.isoformat() if invoice.due_at else None,
        },
    )
