"""What outgoing webhooks need: their store, an HTTP sender, and the queue of deliveries to attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

    from billing.ports import Page, PageRequest
    from billing.webhooks.models import Delivery, Event, WebhookEndpoint


class WebhookStore(Protocol):
    def add_endpoint(self, endpoint: WebhookEndpoint) -> None: ...

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint | None: ...

    def list_endpoints(self) -> list[WebhookEndpoint]:
        """Every endpoint, oldest first (a seller has a handful: Stripe allows 16)."""
        ...

    def save_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        """Replace it if still at ``endpoint.version`` (else ``ConflictError``); the new version back."""
        ...

    def remove_endpoint(self, endpoint_id: str) -> None: ...

    def record_event(self, event: Event, deliveries: list[Delivery]) -> bool:
        """Store an event and its first deliveries, kept 30 days, together; ``False`` if it was already
        recorded (then nothing is written: a duplicate from the bus)."""
        ...

    def keep_events(self, events: Sequence[Event]) -> None:
        """Store events no endpoint wants, kept 30 days, many a request, each over any copy stored before
        (an event is the same on every replay of its bus event, so storing it twice changes nothing)."""
        ...

    def get_event(self, event_id: str) -> Event | None: ...

    def list_events(self, page: PageRequest, event_type: str | None = None) -> Page[Event]:
        """Newest first; ``event_type`` filters a page after it is read, as a FilterExpression does."""
        ...

    def get_delivery(self, event_id: str, endpoint_id: str) -> Delivery | None: ...

    def list_deliveries(self, endpoint_id: str, page: PageRequest) -> Page[Delivery]:
        """An endpoint's deliveries, newest first."""
        ...

    def save_delivery(self, delivery: Delivery) -> Delivery:
        """Create it (version 0) or replace it if still at ``delivery.version``; schedule it in the due
        index at ``next_attempt_at`` while it is pending."""
        ...

    def due_deliveries(self, until: datetime) -> list[tuple[str, str]]:
        """(event id, endpoint id) of the pending deliveries whose next attempt is due."""
        ...


@dataclass(frozen=True, slots=True)
class Answer:
    """How an endpoint answered one delivery, or why it did not."""

    status_code: int | None  # None: no answer in time, or no connection
    error: str | None = None
    duration_ms: int = 0


class WebhookSender(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        """POST once, with a short timeout; never raises for the receiver's failures."""
        ...
