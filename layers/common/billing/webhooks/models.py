"""Webhook endpoints, the events they receive, and deliveries with their attempts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

ALL_EVENTS = "*"
API_VERSION = "2026-12-01"  # the shape of events and objects; bumped when a field changes meaning
KEPT_FOR_DAYS = 30  # events and their deliveries can be read (and resent) this long


class EndpointStatus(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"  # by the operator: nothing is sent
    FAILING = "failing"  # a delivery exhausted its retries; still sent to, until one succeeds


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # the next attempt is scheduled
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # three days of retries, none answered 2xx


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookEndpoint:
    """A seller's URL that receives the events it subscribed to, signed with its secret."""

    id: str
    url: str
    enabled_events: tuple[str, ...]
    secret: str
    created: datetime
    description: str | None = None
    status: EndpointStatus = EndpointStatus.ENABLED
    version: int = 0

    def wants(self, event_type: str) -> bool:
        return self.status is not EndpointStatus.DISABLED and (
            ALL_EVENTS in self.enabled_events or event_type in self.enabled_events
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """What a seller receives: ``{id, type, created, data: {object}, api_version}`` (``payload``)."""

    id: str  # evt_…, derived from the bus event's id: the same fact always has the same id
    type: str
    created: datetime
    account_id: str
    data: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "event",
            "type": self.type,
            "created": int(self.created.timestamp()),
            "account": self.account_id,
            "api_version": API_VERSION,
            "data": self.data,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """One attempt to deliver an event to an endpoint, and how it ended."""

    at: datetime
    status_code: int | None  # None: no answer (timeout, refused connection)
    error: str | None = None  # why it failed, for the operator
    duration_ms: int = 0

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """One event to one endpoint; ``id`` is ``<event id>.<endpoint id>``."""

    event_id: str
    endpoint_id: str
    created: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: tuple[Attempt, ...] = ()
    next_attempt_at: datetime | None = None
    retrying_since: datetime | None = None  # the first attempt, or the resend: three days of retries from it
    version: int = 0

    @property
    def id(self) -> str:
        return delivery_id(self.event_id, self.endpoint_id)


def delivery_id(event_id: str, endpoint_id: str) -> str:
    return f"{event_id}.{endpoint_id}"
