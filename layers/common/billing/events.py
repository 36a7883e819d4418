"""Domain events, published on the project's EventBridge bus (detail-types named like Stripe's).

They are written to an outbox in the same transaction as the change they report, then published; the
billing run republishes what a crash left behind. Delivery is at-least-once: ``id`` is stable, for
consumers to deduplicate. Details carry ids and amounts, never secrets or personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    """Every detail-type published on the bus (named like Stripe's events), catalogued in docs/events.md."""

    ACCOUNT_STATUS_CHANGED = "account.status_changed"
    BUDGET_THRESHOLD_CROSSED = "budget.threshold_crossed"
    CREDIT_NOTE_CREATED = "credit_note.created"
    ENTITLEMENT_UPDATED = "entitlement.updated"
    INVOICE_CHARGE_DUE = "invoice.charge_due"
    INVOICE_CREATED = "invoice.created"
    INVOICE_FINALIZED = "invoice.finalized"
    INVOICE_OVERDUE = "invoice.overdue"
    INVOICE_PAID = "invoice.paid"
    INVOICE_PLATFORM_STATUS = "invoice.platform_status"
    INVOICE_PAYMENT_REMINDER = "invoice.payment_reminder"
    MARKETPLACE_CUSTOMER_REGISTERED = "marketplace.customer_registered"
    PAYMENT_DISPUTED = "payment.disputed"
    PAYMENT_FAILED = "payment.failed"
    PAYMENT_PROCESSING = "payment.processing"
    PAYMENT_REFUNDED = "payment.refunded"
    PAYMENT_REQUIRES_ACTION = "payment.requires_action"
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_METHOD_ADDED = "payment_method.added"
    PAYMENT_METHOD_DEFAULT_CHANGED = "payment_method.default_changed"
    PAYMENT_METHOD_REMOVED = "payment_method.removed"
    RECEIPT_CREATED = "receipt.created"
    REFERRAL_CREDITED = "referral.credited"
    RECEIPTS_DIGEST_DUE = "receipts.digest_due"
    SUBSCRIPTION_CREATED = "subscription.created"
    SUBSCRIPTION_ENDED = "subscription.ended"
    SUBSCRIPTION_PAUSED = "subscription.paused"
    SUBSCRIPTION_RENEWED = "subscription.renewed"
    SUBSCRIPTION_RESUMED = "subscription.resumed"
    SUBSCRIPTION_TRIAL_ENDING = "subscription.trial_ending"
    SUBSCRIPTION_UPDATED = "subscription.updated"
    SUBSCRIPTION_USAGE_CLOSED = "subscription.usage_closed"


# What each event says, for docs/events.md (generated; a test keeps it current).
MEANINGS: dict[EventType, str] = {
    EventType.ACCOUNT_STATUS_CHANGED: "An account was restricted by dunning, or restored once paid.",
    EventType.BUDGET_THRESHOLD_CROSSED: "A budget threshold was reached this month (once per threshold and month); "
    "the billing contact is emailed.",
    EventType.CREDIT_NOTE_CREATED: "A credit note was issued; its PDF is rendered and emailed.",
    EventType.INVOICE_CHARGE_DUE: "An invoice is due to be charged automatically (first try or a retry).",
    EventType.INVOICE_CREATED: "A draft invoice was created (subscription start, change, renewal or invoice items).",
    EventType.INVOICE_FINALIZED: "A draft became a numbered, immutable invoice; its PDF is rendered and emailed.",
    EventType.INVOICE_OVERDUE: "A finalized invoice passed its due date unpaid.",
    EventType.INVOICE_PAID: "An invoice was paid in full (by payments, credit or a credit note).",
    EventType.INVOICE_PLATFORM_STATUS: "The platform an e-invoice was deposited on (Chorus Pro for public buyers) "
    "reported a new status: deposited, made available, rejected, suspended, paid.",
    EventType.MARKETPLACE_CUSTOMER_REGISTERED: "An AWS Marketplace buyer's registration was linked to an account: "
    "grant access.",
    EventType.INVOICE_PAYMENT_REMINDER: "A reminder of an unpaid invoice is due to be emailed (dunning policy).",
    EventType.PAYMENT_DISPUTED: "The customer disputed a card payment; the amount is debited back to the balance.",
    EventType.PAYMENT_FAILED: "A payment failed; the customer is told, with the next attempt's date if any.",
    EventType.PAYMENT_PROCESSING: "A debit (SEPA, ACH) was submitted and waits for its outcome.",
    EventType.PAYMENT_REFUNDED: "A payment was refunded, in part or in full.",
    EventType.PAYMENT_REQUIRES_ACTION: "A payment waits for the customer to authenticate (3-D Secure) in the browser.",
    EventType.PAYMENT_SUCCEEDED: "A payment succeeded and was booked to the ledger.",
    EventType.PAYMENT_METHOD_ADDED: "A payment method was saved for the account; the customer is told.",
    EventType.PAYMENT_METHOD_DEFAULT_CHANGED: "Automatic charges now use another saved method; the customer is told.",
    EventType.PAYMENT_METHOD_REMOVED: "A saved payment method was removed; the customer is told, and which is default.",
    EventType.RECEIPT_CREATED: "A receipt was issued for a successful payment; its PDF is rendered and emailed.",
    EventType.REFERRAL_CREDITED: "A referrer's balance was credited: the account it referred paid its first invoice.",
    EventType.RECEIPTS_DIGEST_DUE: "An account's monthly receipt digest is due (receipts zipped in one email).",
    EventType.ENTITLEMENT_UPDATED: "An AWS Marketplace buyer's entitlements changed (a contract upgrade or "
    "renewal); the subscription's items follow them.",
    EventType.SUBSCRIPTION_CREATED: "A subscription was created by an AWS Marketplace purchase (managed_by): grant "
    "access.",
    EventType.SUBSCRIPTION_UPDATED: "A marketplace-managed subscription's items changed with its entitlements.",
    EventType.SUBSCRIPTION_ENDED: "A subscription ended (canceled at period end, or its last period closed).",
    EventType.SUBSCRIPTION_PAUSED: "A period ended while the account was suspended: no new period was charged.",
    EventType.SUBSCRIPTION_RESUMED: "The account paid what was overdue: billing started again with a new period.",
    EventType.SUBSCRIPTION_RENEWED: "A subscription entered its next period and its invoice was drafted.",
    EventType.SUBSCRIPTION_TRIAL_ENDING: "A subscription's trial ends in three days.",
    EventType.SUBSCRIPTION_USAGE_CLOSED: "A subscription's usage period closed and its usage was invoiced.",
}


# What each event's detail carries (and so a webhook's ``data.object``): field → (JSON type, meaning).
# docs/events.md and the OpenAPI document's webhooks are generated from it; the functional tests check
# every event they publish against it, so a new field cannot go out undeclared.
Fields = dict[str, tuple[str, str]]
_MONEY: Fields = {"currency": ("string", "ISO 4217 code, upper case")}
_INVOICE: Fields = {"invoice": ("string", "the invoice's id (in_…)")}
_NUMBER: Fields = {"number": ("string", "the invoice's gapless number, e.g. F-2026-000042")}
_PAYMENT: Fields = {
    "payment": ("string", "the payment's id (py_…)"),
    "amount": ("integer", "in minor units (cents)"),
    **_MONEY,
    "purpose": ("string", "invoice, or top_up (prepaid credit)"),
    "invoice": ("string|null", "the invoice it was for, if any"),
    "status": ("string", "processing, requires_action, succeeded, failed, refunded or disputed"),
}
_PERIOD: Fields = {
    "subscription": ("string", "the subscription's id (sub_…)"),
    "period_start": ("date-time", "the period concerned"),
    "period_end": ("date-time", "its end (exclusive)"),
}
_METHOD: Fields = {
    "account": ("string", "the account's id"),
    "payment_method": ("string", "Stripe's payment method id (pm_…)"),
    "label": ("string", "how the customer knows it, e.g. Visa •••• 4242"),
}
_MARKETPLACE_SUBSCRIPTION: Fields = {
    "subscription": ("string", "the subscription's id (sub_…)"),
    "account": ("string", "the account's id"),
    "managed_by": ("string", "aws_marketplace"),
    "license_arn": ("string|null", "the buyer's AWS Marketplace license"),
}
FIELDS: dict[EventType, Fields] = {
    EventType.MARKETPLACE_CUSTOMER_REGISTERED: {
        "account": ("string", "the account the buyer's registration is linked to"),
        "registration": ("string", "the registration's id (mpreg_…)"),
        "customer_identifier": ("string", "AWS Marketplace's CustomerIdentifier"),
        "aws_account_id": ("string", "the buyer's AWS account"),
        "product_code": ("string", "the product bought"),
        "license_arn": ("string|null", "the buyer's license (products from June 2026 on have one)"),
    },
    EventType.BUDGET_THRESHOLD_CROSSED: {
        "budget": ("string", "the budget's id (budget_…)"),
        "account": ("string", "the account's id"),
        "name": ("string", "the budget's name"),
        "month": ("string", "the calendar month of the account's time zone, e.g. 2026-11"),
        "percent": ("integer", "the threshold reached, in percent of the limit"),
        "basis": ("string", "actual (what happened) or forecast (where the month is heading)"),
        "measure": ("string", "cost (minor units, excluding tax) or quantity (a usage alert)"),
        "value": ("integer|string", "the month's cost in minor units, or its quantity as a decimal string"),
        "limit": ("integer|string", "the budget's limit, in the same measure"),
        "currency": ("string", "ISO 4217 code"),
        "meter": ("string|null", "the meter watched, if any"),
    },
    EventType.ACCOUNT_STATUS_CHANGED: {
        "account": ("string", "the account's id"),
        "status": ("string", "active, warning, restricted or suspended"),
        "previous_status": ("string", "the status before"),
    },
    EventType.CREDIT_NOTE_CREATED: {
        "credit_note": ("string", "the credit note's id (cn_…)"),
        "number": ("string", "its gapless number, e.g. AV-2026-000003"),
        **_INVOICE,
        "amount": ("integer", "credited, tax included, in minor units"),
        **_MONEY,
    },
    EventType.INVOICE_CHARGE_DUE: {
        **_INVOICE,
        "amount_due": ("integer", "to charge, in minor units"),
        **_MONEY,
        "attempt": ("integer", "1 for the first try, then each retry"),
    },
    EventType.INVOICE_CREATED: {
        **_INVOICE,
        "subscription": ("string|null", "the subscription it bills, if any"),
        "billing_reason": (
            "string",
            "subscription_create, subscription_cycle, subscription_update, subscription_usage or manual",
        ),
        "total": ("integer", "tax included, in minor units"),
        **_MONEY,
    },
    EventType.INVOICE_FINALIZED: {
        **_INVOICE,
        **_NUMBER,
        "subscription": ("string|null", "the subscription it bills, if any"),
        "total": ("integer", "tax included, in minor units"),
        "amount_due": ("integer", "what remains to pay after credit, in minor units"),
        **_MONEY,
        "collection_method": ("string", "charge_automatically or send_invoice"),
        "due_at": ("date-time|null", "when payment is due"),
    },
    EventType.INVOICE_OVERDUE: {
        **_INVOICE,
        **_NUMBER,
        "amount_remaining": ("integer", "unpaid, in minor units"),
        **_MONEY,
        "due_at": ("date-time", "when it was due"),
    },
    EventType.INVOICE_PAID: {**_INVOICE, **_NUMBER, "payment": ("string|null", "the payment that completed it")},
    EventType.INVOICE_PLATFORM_STATUS: {
        **_INVOICE,
        **_NUMBER,
        "platform": ("string", "chorus_pro"),
        "deposit": ("string", "the platform's id of the deposit (Chorus Pro: numeroFluxDepot)"),
        "status": ("string", "deposited, made_available, rejected, suspended or paid"),
        "platform_status": ("string", "the platform's own code (Chorus Pro: DEPOSEE, REJETEE, MISE_EN_PAIEMENT…)"),
    },
    EventType.INVOICE_PAYMENT_REMINDER: {
        **_INVOICE,
        **_NUMBER,
        "amount_remaining": ("integer", "unpaid, in minor units"),
        **_MONEY,
        "due_at": ("date-time", "when it was due"),
        "days_from_due": ("integer", "negative before the due date, positive after"),
    },
    EventType.PAYMENT_DISPUTED: {**_PAYMENT, "dispute": ("string", "Stripe's dispute id (dp_…)")},
    EventType.PAYMENT_FAILED: {
        **_PAYMENT,
        "attempt": ("integer|null", "which automatic attempt failed"),
        "failure_code": ("string", "Stripe's decline code, or ours (no_payment_method)"),
        "failure_message": ("string", "why, in English"),
        "hard_decline": ("boolean", "true: retrying the same method is pointless"),
        "next_attempt_at": ("date-time|null", "the next automatic attempt, if any"),
    },
    EventType.PAYMENT_PROCESSING: _PAYMENT,
    EventType.PAYMENT_REFUNDED: {**_PAYMENT, "amount_refunded": ("integer", "refunded so far, in minor units")},
    EventType.PAYMENT_REQUIRES_ACTION: _PAYMENT,
    EventType.PAYMENT_SUCCEEDED: {**_PAYMENT, "receipt": ("string", "the receipt issued (rcpt_…)")},
    EventType.PAYMENT_METHOD_ADDED: {**_METHOD, "type": ("string", "card, sepa_debit, us_bank_account, paypal…")},
    EventType.PAYMENT_METHOD_DEFAULT_CHANGED: {**_METHOD, "default_label": ("string", "the new default's label")},
    EventType.PAYMENT_METHOD_REMOVED: {**_METHOD, "default_label": ("string|null", "the default left, if any")},
    EventType.RECEIPT_CREATED: {
        "receipt": ("string", "the receipt's id (rcpt_…)"),
        "number": ("string", "its number, e.g. R-2026-000001"),
        "payment": ("string", "the payment it acknowledges"),
        "amount": ("integer", "paid, in minor units"),
    },
    EventType.REFERRAL_CREDITED: {
        "referee": ("string", "the account that was referred"),
        **_INVOICE,
        "amount": ("integer", "credited to the referrer, in minor units"),
        **_MONEY,
    },
    EventType.RECEIPTS_DIGEST_DUE: {
        "account": ("string", "the account's id"),
        "month": ("string", "YYYY-MM"),
    },
    EventType.SUBSCRIPTION_ENDED: {
        **_PERIOD,
        "status": ("string", "canceled"),
        "managed_by": ("string|null", "aws_marketplace when AWS ended it, else absent"),
    },
    EventType.SUBSCRIPTION_CREATED: {**_MARKETPLACE_SUBSCRIPTION, "status": ("string", "the subscription's status")},
    EventType.SUBSCRIPTION_UPDATED: _MARKETPLACE_SUBSCRIPTION,
    EventType.ENTITLEMENT_UPDATED: {
        **_MARKETPLACE_SUBSCRIPTION,
        "entitlements": ("string", "dimension=quantity pairs, comma-separated, e.g. seats=10,storage=500"),
    },
    EventType.SUBSCRIPTION_PAUSED: {**_PERIOD, "status": ("string", "the subscription's status")},
    EventType.SUBSCRIPTION_RENEWED: {**_PERIOD, "status": ("string", "the subscription's status")},
    EventType.SUBSCRIPTION_RESUMED: _PERIOD,
    EventType.SUBSCRIPTION_TRIAL_ENDING: {
        "subscription": ("string", "the subscription's id (sub_…)"),
        "trial_end": ("date-time", "when the trial ends and the first invoice is drafted"),
    },
    EventType.SUBSCRIPTION_USAGE_CLOSED: {**_PERIOD, "status": ("string", "the subscription's status")},
}


@dataclass(frozen=True, slots=True, kw_only=True)  # named fields: many of one type
class DomainEvent:
    """A fact the backend announces on its bus and to the seller's webhooks, once per fact."""

    id: str  # derived from what happened: the same fact always has the same id
    type: EventType
    at: datetime
    account_id: str
    detail: dict[str, Any] = field(default_factory=dict)

    def bus_detail(self) -> dict[str, Any]:
        """The detail a bus rule's target receives: the event's id and account, then what it says."""
        return {"id": self.id, "account": self.account_id, **self.detail}
