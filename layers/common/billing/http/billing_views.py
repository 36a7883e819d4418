"""Request and response bodies of the billing routes (Stripe's names where a concept matches).

Amounts are integers in minor units with their currency; unit prices may carry up to 12 decimals as
strings (``unit_amount_decimal``); instants are ISO 8601 UTC.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from billing.catalog.models import Aggregation, BillingScheme, Interval, TiersMode, UsageType
from billing.clock import isoformat
from billing.discounts.models import Duration
from billing.invoices.models import CreditNote, DraftInvoice, Invoice, InvoiceLine, Section
from billing.ledger.account_ledger import LedgerEntry
from billing.subscriptions.models import CollectionMethod, ProrationBehavior, Subscription

Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", examples=["EUR"])]
Amount = Annotated[int, Field(ge=0, le=10**12)]
SignedAmount = Annotated[int, Field(ge=-(10**12), le=10**12)]
UnitDecimal = Annotated[Decimal, Field(ge=0, le=Decimal(10**12), max_digits=26, decimal_places=12)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=500)]
Quantity = Annotated[int, Field(ge=0, le=1_000_000)]
Identifier = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def iso(value: datetime | None) -> str | None:
    return None if value is None else isoformat(value)


# --- catalog -----------------------------------------------------------------------------------------
class ProductCreate(Strict):
    name: Name
    description: Text | None = None


class ProductView(BaseModel):
    id: str
    object: Literal["product"] = "product"
    name: str
    description: str | None
    created: str | None


class RecurringIn(Strict):
    interval: Interval
    interval_count: Annotated[int, Field(ge=1, le=36)] = 1


class TierIn(Strict):
    up_to: Annotated[int, Field(ge=1, le=10**12)] | None
    unit_amount_decimal: UnitDecimal = Decimal(0)
    flat_amount_decimal: UnitDecimal = Decimal(0)


class PackageIn(Strict):
    size: Annotated[int, Field(ge=1, le=10**9)]
    amount_decimal: UnitDecimal
    free_units: Annotated[int, Field(ge=0, le=10**12)] = 0


class MeterIn(Strict):
    event_name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:\-]+$")]
    aggregation: Aggregation = Aggregation.SUM
    unique_by: Annotated[str, Field(max_length=100)] | None = None


class PriceCreate(Strict):
    product: Identifier
    currency: Currency
    nickname: Name | None = None
    unit_amount: Amount | None = Field(default=None, description="Minor units per unit.")
    unit_amount_decimal: UnitDecimal | None = Field(default=None, description="Minor units, up to 12 decimals.")
    recurring: RecurringIn | None = Field(default=None, description="Absent: a one-off price.")
    usage_type: UsageType = UsageType.LICENSED
    billing_scheme: BillingScheme = BillingScheme.PER_UNIT
    tiers: Annotated[list[TierIn], Field(max_length=50)] | None = None
    tiers_mode: TiersMode | None = None
    package: PackageIn | None = None
    meter: MeterIn | None = None
    tax_rate: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] | None = None


class TierView(BaseModel):
    up_to: int | None
    unit_amount_decimal: str
    flat_amount_decimal: str


class PriceView(BaseModel):
    id: str
    object: Literal["price"] = "price"
    product: str
    currency: str
    nickname: str | None
    unit_amount_decimal: str
    recurring: dict[str, Any] | None
    usage_type: str
    billing_scheme: str
    tiers: list[TierView] | None
    tiers_mode: str | None
    package: dict[str, Any] | None
    meter: dict[str, Any] | None
    created: str | None


class CouponCreate(Strict):
    name: Name | None = None
    percent_off: Annotated[Decimal, Field(gt=0, le=100, decimal_places=4)] | None = None
    amount_off: Annotated[int, Field(gt=0, le=10**12)] | None = None
    currency: Currency | None = None
    duration: Duration
    duration_in_months: Annotated[int, Field(ge=1, le=120)] | None = None
    max_redemptions: Annotated[int, Field(ge=1, le=10**9)] | None = None
    redeem_by: AwareDatetime | None = None


class CouponView(BaseModel):
    id: str
    object: Literal["coupon"] = "coupon"
    name: str | None
    percent_off: str | None
    amount_off: int | None
    currency: str | None
    duration: str
    duration_in_months: int | None
    max_redemptions: int | None
    redeem_by: str | None
    times_redeemed: int
    created: str | None


class PromotionCodeCreate(Strict):
    code: Annotated[str, Field(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")]
    coupon: Identifier
    max_redemptions: Annotated[int, Field(ge=1, le=10**9)] | None = None
    expires_at: AwareDatetime | None = None
    first_time_only: bool = False
    referrer_account: Identifier | None = Field(default=None, description="Makes it a referral code.")


class PromotionCodeView(BaseModel):
    id: str
    object: Literal["promotion_code"] = "promotion_code"
    code: str
    coupon: str
    active: bool
    max_redemptions: int | None
    times_redeemed: int
    expires_at: str | None
    first_time_only: bool
    referrer_account: str | None
    created: str | None


# --- subscriptions -----------------------------------------------------------------------------------
class ItemCreate(Strict):
    price: Identifier
    quantity: Quantity = 1


class SubscriptionCreate(Strict):
    account: Identifier
    items: Annotated[list[ItemCreate], Field(min_length=1, max_length=20)]
    trial_period_days: Annotated[int, Field(ge=1, le=730)] | None = None
    collection_method: CollectionMethod = CollectionMethod.CHARGE_AUTOMATICALLY
    days_until_due: Annotated[int, Field(ge=0, le=365)] | None = None
    coupon: Identifier | None = None
    promotion_code: Annotated[str, Field(min_length=3, max_length=40)] | None = None
    billing_cycle_anchor: AwareDatetime | None = None
    start_date: AwareDatetime | None = None
    managed_by: Literal["aws_marketplace"] | None = Field(default=None, description="Operators only.")


class ItemChange(Strict):
    id: Identifier | None = Field(default=None, description="An existing item; absent to add one.")
    price: Identifier | None = None
    quantity: Quantity | None = None
    deleted: bool = False


class SubscriptionUpdate(Strict):
    items: Annotated[list[ItemChange], Field(min_length=1, max_length=20)]
    proration_behavior: ProrationBehavior = ProrationBehavior.CREATE_PRORATIONS
    proration_date: AwareDatetime | None = Field(
        default=None, description="Confirm a preview with the proration_date it returned."
    )
    at_period_end: bool = Field(default=False, description="Schedule the change (a downgrade) for the period end.")


class CancelRequest(Strict):
    at_period_end: bool = False


class ItemView(BaseModel):
    id: str
    price: str
    quantity: int


class SubscriptionView(BaseModel):
    id: str
    object: Literal["subscription"] = "subscription"
    account: str
    status: str
    currency: str
    items: list[ItemView]
    current_period_start: str
    current_period_end: str
    usage_period_start: str
    usage_period_end: str
    trial_end: str | None
    cancel_at_period_end: bool
    canceled_at: str | None
    ended_at: str | None
    collection_method: str
    days_until_due: int | None
    discount: dict[str, Any] | None
    managed_by: str | None
    pending_proration_lines: int
    scheduled_change: list[ItemView] | None
    created: str
    latest_invoice: str | None = None

    @classmethod
    def of(cls, subscription: Subscription, latest_invoice: str | None = None) -> SubscriptionView:
        def items(source: tuple[Any, ...]) -> list[ItemView]:
            return [ItemView(id=i.id, price=i.price.id, quantity=i.quantity) for i in source]

        discount = None
        if subscription.discount is not None:
            discount = {
                "coupon": subscription.discount.coupon.id,
                "start": iso(subscription.discount.start),
                "end": iso(subscription.discount.end),
            }
        return cls(
            id=subscription.id,
            account=subscription.account_id,
            status=subscription.status.value,
            currency=subscription.currency,
            items=items(subscription.items),
            current_period_start=isoformat(subscription.current_period.start),
            current_period_end=isoformat(subscription.current_period.end),
            usage_period_start=isoformat(subscription.usage_period.start),
            usage_period_end=isoformat(subscription.usage_period.end),
            trial_end=iso(subscription.trial_end),
            cancel_at_period_end=subscription.cancel_at_period_end,
            canceled_at=iso(subscription.canceled_at),
            ended_at=iso(subscription.ended_at),
            collection_method=subscription.collection_method.value,
            days_until_due=subscription.days_until_due,
            discount=discount,
            managed_by=subscription.managed_by,
            pending_proration_lines=len(subscription.pending_lines),
            scheduled_change=items(subscription.scheduled_items) if subscription.scheduled_items else None,
            created=isoformat(subscription.created),
            latest_invoice=latest_invoice,
        )


# --- invoices ----------------------------------------------------------------------------------------
class TagShareView(BaseModel):
    tags: dict[str, str]
    quantity: str
    amount: int


class LineView(BaseModel):
    description: str
    amount: int
    quantity: str
    unit_amount_decimal: str | None
    period_start: str | None
    period_end: str | None
    price: str | None
    proration: dict[str, int] | None
    tag_shares: list[TagShareView]

    @classmethod
    def of(cls, line: InvoiceLine) -> LineView:
        return cls(
            description=line.description,
            amount=line.amount,
            quantity=f"{line.quantity.normalize():f}",
            unit_amount_decimal=None if line.unit_amount is None else f"{line.unit_amount.normalize():f}",
            period_start=iso(line.period.start) if line.period else None,
            period_end=iso(line.period.end) if line.period else None,
            price=line.price_id,
            proration={"remaining": line.proration[0], "total": line.proration[1]} if line.proration else None,
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


class DiscountView(BaseModel):
    coupon: str
    description: str
    amount: int


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
    amount_due: int
    amount_paid: int
    amount_remaining: int
    amount_credited: int
    previous_unpaid: int
    vat_mention: str | None
    proration_date: str | None = None

    @classmethod
    def of_draft(
        cls, draft: DraftInvoice, invoice: Invoice | None = None, proration_date: datetime | None = None
    ) -> InvoiceView:
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
            due_at=iso(invoice.due_at) if invoice else None,
            collection_method=invoice.collection_method if invoice else None,
            period_start=iso(draft.period.start) if draft.period else None,
            period_end=iso(draft.period.end) if draft.period else None,
            sections={section: [LineView.of(line) for line in draft.section(section)] for section in Section},
            subtotal=draft.subtotal,
            discounts=[
                DiscountView(coupon=d.coupon_id, description=d.description, amount=d.amount) for d in draft.discounts
            ],
            taxes=[
                TaxView(
                    rate=f"{t.rate.normalize():f}",
                    category=t.category.value,
                    taxable_amount=t.taxable_amount,
                    amount=t.amount,
                )
                for t in draft.taxes
            ],
            total=draft.total,
            credit_applied=draft.credit_applied,
            amount_due=draft.amount_due,
            amount_paid=invoice.amount_paid if invoice else 0,
            amount_remaining=invoice.amount_remaining if invoice else draft.amount_due,
            amount_credited=invoice.amount_credited if invoice else 0,
            previous_unpaid=draft.previous_unpaid,
            vat_mention=draft.vat_mention,
            proration_date=iso(proration_date),
        )

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceView:
        return cls.of_draft(invoice.draft, invoice)


class PreviewRequest(Strict):
    subscription: Identifier
    items: Annotated[list[ItemChange], Field(min_length=1, max_length=20)] | None = None
    proration_behavior: ProrationBehavior = ProrationBehavior.CREATE_PRORATIONS
    proration_date: AwareDatetime | None = None


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
    amount: int
    reason: str
    created: str
    amount_refunded: int = Field(
        default=0, description="With refund: below amount if Stripe was unreachable (the rest stays as credit)."
    )

    @classmethod
    def of(cls, note: CreditNote, refunded: int = 0) -> CreditNoteView:
        return cls(
            id=note.id,
            number=note.number,
            invoice=note.invoice_id,
            invoice_number=note.invoice_number,
            account=note.account_id,
            currency=note.currency,
            amount=note.amount,
            reason=note.reason,
            created=isoformat(note.created),
            amount_refunded=refunded,
        )


class InvoiceItemCreate(Strict):
    account: Identifier
    price: Identifier | None = None
    quantity: Annotated[Decimal, Field(gt=0, le=10**9, decimal_places=6)] = Decimal(1)
    unit_amount_decimal: UnitDecimal | None = None
    currency: Currency | None = None
    description: Text | None = None
    invoice_now: bool = False


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
class BalanceView(BaseModel):
    object: Literal["balance"] = "balance"
    account: str
    currency: str
    balance: int = Field(description="What the account owes; negative: credit in its favour.")
    credit_available: int
    amount_owed: int


class BalanceTransactionView(BaseModel):
    id: str
    object: Literal["balance_transaction"] = "balance_transaction"
    type: str
    amount: int
    currency: str
    created: str
    reference: str | None
    reason: str | None

    @classmethod
    def of(cls, entry: LedgerEntry) -> BalanceTransactionView:
        return cls(
            id=entry.id,
            type=entry.kind.value,
            amount=entry.amount,
            currency=entry.currency,
            created=isoformat(entry.at),
            reference=entry.reference,
            reason=entry.reason,
        )


class AdjustmentCreate(Strict):
    amount: Annotated[int, Field(ge=-(10**12), le=10**12)] = Field(
        description="Positive: the account owes more; negative: credit in its favour."
    )
    currency: Currency
    reason: Text

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("an adjustment is not zero")
        return value


# --- usage -------------------------------------------------------------------------------------------
class UsageEventIn(Strict):
    id: Annotated[str, Field(min_length=1, max_length=100)]
    subscription: Identifier
    meter: Annotated[str, Field(min_length=1, max_length=100)]
    quantity: Annotated[Decimal, Field(ge=0, le=Decimal(10**12), decimal_places=6)] = Decimal(1)
    timestamp: AwareDatetime
    tags: Annotated[
        dict[Annotated[str, Field(min_length=1, max_length=64)], Annotated[str, Field(max_length=256)]],
        Field(max_length=5),
    ] = Field(default_factory=dict)
    unique_value: Annotated[str, Field(max_length=256)] | None = None


class UsageBatch(Strict):
    events: Annotated[list[UsageEventIn], Field(min_length=1, max_length=1000)]


class EventErrorView(BaseModel):
    index: int
    id: str
    code: str
    message: str


class IngestView(BaseModel):
    object: Literal["usage_ingestion"] = "usage_ingestion"
    accepted: int
    duplicates: int
    rejected: int
    errors: list[EventErrorView]


class UsageRowView(BaseModel):
    date: str
    meter: str
    tags: dict[str, str]
    quantity: str
    events: int
    cost: int | None = Field(default=None, description="Minor units; per-unit prices only.")
    currency: str | None = None


class UsageSummaryView(BaseModel):
    object: Literal["usage_summary"] = "usage_summary"
    subscription: str
    granularity: Literal["day"] = "day"
    data: list[UsageRowView]
