"""Which use case each bus event starts in the documents function: the bus rules send it exactly these
(tests/infra checks both sides), and the handler looks the event up here instead of branching."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from billing.documents.notify_account_status import notify_account_status
from billing.documents.notify_budget_crossed import notify_budget_crossed
from billing.documents.notify_default_changed import notify_default_changed
from billing.documents.notify_method_added import notify_method_added
from billing.documents.notify_method_removed import notify_method_removed
from billing.documents.notify_payment_failed import notify_payment_failed
from billing.documents.notify_trial_ending import notify_trial_ending
from billing.documents.publish_credit_note import publish_credit_note
from billing.documents.publish_invoice import publish_invoice
from billing.documents.publish_receipt import publish_receipt
from billing.documents.send_receipt_digest import send_receipt_digest
from billing.documents.send_reminder import send_reminder
from billing.documents.services import DocumentServices
from billing.events import EventType

log = logging.getLogger(__name__)
# A reaction returns True when it emailed the document (False or None: nothing sent this time).
Reaction = Callable[[DocumentServices, Mapping[str, Any]], bool | None]

REACTIONS: dict[EventType, Reaction] = {
    EventType.INVOICE_FINALIZED: lambda services, detail: publish_invoice(services, str(detail["invoice"])),
    EventType.CREDIT_NOTE_CREATED: lambda services, detail: publish_credit_note(services, str(detail["credit_note"])),
    EventType.RECEIPT_CREATED: lambda services, detail: publish_receipt(services, str(detail["receipt"])),
    EventType.PAYMENT_FAILED: notify_payment_failed,
    EventType.ACCOUNT_STATUS_CHANGED: notify_account_status,
    EventType.SUBSCRIPTION_TRIAL_ENDING: notify_trial_ending,
    EventType.BUDGET_THRESHOLD_CROSSED: notify_budget_crossed,
    EventType.PAYMENT_METHOD_ADDED: lambda services, detail: notify_method_added(
        services, str(detail["account"]), str(detail["payment_method"]), str(detail["label"])
    ),
    EventType.PAYMENT_METHOD_DEFAULT_CHANGED: notify_default_changed,
    EventType.PAYMENT_METHOD_REMOVED: notify_method_removed,
    EventType.RECEIPTS_DIGEST_DUE: lambda services, detail: send_receipt_digest(
        services, str(detail["account"]), str(detail["month"])
    ),
    EventType.INVOICE_PAYMENT_REMINDER: lambda services, detail: send_reminder(
        services, str(detail["invoice"]), int(detail["days_from_due"])
    ),
}
# The metric counted when a reaction emailed its document.
EMAILED_METRICS = {EventType.INVOICE_FINALIZED: "InvoiceEmailed", EventType.RECEIPT_CREATED: "ReceiptEmailed"}


def finalized_invoices(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """The invoices a batch's ``invoice.finalized`` events name (read ahead: ``invoices/read_ahead.py``); a
    malformed event names none (it fails alone, as it is handled)."""
    details = [event.get("detail") for event in events if event.get("detail-type") == EventType.INVOICE_FINALIZED]
    return [str(detail["invoice"]) for detail in details if isinstance(detail, dict) and "invoice" in detail]


def react(services: DocumentServices, detail_type: str, detail: Mapping[str, Any]) -> tuple[EventType | None, bool]:
    """Run the reaction to one bus event; returns its type and whether it emailed."""
    if detail_type not in REACTIONS:
        log.warning("no reaction to this event: %s", detail_type)
        return None, False
    event_type = EventType(detail_type)
    return event_type, bool(REACTIONS[event_type](services, detail))
