"""Invoice use cases: read, finalize (numbered, immutable, on the ledger), void, credit notes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from billing.accounts.access import Permission, Principal, require_access, require_operator
from billing.batch import LedgerAppend, SeriesAdvance, WriteBatch
from billing.clock import Clock
from billing.errors import BusinessRuleError, ConflictError, ErrorCode, InvalidInputError, NotFoundError
from billing.events import DomainEvent, EventType
from billing.ids import new_id
from billing.invoices.models import CreditNote, Invoice, InvoiceStatus
from billing.ledger.account_ledger import EntryKind, LedgerEntry
from billing.ledger.settle_invoices import settled_invoices
from billing.payments.collection import charge_due_event, start_collection
from billing.ports import BillingStore, Page, PageRequest

INVOICE_SERIES = "F"
CREDIT_NOTE_SERIES = "AV"  # "avoir"


def get_invoice(store: BillingStore, principal: Principal, invoice_id: str) -> Invoice:
    invoice = store.get_invoice(invoice_id)
    if invoice is None:
        raise NotFoundError(ErrorCode.INVOICE_NOT_FOUND, f"No invoice {invoice_id}.", "invoice_id")
    try:
        require_access(principal, invoice.account_id, Permission.BILLING_READ)
    except NotFoundError as error:  # another account's invoice does not exist for this caller
        raise NotFoundError(ErrorCode.INVOICE_NOT_FOUND, f"No invoice {invoice_id}.", "invoice_id") from error
    return invoice


def list_invoices(
    store: BillingStore, principal: Principal, account_id: str, status: InvoiceStatus | None, page: PageRequest
) -> Page[Invoice]:
    require_access(principal, account_id, Permission.BILLING_READ)
    return store.list_invoices(account_id, status.value if status else None, page)


def next_number(store: BillingStore, series: str, year: int) -> tuple[str, SeriesAdvance]:
    """The next number of a gapless per-year series (``F-2026-000123``), taken in the caller's batch."""
    name = f"{series}-{year}"
    last = store.series_last(name)
    return f"{name}-{last + 1:06d}", SeriesAdvance(name, last, last + 1)


def finalize_invoice(store: BillingStore, clock: Clock, principal: Principal, invoice_id: str) -> Invoice:
    """Number the draft, make it immutable and post it on the ledger, in one transaction.

    Credit on the balance settles it at once; what remains is due now (automatic charge) or after
    ``days_until_due`` (sent invoice). A negative draft total was capped at zero: its excess becomes
    balance credit here.
    """
    require_operator(principal)
    invoice = get_invoice(store, principal, invoice_id)
    if invoice.status is not InvoiceStatus.DRAFT:
        raise ConflictError(
            ErrorCode.INVOICE_NOT_DRAFT, f"Invoice {invoice_id} is already {invoice.status}.", "invoice_id"
        )
    now = clock.now()
    number, advance = next_number(store, INVOICE_SERIES, now.year)
    ledger, head = store.ledger(invoice.account_id, invoice.draft.currency)
    entries = []
    if invoice.draft.excess_credit:
        entries.append(
            LedgerEntry(
                f"excess:{invoice.id}",
                EntryKind.PRORATION_CREDIT,
                -invoice.draft.excess_credit,
                invoice.draft.currency,
                now,
                invoice.id,
                "Credit exceeding the invoice",
            )
        )
    entries.append(
        LedgerEntry(
            f"fin:{invoice.id}",
            EntryKind.INVOICE_FINALIZED,
            invoice.draft.total,
            invoice.draft.currency,
            now,
            invoice.id,
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
    finalized = start_collection(finalized, now)
    store.commit(
        WriteBatch(
            invoices=[finalized],
            series=[advance],
            ledger=[LedgerAppend(invoice.account_id, tuple(entries), head)],
            events=finalization_events(finalized),
        )
    )
    return replace(finalized, version=finalized.version + 1)


def finalization_events(invoice: Invoice) -> list[DomainEvent]:
    """What finalization announces: the invoice, and the first charge when it is collected automatically."""
    events = [finalized_event(invoice)]
    if invoice.status is InvoiceStatus.OPEN and invoice.charge_attempts == 1 and invoice.finalized_at is not None:
        events.append(charge_due_event(invoice, 1, invoice.finalized_at))
    return events


def finalized_event(invoice: Invoice) -> DomainEvent:
    """``invoice.finalized``, built from the finalized invoice alone (the same event on every replay)."""
    assert invoice.finalized_at is not None
    return DomainEvent(
        f"invoice.finalized:{invoice.id}",
        EventType.INVOICE_FINALIZED,
        invoice.finalized_at,
        invoice.account_id,
        {
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


def void_invoice(store: BillingStore, clock: Clock, principal: Principal, invoice_id: str) -> Invoice:
    """Void an open invoice: it is no longer owed; anything already paid on it returns as credit."""
    require_operator(principal)
    invoice = get_invoice(store, principal, invoice_id)
    if invoice.status is not InvoiceStatus.OPEN:
        raise ConflictError(
            ErrorCode.INVOICE_NOT_OPEN, f"Only open invoices can be voided ({invoice.status}).", "invoice_id"
        )
    now = clock.now()
    ledger, head = store.ledger(invoice.account_id, invoice.draft.currency)
    owed = invoice.draft.total - invoice.amount_credited
    entry = LedgerEntry(f"void:{invoice.id}", EntryKind.INVOICE_VOIDED, -owed, invoice.draft.currency, now, invoice.id)
    ledger.post(entry, settle_first=invoice.id)
    voided = replace(invoice, status=InvoiceStatus.VOID)
    store.commit(WriteBatch(invoices=[voided], ledger=[LedgerAppend(invoice.account_id, (entry,), head)]))
    return replace(voided, version=voided.version + 1)


def issue_credit_note(
    store: BillingStore, clock: Clock, principal: Principal, invoice_id: str, amount: int, reason: str
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
    number, advance = next_number(store, CREDIT_NOTE_SERIES, now.year)
    note = CreditNote(
        new_id("cn"),
        number,
        invoice.id,
        invoice.number,
        invoice.account_id,
        invoice.draft.currency,
        amount,
        reason,
        now,
        invoice.finalized_at,
    )
    ledger, head = store.ledger(invoice.account_id, invoice.draft.currency)
    entry = LedgerEntry(f"cn:{note.id}", EntryKind.CREDIT_NOTE, -amount, note.currency, now, note.id, reason)
    allocations = ledger.post(entry, settle_first=invoice.id)
    credited = replace(invoice, amount_credited=invoice.amount_credited + amount)
    # The credit note's own share settles this invoice (counted as credited, not paid); any rest
    # settles other open invoices, then stays as credit.
    others = [a for a in allocations if a.receivable_id != invoice.id]
    if credited.status is InvoiceStatus.OPEN and credited.amount_remaining == 0:
        credited = replace(credited, status=InvoiceStatus.PAID)
    event = DomainEvent(
        f"credit_note.created:{note.id}",
        EventType.CREDIT_NOTE_CREATED,
        now,
        note.account_id,
        {"credit_note": note.id, "number": number, "invoice": invoice.id, "amount": amount, "currency": note.currency},
    )
    batch = WriteBatch(
        invoices=[credited, *settled_invoices(store, others)],
        credit_notes=[note],
        series=[advance],
        ledger=[LedgerAppend(invoice.account_id, (entry,), head)],
        events=[event],
    )
    store.commit(batch)
    return note
