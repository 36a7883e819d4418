"""Which use case each bus event starts in the payments function (the bus rules send it exactly these;
tests/infra checks both sides). Stripe's own events arrive apart, through the webhook's queue messages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from billing.events import EventType
from billing.payments.charge_invoice import charge_invoice
from billing.payments.models import Payment
from billing.payments.provider_events import handle_event
from billing.payments.record_payment import PaymentServices
from billing.payments.reward_referrer import reward_referrer
from billing.subscriptions.resume_subscriptions import resume_subscriptions

log = logging.getLogger(__name__)

# A reaction returns the payment it attempted, if any (the handler counts charges by outcome).
Reaction = Callable[[PaymentServices, dict[str, Any]], Payment | None]

REACTIONS: dict[EventType, Reaction] = {
    EventType.INVOICE_CHARGE_DUE: lambda services, detail: charge_invoice(
        services, str(detail["invoice"]), int(detail["attempt"])
    ),
    EventType.INVOICE_PAID: lambda services, detail: reward_referrer(services, str(detail["invoice"])),
    EventType.ACCOUNT_STATUS_CHANGED: lambda services, detail: resume_subscriptions(
        services.store, services.accounts, services.clock, services.policy.states, str(detail["account"])
    ),
}


def react(services: PaymentServices, message: dict[str, Any]) -> Payment | None:
    """One message of the payments queue: a Stripe event from the webhook intake, or a bus event.
    Returns the payment a charge attempted, if any."""
    if message.get("kind") == "provider_event":
        event = message["event"]
        log.info("stripe event %s of type %s", event.get("id"), event.get("type"))
        handle_event(services, event)
        return None
    if message.get("detail-type") in REACTIONS:  # from a bus rule
        return REACTIONS[EventType(message["detail-type"])](services, message["detail"])
    log.warning("unknown message with keys %s", sorted(message))
    return None
