"""Receive one payment provider event (a Stripe webhook delivery), in the webhook function.

It must answer fast: verify the signature on the raw body, remember the event id (longer than the
provider's three days of retries), queue it for the payments worker (payments/provider_events.py), 2xx.
"""

from __future__ import annotations

from datetime import datetime

from billing.errors import ErrorCode, InvalidInputError
from billing.payments.ports import EventSignatures, WebhookLog
from billing.ports import WorkQueue


def receive_event(
    signatures: EventSignatures,
    log: WebhookLog,
    queue: WorkQueue,
    payload: bytes,
    signature: str | None,
    now: datetime,
) -> bool:
    """Verify, deduplicate and queue one delivery; returns False for a duplicate. A bad signature raises
    ``InvalidInputError`` (400, nothing stored)."""
    event = signatures.verify_event(payload, signature)
    event_id = event.get("id")
    if not isinstance(event_id, str) or not isinstance(event.get("type"), str):
        raise InvalidInputError(ErrorCode.INVALID_EVENT, "The payload is not a provider event.", None)
    if not log.record_webhook(event_id, now):
        return False
    try:
        queue.send([{"kind": "provider_event", "event": event}])
    except Exception:
        log.forget_webhook(event_id)  # let the provider's retry find it new again
        raise
    return True
