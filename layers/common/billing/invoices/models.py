"""An invoice's lines and totals, as assembled before finalization (numbers come at finalization)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from billing.accounts.models import Account
from billing.accounts.profile import (
    Address,
    BillingProfile,
    CustomerType,
    Locale_,
    PublicBuyer,
    ReceiptSettings,
)
from billing.catalog.rating import TierUse
from billing.catalog.units import DEFAULT_UNIT
from billing.copies import slot_copier, slot_init, slot_setter
from billing.periods import Period
from billing.tax.vat import VatCategory


class Section(StrEnum):
    """Aircall's invoice layout: what comes, what changed, what was used; then one-off items."""

    RECURRING = "recurring"  # licensed items for the coming period, billed in advance
    PRORATION = "proration"  # changes during the past period
    USAGE = "usage"  # metered items for the past period, billed in arrears
    ONE_OFF = "one_off"  # interventions, set-up fees, ad-hoc items


class BillingReason(StrEnum):
    SUBSCRIPTION_CREATE = "subscription_create"
    SUBSCRIPTION_CYCLE = "subscription_cycle"
    SUBSCRIPTION_UPDATE = "subscription_update"
    SUBSCRIPTION_USAGE = "subscription_usage"  # monthly usage of an annual subscription
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class TagShare:
    """The part of a usage line one set of tags accounts for (chargeback/showback)."""

    tags: tuple[tuple[str, str], ...]
    quantity: Decimal
    amount: int


@slot_init
@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line of an invoice: what is charged or credited, for which period, and how it is taxed and worded."""

    section: Section
    description: str
    currency: str
    amount: int  # minor units, rounded once; negative for credits
    quantity: Decimal = Decimal(1)
    unit_amount: Decimal | None = None  # minor units per unit, when the line has one
    period: Period | None = None
    price_id: str | None = None
    subscription_id: str | None = None
    item_id: str | None = None
    proration: tuple[int, int] | None = None  # (remaining, total) days or seconds, to explain the line
    tax_rate: Decimal | None = None  # the price's own rate (a reduced rate), when it has one
    vat_rate: Decimal | None = None  # the rate charged, decided at assembly (VatTreatment.rate_for)
    tag_shares: tuple[TagShare, ...] = ()
    item_name: str | None = None  # what documents name the line after, in the buyer's language
    tiers: tuple[TierUse, ...] = ()  # the tiers its quantity crossed (tiered prices): the explained bill
    prorated_from: int | None = None  # a credit's base: the amount charged for the whole span, in minor units
    unit: str = DEFAULT_UNIT  # the price's unit of measure (UN/ECE rec. 20), stated by e-invoices
    tax_exemption: str | None = None  # the price's VATEX code: exempt (0 %, category E) under French VAT

    def assessed(self, vat_rate: Decimal, description: str) -> InvoiceLine:
        """The line with the rate charged and its wording, as assembly decides them (copied by billing/copies.py:
        dataclasses.replace was a fifth of rating a subscription)."""
        copy = _copy_line(self)
        _set_vat_rate(copy, vat_rate)
        _set_description(copy, description)
        return copy


_copy_line = slot_copier(InvoiceLine)
_set_vat_rate = slot_setter(InvoiceLine, "vat_rate")
_set_description = slot_setter(InvoiceLine, "description")


@slot_init
@dataclass(frozen=True, slots=True)
class TaxLine:
    """The VAT of one rate (and exemption) on an invoice: its base and its amount, rounded once."""

    rate: Decimal
    category: VatCategory
    taxable_amount: int
    amount: int
    exemption: str | None = None  # the VATEX code of an exempt base (category E)


@dataclass(frozen=True, slots=True)
class DiscountLine:
    """A coupon's discount taken off an invoice's subtotal, before tax."""

    coupon_id: str
    description: str
    amount: int  # positive: what is taken off the subtotal


@slot_init
@dataclass(frozen=True, slots=True)
class DraftInvoice:
    """An invoice's lines and totals before it is numbered: what assembly computes and previews show."""

    account_id: str
    currency: str
    billing_reason: BillingReason
    created: datetime
    lines: tuple[InvoiceLine, ...]
    subtotal: int  # Σ lines
    discounts: tuple[DiscountLine, ...]
    taxes: tuple[TaxLine, ...]
    total: int  # subtotal − discounts + taxes, never negative
    credit_applied: int  # from the account balance, after tax
    amount_due: int
    excess_credit: int  # a negative total, moved to the account balance instead
    previous_unpaid: int  # shown for information, not added
    vat_mention: str | None
    subscription_id: str | None = None
    period: Period | None = None

    def section(self, section: Section) -> tuple[InvoiceLine, ...]:
        return tuple(line for line in self.lines if line.section is section)


DRAFT_GRACE = timedelta(hours=1)  # alwaysdata's "a few hours": usage and adjustments can still land


class PlatformStatus(StrEnum):
    """Where an e-invoice deposited on a platform stands (Chorus Pro's statuses, grouped)."""

    DEPOSITED = "deposited"  # received, being routed to the buyer
    MADE_AVAILABLE = "made_available"  # the buyer has it (and may process it: service done, mandated…)
    SUSPENDED = "suspended"  # the buyer asks for a correction or a document
    REJECTED = "rejected"  # refused by the platform or the buyer: issue a credit note and a new invoice
    PAID = "paid"  # payment ordered by the public accountant

    @property
    def final(self) -> bool:
        return self in (PlatformStatus.REJECTED, PlatformStatus.PAID)


