"""In-memory webhook store and sender: the reference the DynamoDB store and the HTTP sender must match."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from billing.errors import ConflictError, ErrorCode
from billing.ports import Page, PageRequest
from billing.webhooks.models import Delivery, DeliveryStatus, Event, WebhookEndpoint
from billing.webhooks.ports import Answer
from tests.fakes.billing_store import listed_page


class InMemoryWebhookStore:
    def __init__(self) -> None:
        self.endpoints: dict[str, WebhookEndpoint] = {}
        self.events: dict[str, Event] = {}
        self.deliveries: dict[tuple[str, str], Delivery] = {}

    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        assert endpoint.id not in self.endpoints
        self.endpoints[endpoint.id] = replace(endpoint, version=1)

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        return self.endpoints.get(endpoint_id)

    def list_endpoints(self) -> list[WebhookEndpoint]:
        return sorted(self.endpoints.values(), key=lambda e: (e.created, e.id))

    def save_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        stored = self.endpoints.get(endpoint.id)
        if stored is None or stored.version != endpoint.version:
            raise ConflictError(ErrorCode.CONCURRENT_UPDATE, "The endpoint changed meanwhile.")
        saved = self.endpoints[endpoint.id] = replace(endpoint, version=endpoint.version + 1)
        return saved

    def remove_endpoint(self, endpoint_id: str) -> None:
        self.endpoints.pop(endpoint_id, None)

    def record_event(self, event: Event, deliveries: list[Delivery]) -> bool:
        if event.id in self.events:
            return False
        self.events[event.id] = event
        for delivery in deliveries:
            self.deliveries[(delivery.event_id, delivery.endpoint_id)] = replace(delivery, version=1)
        return True

    def keep_events(self, events: Sequence[Event]) -> None:
        self.events.update((event.id, event) for event in events)

    def get_event(self, event_id: str) -> Event | None:
        return self.events.get(event_id)

    def list_events(self, page: PageRequest, event_type: str | None = None) -> Page[Event]:
        return listed_page(
            list(self.events.values()),
            lambda e: f"{e.created.isoformat()}#{e.id}",
            page,
            lambda e: event_type is None or e.type == event_type,
        )

    def get_delivery(self, event_id: str, endpoint_id: str) -> Delivery | None:
        return self.deliveries.get((event_id, endpoint_id))

    def list_deliveries(self, endpoint_id: str, page: PageRequest) -> Page[Delivery]:
        mine = [d for d in self.deliveries.values() if d.endpoint_id == endpoint_id]
        return listed_page(mine, lambda d: f"{d.created.isoformat()}#{d.event_id}", page, lambda d: True)

    def save_delivery(self, delivery: Delivery) -> Delivery:
        stored = self.deliveries.get((delivery.event_id, delivery.endpoint_id))
        if (stored.version if stored else 0) != delivery.version:
            raise ConflictError(ErrorCode.CONCURRENT_UPDATE, "The delivery changed meanwhile.")
        saved = replace(delivery, version=delivery.version + 1)
        self.deliveries[(delivery.event_id, delivery.endpoint_id)] = saved
        return saved

    def due_deliveries(self, until: datetime) -> list[tuple[str, str]]:
        due = [
            d
            for d in self.deliveries.values()
            if d.status is DeliveryStatus.PENDING and d.next_attempt_at is not None and d.next_attempt_at <= until
        ]
        return [(d.event_id, d.endpoint_id) for d in sorted(due, key=lambda d: (d.next_attempt_at, d.id))]


@dataclass
class ScriptedReceiver:
    """A webhook receiver answering from a script per URL (then 200): ``{url: [500, 500]}`` fails twice."""

    script: dict[str, list[int | None]] = field(default_factory=dict)
    received: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        self.received.append((url, body, headers))
        planned = self.script.get(url, [])
        status = planned.pop(0) if planned else 200
        return Answer(status, None if status is not None and status < 300 else "scripted failure", 3)
