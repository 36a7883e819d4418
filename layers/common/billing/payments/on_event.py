"""Which use case each bus event starts in the payments function (the bus rules send it exactly these;
tests/infra checks both sides). Stripe's own events arrive apart, through the webhook's queue messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from billing.events import EventType
from billing.payments.charge_invoice import charge_invoice
from billing.payments.models import Payment
from billing.payments.record_payment import PaymentServices

# A reaction returns the payment it attempted, if any (the handler counts charges by outcome).
Reaction = Callable[[PaymentServices, dict[str, Any]], Payment | None]

REACTIONS: dict[EventType, Reaction] = {
    EventType.INVOICE_CHARGE_DUE: lambda services, detail: charge_invoice(
        services, str(detail["invoice"]), int(detail["attempt"])
    ),
}
