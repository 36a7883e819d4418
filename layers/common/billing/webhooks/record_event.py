"""An event from our bus becomes a seller event, with one delivery per endpoint that wants it.

The event and its deliveries are stored together, each delivery due at once in the due index, then one
message per delivery is queued: if the function stops between the two, the retry sweep finds them due.
A duplicate from the bus finds the event stored and does nothing. Events no endpoint wants are stored a
batch at a time.
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


class BusEvents:
    """One batch of bus events being recorded (the webhook function takes ten a batch). The endpoints are
    read once for the batch. An event some endpoint wants is stored at once with its deliveries, which are
    then queued; the events no endpoint wants (most) are stored together when the batch closes, many a
    request, each over any earlier copy: the same bus event always gives the same seller event."""

    def __init__(self, services: WebhookServices, endpoints: Sequence[WebhookEndpoint] | None = None) -> None:
        self._services = services
        self._endpoints = endpoints
        self._unwanted: dict[str, Event] = {}

    def record(self, event_type: str, detail: dict[str, Any], at: datetime) -> tuple[Event, int] | None:
        """The event and how many deliveries it queued; ``None`` for a duplicate found stored (an event no
        endpoint wants is not looked for: storing it again changes nothing)."""
        services = self._services
        now = services.clock.now()
        event = Event(
            id=event_id(str(detail["id"])),
            type=event_type,
            created=at,
            account_id=str(detail.get("account") or ""),
            data={"object": event_object(event_type, detail)},
        )
        if self._endpoints is None:
            self._endpoints = services.store.list_endpoints()
        deliveries = [
            Delivery(event_id=event.id, endpoint_id=endpoint.id, created=now, next_attempt_at=now, retrying_since=now)
            for endpoint in self._endpoints
            if endpoint.wants(event_type)
        ]
        if not deliveries:
            self._unwanted[event.id] = event  # a duplicate within the batch is stored once
            return event, 0
        if not services.store.record_event(event, deliveries):
            return None
        services.queue.send({"event": d.event_id, "endpoint": d.endpoint_id} for d in deliveries)
        return event, len(deliveries)

    def close(self) -> None:
        """Store the events no endpoint wanted. If this fails, the whole batch comes back (recording is
        idempotent)."""
        if self._unwanted:
            self._services.store.keep_events(list(self._unwanted.values()))
            self._unwanted.clear()


def record_event(
    services: WebhookServices,
    event_type: str,
    detail: dict[str, Any],
    at: datetime,
    endpoints: Sequence[WebhookEndpoint] | None = None,
) -> tuple[Event, int] | None:
    """One bus event recorded on its own (a batch of one): the event and how many deliveries it queued,
    ``None`` for a duplicate some endpoint wanted."""
    batch = BusEvents(services, endpoints)
    recorded = batch.record(event_type, detail, at)
    batch.close()
    return recorded