@dataclass(frozen=True, slots=True)
class PlatformDeposit:
    """An invoice deposited on an e-invoicing platform, and the last status it reported."""

    platform: str  # "chorus_pro"
    deposit_id: str
    status: PlatformStatus
    platform_status: str  # the platform's own code
    updated_at: datetime
    check_at: datetime | None  # when to ask again (None: a final status)


PLATFORM_CHECK_EVERY = timedelta(hours=1)


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # finalized: numbered, immutable, owed
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


@dataclass(frozen=True, slots=True)
class Invoice:
    """A stored invoice: its draft content, and what finalization and payments made of it."""

    id: str
    draft: DraftInvoice
    status: InvoiceStatus = InvoiceStatus.DRAFT
    number: str | None = None
    finalized_at: datetime | None = None
    due_at: datetime | None = None
    amount_paid: int = 0  # by payments and credits after finalization (credit applied included)
    amount_credited: int = 0  # by credit notes
    collection_method: str = "charge_automatically"
    days_until_due: int | None = None
    finalize_at: datetime | None = None  # a draft finalizes itself then (end of its grace period)
    pdf_key: str | None = None  # where its PDF lies in the documents bucket, once rendered
    # The buyer's billing profile as it was at finalization (JSON), which documents print: not validated again
    # when read, so a rule added later cannot make an old invoice unreadable.
    buyer: dict[str, Any] | None = None
    platform: PlatformDeposit | None = None  # deposited on Chorus Pro (public buyers)
    pdf_sha256: str | None = None  # of the stored PDF (the Factur-X): anyone can check a copy against it
    # Collection (billing/payments): automatic charge attempts, and where dunning stands.
    charge_attempts: int = 0
    next_charge_at: datetime | None = None  # the next automatic attempt (a retry after a failure)
    first_failure_at: datetime | None = None
    dunning_step: int = 0  # how many steps of the dunning policy were done
    dunning_at: datetime | None = None  # when the next one falls due
    version: int = 0

    def next_due(self) -> datetime | None:
        """When the billing run must look at this invoice again (None: never)."""
        if self.status is InvoiceStatus.DRAFT:
            return self.finalize_at
        check = self.platform.check_at if self.platform is not None else None  # the platform asked again
        if self.status is InvoiceStatus.OPEN:
            # A charge retry, a reminder, the due date, a dunning threshold: whichever comes first.
            return min((at for at in (self.next_charge_at, self.dunning_at, check) if at is not None), default=None)
        return check

    def past_due_since(self, now: datetime) -> datetime | None:
        """Since when an open invoice is overdue, or None: a sent invoice once its due date has passed; an
        automatically charged one once its charge failed (until then it is being collected, not late)."""
        if self.status is not InvoiceStatus.OPEN or self.due_at is None:
            return None
        since = self.due_at if self.collection_method == "send_invoice" else self.first_failure_at
        return since if since is not None and since < now else None

    @property
    def account_id(self) -> str:
        return self.draft.account_id

    @property
    def payable_on(self) -> datetime:
        """The date the PDF and every email name for payment: the due date, else the day it was issued."""
        return self.due_at or self.finalized_at or self.draft.created

    @property
    def amount_remaining(self) -> int:
        if self.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
            return 0
        return max(0, self.draft.total - self.amount_paid - self.amount_credited)


@dataclass(frozen=True, slots=True)
class CreditNote:
    """An "avoir": a correction of a finalized invoice, never an edit of it."""

    id: str
    number: str
    invoice_id: str
    invoice_number: str
    account_id: str
    currency: str
    amount: int  # tax included
    reason: str
    created: datetime
    invoice_date: datetime | None = None  # the original invoice's date, printed on the credit note
    pdf_key: str | None = None
    pdf_sha256: str | None = None  # of the stored PDF (the Factur-X)
    amount_refunded: int = 0  # given back on the card or debit (the rest is balance credit)
    # What it takes back, as the invoice stated it: a line and a base and VAT per rate (invoices/credit_breakdown.py).
    lines: tuple[InvoiceLine, ...] = ()
    taxes: tuple[TaxLine, ...] = ()
    version: int = 0

    @property
    def subtotal(self) -> int:
        """The bases taken back, VAT excluded."""
        return sum(tax.taxable_amount for tax in self.taxes)


def buyer_snapshot(account: Account) -> dict[str, Any]:
    """The billing profile to copy onto an invoice at finalization."""
    return account.profile.model_dump(mode="json")


def invoiced_account(account: Account, invoice: Invoice) -> Account:
    """``account`` as the invoice names it: with the profile copied at finalization, when it has one."""
    if invoice.buyer is None:
        return account
    data = invoice.buyer
    kind = data.get("customer_type")
    public = data.get("public_buyer")
    profile = BillingProfile.model_construct(
        **(
            data
            | {
                "address": Address.model_construct(**data["address"]),
                "locale": Locale_(data["locale"]),
                "receipt_settings": ReceiptSettings.model_construct(**data["receipt_settings"]),
                "customer_type": CustomerType(kind) if kind else None,
                "public_buyer": PublicBuyer.model_construct(**public) if public else None,
            }
        )
    )
    return account.with_profile(profile)
