"""Keep invoices in step with the ledger: each allocation to an invoice raises its ``amount_paid``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from billing.events import DomainEvent, EventType
from billing.invoices.models import Invoice, InvoiceStatus
from billing.invoices.ports import InvoiceStore
from billing.ledger.account_ledger import Allocation


def settled_invoices(
    store: InvoiceStore, allocations: Iterable[Allocation], known: dict[str, Invoice] | None = None
) -> list[Invoice]:
    """The invoices the allocations touch, with their new paid amount and status (unsaved)."""
    paid: dict[str, int] = defaultdict(int)
    for allocation in allocations:
        paid[allocation.receivable_id] += allocation.amount
    updated = []
    for invoice_id, amount in paid.items():
        invoice = (known or {}).get(invoice_id) or store.get_invoice(invoice_id)
        if invoice is None:
            continue  # a debit adjustment, not an invoice
        invoice = replace(invoice, amount_paid=invoice.amount_paid + amount)
        if invoice.status is InvoiceStatus.OPEN and invoice.amount_remaining == 0:
            invoice = replace(invoice, status=InvoiceStatus.PAID)
        updated.append(invoice)
    return updated


def paid_events(invoices: Iterable[Invoice], at: datetime, **detail: object) -> list[DomainEvent]:
    """``invoice.paid`` for each invoice of a change that it settled in full (callers pass the invoices
    the change moved: an invoice is paid once, so the event, keyed by the invoice, is emitted once)."""
    return [
        DomainEvent(
            id=f"invoice.paid:{invoice.id}",
            type=EventType.INVOICE_PAID,
            at=at,
            account_id=invoice.account_id,
            detail={"invoice": invoice.id, "number": invoice.number, **detail},
        )
        for invoice in invoices
        if invoice.status is InvoiceStatus.PAID
    ]
