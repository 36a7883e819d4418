"""What a credit note takes back, rate by rate: its taxable base and VAT, so it can state them as an invoice
does (CGI art. 242 nonies A: a credit note carries the same mentions as the invoice it corrects)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from billing.events import DomainEvent, EventType
from billing.invoices.models import CreditNote, Invoice, InvoiceLine, Section, TaxLine
from billing.money import allocate, round_minor

_HUNDRED = Decimal(100)


def credit_breakdown(invoice: Invoice, amount: int) -> tuple[TaxLine, ...]:
    """``amount`` (tax included) split over the invoice's VAT rates. Crediting the whole invoice takes back
    exactly its bases and VAT; a part is shared in proportion to each rate's total, and within a rate the
    base is the part without its VAT (the VAT is what remains, so base + VAT is the amount to the cent)."""
    draft = invoice.draft
    if amount == draft.total and invoice.amount_credited == 0:
        return draft.taxes
    grosses = [tax.taxable_amount + tax.amount for tax in draft.taxes]
    taxes = []
    for tax, gross in zip(draft.taxes, allocate(amount, grosses), strict=True):
        base = round_minor(Decimal(gross) * _HUNDRED / (_HUNDRED + tax.rate))
        taxes.append(TaxLine(tax.rate, tax.category, base, gross - base, tax.exemption))
    return tuple(taxes)


def credit_lines(invoice: Invoice, taxes: tuple[TaxLine, ...], reason: str) -> tuple[InvoiceLine, ...]:
    """One line per rate: the base it takes back, described by the reason given."""
    return tuple(
        InvoiceLine(
            Section.ONE_OFF,
            reason,
            invoice.draft.currency,
            tax.taxable_amount,
            unit_amount=Decimal(tax.taxable_amount),
            vat_rate=tax.rate,
            item_name=reason,
        )
        for tax in taxes
        if tax.taxable_amount or tax.amount
    )


def new_credit_note(
    invoice: Invoice, note_id: str, number: str, amount: int, reason: str, created: datetime
) -> CreditNote:
    """A credit note of ``amount`` (tax included) on a finalized invoice, with its breakdown."""
    assert invoice.number is not None  # finalized: only those are credited
    taxes = credit_breakdown(invoice, amount)
    return CreditNote(
        note_id,
        number,
        invoice.id,
        invoice.number,
        invoice.account_id,
        invoice.draft.currency,
        amount,
        reason,
        created,
        invoice.finalized_at,
        taxes=taxes,
        lines=credit_lines(invoice, taxes, reason),
    )


def credit_note_created(note: CreditNote) -> DomainEvent:
    """``credit_note.created``: the documents function publishes it."""
    return DomainEvent(
        id=f"credit_note.created:{note.id}",
        type=EventType.CREDIT_NOTE_CREATED,
        at=note.created,
        account_id=note.account_id,
        detail={
            "credit_note": note.id,
            "number": note.number,
            "invoice": note.invoice_id,
            "amount": note.amount,
            "currency": note.currency,
        },
    )
