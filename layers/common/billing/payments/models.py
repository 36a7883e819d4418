"""Payments as the domain sees them; the payment provider's objects are translated at the adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class MethodType(StrEnum):
    CARD = "card"
    SEPA_DEBIT = "sepa_debit"
    US_BANK_ACCOUNT = "us_bank_account"  # ACH debit
    PAYPAL = "paypal"
    BANK_TRANSFER = "bank_transfer"  # recorded by an operator
    CHEQUE = "cheque"  # recorded by an operator


MANUAL_METHODS = (MethodType.BANK_TRANSFER, MethodType.CHEQUE)


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    """A saved method, as the provider describes it: never a card number, only what identifies it."""

    id: str
    type: str
    created: datetime
    brand: str | None = None
    last4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None

    @property
    def label(self) -> str:
        name = self.brand or self.type.replace("_", " ")
        return f"{name} •••• {self.last4}" if self.last4 else name


@dataclass(frozen=True, slots=True)
class PaymentProfile:
    """An account's side at the payment provider: its customer and the methods saved there."""

    account_id: str
    customer_id: str | None = None
    methods: tuple[PaymentMethod, ...] = ()
    default_method: str | None = None
    version: int = 0

    def method(self, method_id: str) -> PaymentMethod | None:
        return next((m for m in self.methods if m.id == method_id), None)


class PaymentPurpose(StrEnum):
    INVOICE = "invoice"  # automatic charge of one invoice
    ONE_TIME = "one_time"  # any amount, oldest invoices first
    TOP_UP = "top_up"  # prepaid credit
    MANUAL = "manual"  # bank transfer or cheque, recorded by an operator


class PaymentStatus(StrEnum):
    REQUIRES_ACTION = "requires_action"  # the customer must authenticate (3-D Secure, SCA) in the browser
    PROCESSING = "processing"  # debits (SEPA, ACH) wait for their outcome
    FAILED = "failed"
    SUCCEEDED = "succeeded"


# Webhooks come in any order: a payment only moves up this ladder (a late "processing" after
# "succeeded" changes nothing). A failed intent may still succeed if confirmed again.
STATUS_RANK = {
    PaymentStatus.REQUIRES_ACTION: 0,
    PaymentStatus.PROCESSING: 1,
    PaymentStatus.FAILED: 2,
    PaymentStatus.SUCCEEDED: 3,
}


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a payment failed, as the payment provider said it."""

    code: str
    message: str
    hard: bool  # a hard decline (lost card, closed account): retrying cannot succeed


@dataclass(frozen=True, slots=True)
class Payment:
    """Money asked of or received from a customer: an invoice's charge, a one-time amount, a top-up, or a transfer
    or cheque recorded by an operator."""

    id: str
    account_id: str
    amount: int
    currency: str
    purpose: PaymentPurpose
    status: PaymentStatus
    created: datetime
    method_type: str
    method_id: str | None = None
    method_label: str | None = None
    provider_id: str | None = None  # the PaymentIntent
    invoice_id: str | None = None
    attempt: int | None = None
    reference: str | None = None  # a bank transfer's or cheque's reference
    succeeded_at: datetime | None = None
    failure: Failure | None = None
    allocations: tuple[tuple[str, int], ...] = ()  # (invoice id, amount) settled by this payment
    credit_added: int = 0  # what went to the balance as credit
    amount_refunded: int = 0
    refunds: tuple[str, ...] = ()  # provider refund ids already booked
    disputed: bool = False
    receipt_id: str | None = None
    version: int = 0


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """The part of a payment that settled one invoice, as its receipt prints it."""

    invoice_id: str
    invoice_number: str | None
    amount: int


@dataclass(frozen=True, slots=True)
class Receipt:
    """Proof of one successful payment: what was paid, how, what it settled, what is left."""

    id: str
    number: str
    account_id: str
    payment_id: str
    created: datetime
    amount: int
    currency: str
    purpose: PaymentPurpose
    method_label: str
    lines: tuple[ReceiptLine, ...]
    credit_added: int
    balance_after: int  # what the account still owes after it (negative: credit in its favour)
    reference: str | None = None
    extra_text: str | None = None  # the account's extra billing info, printed on every receipt
    pdf_key: str | None = None
    version: int = 0


@dataclass(frozen=True, slots=True)
class IntentSnapshot:
    """A provider payment (PaymentIntent) at one moment, with the metadata we attached to it."""

    provider_id: str | None
    status: PaymentStatus | None  # None: not an outcome yet (needs action, canceled)
    amount: int
    currency: str
    payment_id: str | None  # ours, from the intent's metadata
    account_id: str | None
    purpose: PaymentPurpose | None
    invoice_id: str | None = None
    attempt: int | None = None
    method_id: str | None = None
    method_type: str | None = None
    failure: Failure | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    # For the customer's browser to authenticate (Stripe.js handleNextAction); never stored or logged.
    client_secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class SetupSnapshot:
    """What a provider's setup event says about a saved payment method."""

    setup_id: str
    account_id: str | None
    customer_id: str | None
    method_id: str | None
    succeeded: bool


@dataclass(frozen=True, slots=True)
class RefundSnapshot:
    """What a provider's refund event says."""

    refund_id: str
    amount: int


@dataclass(frozen=True, slots=True)
class ChargeSnapshot:
    """A charge as ``charge.refunded`` and disputes describe it."""

    charge_id: str
    intent_id: str | None
    payment_id: str | None
    account_id: str | None
    currency: str
    refunds: tuple[RefundSnapshot, ...] = ()
    dispute_id: str | None = None
    dispute_amount: int = 0


@dataclass(frozen=True, slots=True)
class SetupIntentInfo:
    """What the portal needs to save a payment method with the provider."""

    id: str
    client_secret: str
    method_types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    """One charge asked of the payment provider, keyed so a retry cannot charge twice."""

    customer_id: str
    method_id: str
    method_type: str
    amount: int
    currency: str
    idempotency_key: str  # from our state: the same attempt never charges twice
    off_session: bool
    metadata: dict[str, str]


@dataclass(frozen=True, slots=True)
class ReceiptDigest:
    """An account's receipts of one month (UTC), emailed together on the first of the next month, for
    accounts whose receipt settings say ``monthly``."""

    account_id: str
    month: str  # "2026-11"
    due_at: datetime

    @property
    def id(self) -> str:
        return f"{self.account_id}:{self.month}"

    @classmethod
    def for_instant(cls, account_id: str, instant: datetime) -> ReceiptDigest:
        start = instant.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        following = (
            start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
        )
        return cls(account_id, f"{start:%Y-%m}", following)
