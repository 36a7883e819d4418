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
    CREDIT_NOTE_CREATED = "credit_note.created"
    INVOICE_CHARGE_DUE = "invoice.charge_due"
    INVOICE_CREATED = "invoice.created"
    INVOICE_FINALIZED = "invoice.finalized"
    INVOICE_OVERDUE = "invoice.overdue"
    INVOICE_PAID = "invoice.paid"
    INVOICE_PAYMENT_REMINDER = "invoice.payment_reminder"
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
    SUBSCRIPTION_ENDED = "subscription.ended"
    SUBSCRIPTION_PAUSED = "subscription.paused"
    SUBSCRIPTION_RENEWED = "subscription.renewed"
    SUBSCRIPTION_RESUMED = "subscription.resumed"
    SUBSCRIPTION_TRIAL_ENDING = "subscription.trial_ending"
    SUBSCRIPTION_USAGE_CLOSED = "subscription.usage_closed"


# What each event says, for docs/events.md (generated; a test keeps it current).
MEANINGS: dict[EventType, str] = {
    EventType.ACCOUNT_STATUS_CHANGED: "An account was restricted by dunning, or restored once paid.",
    EventType.CREDIT_NOTE_CREATED: "A credit note was issued; its PDF is rendered and emailed.",
    EventType.INVOICE_CHARGE_DUE: "An invoice is due to be charged automatically (first try or a retry).",
    EventType.INVOICE_CREATED: "A draft invoice was created (subscription start, change, renewal or invoice items).",
    EventType.INVOICE_FINALIZED: "A draft became a numbered, immutable invoice; its PDF is rendered and emailed.",
    EventType.INVOICE_OVERDUE: "A finalized invoice passed its due date unpaid.",
    EventType.INVOICE_PAID: "An invoice was paid in full (by payments, credit or a credit note).",
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
    EventType.SUBSCRIPTION_ENDED: "A subscription ended (canceled at period end, or its last period closed).",
    EventType.SUBSCRIPTION_PAUSED: "A period ended while the account was suspended: no new period was charged.",
    EventType.SUBSCRIPTION_RESUMED: "The account paid what was overdue: billing started again with a new period.",
    EventType.SUBSCRIPTION_RENEWED: "A subscription entered its next period and its invoice was drafted.",
    EventType.SUBSCRIPTION_TRIAL_ENDING: "A subscription's trial ends in three days.",
    EventType.SUBSCRIPTION_USAGE_CLOSED: "A subscription's usage period closed and its usage was invoiced.",
}


@dataclass(frozen=True, slots=True, kw_only=True)  # named fields: many of one type
class DomainEvent:
    id: str  # derived from what happened: the same fact always has the same id
    type: EventType
    at: datetime
    account_id: str
    detail: dict[str, Any] = field(default_factory=dict)

    def bus_detail(self) -> dict[str, Any]:
        """The detail a bus rule's target receives: the event's id and account, then what it says."""
        return {"id": self.id, "account": self.account_id, **self.detail}
