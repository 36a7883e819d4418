"""Request and response bodies of the invoice routes: invoices (and previews), credit notes, invoice items."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from billing.clock import isoformat
from billing.http.cost_views import SubscriptionForecastView
from billing.http.schema import (
    Currency,
    Identifier,
    Strict,
    Text,
    UnitDecimal,
    iso,
)
from billing.invoices.explain_invoice import LineExplanation
from billing.invoices.models import CreditNote, DraftInvoice, Invoice, InvoiceLine, InvoiceStatus, Section, TaxLine


class TagShareView(BaseModel):
    tags: dict[str, str]
    quantity: str
    amount: int


class TierUseView(BaseModel):
    up_to: int | None = Field(description="The tier's bound (null: the last, open-ended tier).")
    units: str = Field(description="Units of the quantity this tier priced.")
    unit_amount_decimal: str
    flat_amount_decimal: str
    amount_decimal: str = Field(description="units × unit amount + flat amount, minor units before rounding.")


class ExplanationView(BaseModel):
    tiers: list[TierUseView] = Field(description="The tiers the quantity crossed (tiered prices).")
    proration: dict[str, int | str] | None = Field(
        description="used and total days (or seconds) of the period the amount is prorated by."
    )
    discount: int = Field(description="Minor units of the invoice's discount this line bears.")
    text: str | None = Field(description="The short line printed under the amount on the PDF.")

    @classmethod
    def of(cls, explained: LineExplanation) -> ExplanationView:
        return cls(
            tiers=[
                TierUseView(
                    up_to=t.up_to,
                    units=f"{t.units.normalize():f}",
                    unit_amount_decimal=f"{t.unit_amount.normalize():f}",
                    flat_amount_decimal=f"{t.flat_amount.normalize():f}",
                    amount_decimal=f"{t.amount.normalize():f}",
                )
                for t in explained.tiers
            ],
            proration=None
            if explained.proration is None
            else {
                "used": explained.proration.used,
                "total": explained.proration.total,
                "unit": explained.proration.unit,
            },
            discount=explained.discount,
            text=explained.text,
        )


class LineView(BaseModel):
    description: str
    amount: int
    quantity: str
    unit_amount_decimal: str | None
    period_start: str | None
    period_end: str | None
    price: str | None
    proration: dict[str, int] | None
    tax_rate: str | None = Field(default=None, description="The VAT rate charged on this line, in percent.")
    tag_shares: list[TagShareView]
    explanation: ExplanationView | None = Field(
        default=None, description="With expand=explanations: the computation behind the amount."
    )

    @classmethod
    def of(cls, line: InvoiceLine, explained: LineExplanation | None = None) -> LineView:
        return cls(
            explanation=None if explained is None else ExplanationView.of(explained),
            description=line.description,
            amount=line.amount,
            quantity=f"{line.quantity.normalize():f}",
            unit_amount_decimal=None if line.unit_amount is None else f"{line.unit_amount.normalize():f}",
            period_start=iso(line.period.start) if line.period else None,
            period_end=iso(line.period.end) if line.period else None,
            price=line.price_id,
            proration={"remaining": line.proration[0], "total": line.proration[1]} if line.proration else None,
            tax_rate=None if line.vat_rate is None else f"{line.vat_rate.normalize():f}",
            tag_shares=[
                TagShareView(tags=dict(s.tags), quantity=f"{s.quantity.normalize():f}", amount=s.amount)
                for s in line.tag_shares
            ],
        )


class TaxView(BaseModel):
    rate: str
    category: str
    taxable_amount: int
    amount: int

    @classmethod
    def of(cls, tax: TaxLine) -> TaxView:
        return cls(
            rate=f"{tax.rate.normalize():f}",
            category=tax.category.value,
            taxable_amount=tax.taxable_amount,
            amount=tax.amount,
        )


class DiscountView(BaseModel):
    coupon: str
    description: str
    amount: int


class PlatformView(BaseModel):
    name: str = Field(description="The platform the e-invoice was deposited on: chorus_pro.")
    deposit: str = Field(description="Its id of the deposit (Chorus Pro: numeroFluxDepot).")
    status: str = Field(description="deposited, made_available, suspended, rejected or paid.")
    platform_status: str = Field(description="The platform's own code (DEPOSEE, MISE_EN_PAIEMENT…); empty at first.")
    updated_at: str = Field(description="When the platform last reported a change.")


class InvoiceView(BaseModel):
    id: str | None
    object: Literal["invoice"] = "invoice"
    number: str | None
    status: str
    account: str
    subscription: str | None
    currency: str
    billing_reason: str
    created: str
    finalized_at: str | None
    automatically_finalizes_at: str | None = Field(
        default=None, description="A draft: when its grace period ends and it is finalized (it may change until then)."
    )
    due_at: str | None
    collection_method: str | None
    period_start: str | None
    period_end: str | None
    sections: dict[Section, list[LineView]]
    subtotal: int
    discounts: list[DiscountView]
    taxes: list[TaxView]
    total: int
    credit_applied: int
    amount_due: int = Field(description="Total less the account credit applied at finalization: what was asked for.")
    amount_paid: int = Field(description="Paid after finalization; the credit applied then is not counted.")
    amount_remaining: int = Field(
        description="What is still to pay: amount_due less amount_paid and credit notes (a draft: its amount_due)."
    )
    amount_credited: int = Field(description="Taken off by credit notes.")
    pdf_sha256: str | None = Field(
        default=None,
        description="SHA-256 (hex) of the stored PDF, a Factur-X written once: a copy is genuine if it hashes to this.",
    )
    platform: PlatformView | None = Field(
        default=None,
        description="Deposited on an e-invoicing platform (public buyers: Chorus Pro), and where it stands.",
    )
    previous_unpaid: int
    vat_mention: str | None
    proration_date: str | None = None
    overdue: bool = Field(default=False, description="Open and past due: see past_due_since.")
    past_due_since: str | None = Field(
        default=None,
        description="A send_invoice invoice: its due date, once passed; charged automatically: its first failed "
        "charge. Null while not overdue.",
    )

    forecast: SubscriptionForecastView | None = Field(
        default=None,
        description="The upcoming invoice's preview: the period so far and projected to its end "
        "(GET /v1/accounts/{id}/forecast explains the scenarios).",
    )

    @classmethod
    def of_draft(
        cls,
        draft: DraftInvoice,
        invoice: Invoice | None = None,
        proration_date: datetime | None = None,
        now: datetime | None = None,
        explanations: list[LineExplanation] | None = None,
    ) -> InvoiceView:
        past_due = invoice.past_due_since(now) if invoice and now else None
        explained = {id(e.line): e for e in explanations or []}
        return cls(
            id=invoice.id if invoice else None,
            number=invoice.number if invoice else None,
            status=invoice.status.value if invoice else "preview",
            account=draft.account_id,
            subscription=draft.subscription_id,
            currency=draft.currency,
            billing_reason=draft.billing_reason.value,
            created=isoformat(draft.created),
            finalized_at=iso(invoice.finalized_at) if invoice else None,
            automatically_finalizes_at=iso(invoice.finalize_at)
            if invoice and invoice.status is InvoiceStatus.DRAFT
            else None,
            due_at=iso(invoice.due_at) if invoice else None,
            collection_method=invoice.collection_method if invoice else None,
            period_start=iso(draft.period.start) if draft.period else None,
            period_end=iso(draft.period.end) if draft.period else None,
            sections={
                section: [LineView.of(line, explained.get(id(line))) for line in draft.section(section)]
                for section in Section
            },
            subtotal=draft.subtotal,
            discounts=[
                DiscountView(coupon=d.coupon_id, description=d.description, amount=d.amount) for d in draft.discounts
            ],
            taxes=[TaxView.of(t) for t in draft.taxes],
            total=draft.total,
            credit_applied=draft.credit_applied,
            amount_due=draft.amount_due,
            # Stripe's definitions (docs/decisions.md): credit applied at finalization lowers amount_due and is
            # not "paid"; amount_remaining is what is still to pay, a draft's whole amount_due included.
            amount_paid=max(0, invoice.amount_paid - draft.credit_applied) if invoice else 0,
            amount_remaining=_remaining(draft, invoice),
            amount_credited=invoice.amount_credited if invoice else 0,
            pdf_sha256=invoice.pdf_sha256 if invoice else None,
            platform=PlatformView(
                name=invoice.platform.platform,
                deposit=invoice.platform.deposit_id,
                status=invoice.platform.status.value,
                platform_status=invoice.platform.platform_status,
                updated_at=isoformat(invoice.platform.updated_at),
            )
            if invoice and invoice.platform
            else None,
            previous_unpaid=draft.previous_unpaid,
            vat_mention=draft.vat_mention,
            proration_date=iso(proration_date),
            overdue=past_due is not None,
            past_due_since=iso(past_due),
        )

    @classmethod
    def of(cls, invoice: Invoice, now: datetime, explanations: list[LineExplanation] | None = None) -> InvoiceView:
        return cls.of_draft(invoice.draft, invoice, now=now, explanations=explanations)


def _remaining(draft: DraftInvoice, invoice: Invoice | None) -> int:
    if invoice is None or invoice.status is InvoiceStatus.DRAFT:
        return draft.amount_due
    return invoice.amount_remaining


class CreditNoteCreate(Strict):
    invoice: Identifier
    amount: Annotated[int, Field(gt=0, le=10**12)]
    reason: Text
    refund: bool = Field(
        default=False, description="Give the amount back on the card or debit that paid the invoice (paid invoices)."
    )


class CreditNoteView(BaseModel):
    id: str
    object: Literal["credit_note"] = "credit_note"
    number: str
    invoice: str
    invoice_number: str
    account: str
    currency: str
    amount: int = Field(description="Tax included: subtotal plus the VAT of taxes.")
    subtotal: int = Field(description="The bases taken back, VAT excluded.")
    taxes: list[TaxView] = Field(description="Base and VAT taken back, rate by rate, as the invoice stated them.")
    reason: str
    created: str
    pdf_sha256: str | None = Field(default=None, description="SHA-256 (hex) of the stored PDF, once published.")
    amount_refunded: int = Field(
        default=0,
        description="Given back on the card or debit; below amount if Stripe was unreachable (the rest stays as "
        "balance credit).",
    )

    @classmethod
    def of(cls, note: CreditNote, refunded: int | None = None) -> CreditNoteView:
        return cls(
            id=note.id,
            number=note.number,
            invoice=note.invoice_id,
            invoice_number=note.invoice_number,
            account=note.account_id,
            currency=note.currency,
            amount=note.amount,
            subtotal=note.subtotal,
            taxes=[TaxView.of(t) for t in note.taxes],
            reason=note.reason,
            created=isoformat(note.created),
            pdf_sha256=note.pdf_sha256,
            amount_refunded=note.amount_refunded if refunded is None else refunded,
        )


class InvoiceItemCreate(Strict):
    account: Identifier
    price: Identifier | None = None
    quantity: Annotated[Decimal, Field(gt=0, le=10**9, decimal_places=6)] = Decimal(1)
    unit_amount_decimal: UnitDecimal | None = None
    currency: Currency | None = None
    description: Text | None = None
    invoice_now: bool = False
    invoice: Identifier | None = Field(
        default=None,
        description="A draft to add the item to; by default the account's open draft (during its grace period), "
        "else the account's next invoice.",
    )


class InvoiceItemView(BaseModel):
    id: str
    object: Literal["invoiceitem"] = "invoiceitem"
    account: str
    currency: str
    description: str
    quantity: str
    unit_amount_decimal: str
    price: str | None
    invoice: str | None


# --- balance -----------------------------------------------------------------------------------------
