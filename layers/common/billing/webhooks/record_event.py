"""An event from our bus becomes a seller event, with one delivery per endpoint that wants it.

The event and its deliveries are stored together, each delivery due at once in the due index, then one
message per delivery is queued: if the function stops between the two, the retry sweep finds them due.
A duplicate from the bus finds the event stored and does nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from billing.webhooks.models import Delivery, Event, WebhookEndpoint
from billing.webhooks.services import WebhookServices


def event_id(bus_event_id: str) -> str:
    """``evt_`` and a digest of the bus event's id: stable across duplicates and retries, URL-safe."""
    return "evt_" + hashlib.sha256(bus_event_id.encode()).hexdigest()[:24]


def event_object(event_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    """``data.object``: what the bus event says, named by the resource it is about (``invoice``, …)."""
    said = {key: value for key, value in detail.items() if key not in {"id", "account"}}
    return {"object": event_type.split(".", 1)[0], "account": detail.get("account"), **said}


def record_event(
    services: WebhookServices,
    event_type: str,
    detail: dict[str, Any],
    at: datetime,
    endpoints: Sequence[WebhookEndpoint] | None = None,
) -> tuple[Event, int] | None:
    """Returns the event and how many deliveries it queued; ``None`` for a duplicate. ``endpoints``: as the
    caller read them once for a batch of bus events (read here when not given)."""
    now = services.clock.now()
    event = Event(
        id=event_id(str(detail["id"])),
        type=event_type,
        created=at,
        account_id=str(detail.get("account") or ""),
        data={"object": event_object(event_type, detail)},
    )
    deliveries = [
        Delivery(event_id=event.id, endpoint_id=endpoint.id, created=now, next_attempt_at=now, retrying_since=now)
        for endpoint in (services.store.list_endpoints() if endpoints is None else endpoints)
        if endpoint.wants(event_type)
    ]
    if not services.store.record_event(event, deliveries):
        return None
    services.queue.send({"event": d.event_id, "endpoint": d.endpoint_id} for d in deliveries)
    return event, len(deliveries)
