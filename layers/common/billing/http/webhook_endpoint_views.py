"""Bodies of the outgoing-webhook routes: endpoints, events, deliveries (Stripe's names and shapes)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from billing.http.schema import Strict, iso
from billing.webhooks.models import Attempt, Delivery, Event, WebhookEndpoint

EventTypes = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=80)]],
    Field(
        min_length=1,
        max_length=50,
        description="Event types to receive (docs/events.md lists them), or ``*`` for every type.",
        examples=[["invoice.finalized", "invoice.paid"], ["*"]],
    ),
]
Url = Annotated[
    str,
    Field(
        min_length=8,
        max_length=2048,
        description="Where events are POSTed: an absolute https URL (http for local receivers).",
        examples=["https://example.com/billing/webhooks"],
    ),
]
Description = Annotated[str, Field(max_length=500, description="A note for the operators.")]


class WebhookEndpointCreate(Strict):
    url: Url
    enabled_events: EventTypes
    description: Description | None = None


class WebhookEndpointUpdate(Strict):
    url: Url | None = None
    enabled_events: EventTypes | None = None
    description: Description | None = None
    disabled: bool | None = Field(
        default=None, description="true: nothing is sent until it is false again (which also clears failing)."
    )


class WebhookEndpointView(BaseModel):
    id: str
    object: Literal["webhook_endpoint"] = "webhook_endpoint"
    url: str
    enabled_events: list[str]
    description: str | None
    status: Literal["enabled", "disabled", "failing"] = Field(
        description="failing: a delivery was retried for three days without a 2xx answer; sending goes on."
    )
    created: str | None
    secret: str | None = Field(
        default=None,
        description="The signing secret (whsec_…): in the answers that create or roll it, never again.",
    )

    @classmethod
    def of(cls, endpoint: WebhookEndpoint, with_secret: bool = False) -> WebhookEndpointView:
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            enabled_events=list(endpoint.enabled_events),
            description=endpoint.description,
            status=endpoint.status.value,
            created=iso(endpoint.created),
            secret=endpoint.secret if with_secret else None,
        )


class EventView(BaseModel):
    """What an endpoint receives, as it receives it."""

    id: str = Field(description="evt_…: the same across retries and resends; deduplicate on it.")
    object: Literal["event"] = "event"
    type: str
    created: int = Field(description="When it happened, in Unix seconds (as Stripe's events).")
    account: str = Field(description="The customer account it concerns.")
    api_version: str
    data: dict[str, Any] = Field(description="``object``: what the event says (docs/events.md has each shape).")

    @classmethod
    def of(cls, event: Event) -> EventView:
        return cls.model_validate(event.payload())


class AttemptView(BaseModel):
    at: str | None
    status_code: int | None = Field(description="The endpoint's HTTP status; null when it did not answer.")
    error: str | None
    duration_ms: int

    @classmethod
    def of(cls, attempt: Attempt) -> AttemptView:
        return cls(
            at=iso(attempt.at), status_code=attempt.status_code, error=attempt.error, duration_ms=attempt.duration_ms
        )


class DeliveryView(BaseModel):
    id: str
    object: Literal["webhook_delivery"] = "webhook_delivery"
    event: str
    endpoint: str
    status: Literal["pending", "succeeded", "failed"]
    attempts: list[AttemptView]
    next_attempt_at: str | None

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryView:
        return cls(
            id=delivery.id,
            event=delivery.event_id,
            endpoint=delivery.endpoint_id,
            status=delivery.status.value,
            attempts=[AttemptView.of(a) for a in delivery.attempts],
            next_attempt_at=iso(delivery.next_attempt_at),
        )


class EventResend(Strict):
    endpoint: Annotated[str, Field(pattern=r"^we_[0-9a-z]{1,40}$")] | None = Field(
        default=None, description="Only to this endpoint; by default to every endpoint that wants the event now."
    )
