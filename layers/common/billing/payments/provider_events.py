"""Payment provider events (Stripe webhooks), once received (payments/receive_event.py): one table of
handlers by event type, applied by the payments worker. Every handler is safe against duplicates and any
order: it compares with what we stored (payments only move up; refunds and disputes are booked by their id).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from billing.batch import LedgerAppend, WriteBatch
from billing.conflicts import attempts
from billing.errors import ConflictError, ErrorCode
from billing.events import EventType
from billing.invoices.settle_invoices import paid_events, settled_invoices
from billing.ledger.account_ledger import EntryKind, LedgerEntry
from billing.payments.models import Payment, RefundSnapshot
from billing.payments.payment_profiles import add_method
from billing.payments.record_payment import PaymentServices, apply_intent, payment_event

log = logging.getLogger(__name__)


def _object(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("data", {}).get("object", {})
    return data if isinstance(data, dict) else {}


def _intent(services: PaymentServices, event: dict[str, Any]) -> None:
    apply_intent(services, services.gateway.intent_from(_object(event)))


def _setup_succeeded(services: PaymentServices, event: dict[str, Any]) -> None:
    setup = services.gateway.setup_from(_object(event))
    if not setup.succeeded or setup.account_id is None or setup.method_id is None:
        return
    profile = services.store.get_payment_profile(setup.account_id)
    if profile is not None and profile.customer_id not in (None, setup.customer_id):
        log.warning("setup intent %s names another customer than account %s", setup.setup_id, setup.account_id)
        return
    add_method(services, setup.account_id, services.gateway.payment_method(setup.method_id))


def _refunded(services: PaymentServices, event: dict[str, Any]) -> None:
    """Refunds made at the provider (ours through credit notes, or the dashboard's)."""
    charge = services.gateway.charge_from(_object(event))
    if charge.payment_id is not None:
        book_refunds(services, charge.payment_id, charge.refunds)


def book_refunds(services: PaymentServices, payment_id: str, refunds: tuple[RefundSnapshot, ...]) -> None:
    """Each refund id is booked once, as money going back: the account owes it again unless a credit
    note covers it (a refund through a credit note nets to zero)."""

    def change(payment: Payment, now: datetime) -> WriteBatch | None:
        new = [refund for refund in refunds if refund.refund_id not in payment.refunds]
        if not new:
            return None
        entries = tuple(
            LedgerEntry(
                id=f"refund:{refund.refund_id}",
                kind=EntryKind.REFUND,
                amount=refund.amount,
                currency=payment.currency,
                at=now,
                reference=payment.id,
            )
            for refund in new
        )
        refunded = sum(refund.amount for refund in new)
        updated = replace(
            payment,
            amount_refunded=payment.amount_refunded + refunded,
            refunds=(*payment.refunds, *(refund.refund_id for refund in new)),
        )
        return _ledger_batch(services, updated, entries, now, EventType.PAYMENT_REFUNDED, amount_refunded=refunded)

    _update_payment(services, payment_id, change)


def _disputed(services: PaymentServices, event: dict[str, Any]) -> None:
    """A chargeback takes the money back until the dispute is won: the amount is owed again."""
    dispute = services.gateway.dispute_from(_object(event))

    def change(payment: Payment, now: datetime) -> WriteBatch | None:
        if payment.disputed or dispute.dispute_id is None:
            return None
        entry = LedgerEntry(
            id=f"dispute:{dispute.dispute_id}",
            kind=EntryKind.ADJUSTMENT,
            amount=dispute.dispute_amount,
            currency=payment.currency,
            at=now,
            reference=payment.id,
            reason="Payment disputed by the cardholder",
        )
        updated = replace(payment, disputed=True)
        return _ledger_batch(services, updated, (entry,), now, EventType.PAYMENT_DISPUTED, dispute=dispute.dispute_id)

    if dispute.payment_id is not None:
        _update_payment(services, dispute.payment_id, change)


def _ledger_batch(
    services: PaymentServices,
    payment: Payment,
    entries: tuple[LedgerEntry, ...],
    now: datetime,
    event_type: EventType,
    **detail: object,
) -> WriteBatch:
    ledger, head = services.store.ledger(payment.account_id, payment.currency)
    allocations = [allocation for entry in entries for allocation in ledger.post(entry)]
    invoices = settled_invoices(services.store, allocations)
    return WriteBatch(
        payments=[payment],
        invoices=invoices,
        ledger=[LedgerAppend(payment.account_id, entries, head)],
        events=[payment_event(event_type, payment, now, **detail), *paid_events(invoices, now)],
    )


def _update_payment(
    services: PaymentServices, payment_id: str, change: Callable[[Payment, datetime], WriteBatch | None]
) -> None:
    for _ in attempts():
        payment = services.store.get_payment(payment_id)
        if payment is None:
            # The success is not booked yet (events arrive in any order): fail, so the queue retries.
            raise ConflictError(ErrorCode.PAYMENT_NOT_BOOKED, f"Payment {payment_id} is not booked yet; retrying.")
        batch = change(payment, services.clock.now())
        if batch is None:
            return
        try:
            services.store.commit(batch)
            return
        except ConflictError:
            continue
    raise ConflictError(ErrorCode.PAYMENT_CONFLICT, f"Payment {payment_id} kept changing; retrying.")


EventHandler = Callable[[PaymentServices, dict[str, Any]], None]

HANDLERS: dict[str, EventHandler] = {
    "payment_intent.succeeded": _intent,
    "payment_intent.payment_failed": _intent,
    "payment_intent.processing": _intent,
    "payment_intent.canceled": _intent,
    "setup_intent.succeeded": _setup_succeeded,
    "charge.refunded": _refunded,
    "charge.dispute.created": _disputed,
}


def handle_event(services: PaymentServices, event: dict[str, Any]) -> bool:
    """Apply one provider event; unknown types are acknowledged and logged. Returns whether handled."""
    handler = HANDLERS.get(str(event.get("type")))
    if handler is None:
        log.info("provider event %s of type %s: no handler, acknowledged", event.get("id"), event.get("type"))
        return False
    handler(services, event)
    return True
