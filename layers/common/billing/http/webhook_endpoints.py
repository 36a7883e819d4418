"""Outgoing webhooks: the seller's endpoints, the events of the last 30 days, deliveries and resends.
Operators only: events concern every account."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from billing.http.routing import BEARER, Cursor, Limit, ListOf, caller, once, page, services
from billing.http.webhook_endpoint_views import (
    DeliveryView,
    EventResend,
    EventView,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
    WebhookEndpointView,
)
from billing.webhooks.create_webhook_endpoint import create_webhook_endpoint
from billing.webhooks.delete_webhook_endpoint import delete_webhook_endpoint
from billing.webhooks.get_webhook_endpoint import get_webhook_endpoint, list_webhook_endpoints
from billing.webhooks.list_deliveries import list_deliveries
from billing.webhooks.list_events import get_event, list_events
from billing.webhooks.resend_event import resend_event
from billing.webhooks.roll_webhook_secret import roll_webhook_secret
from billing.webhooks.update_webhook_endpoint import update_webhook_endpoint

router = Router()
ENDPOINT_ID = Annotated[str, Path(pattern=r"^we_[0-9a-z]{1,40}$")]
EVENT_ID = Annotated[str, Path(pattern=r"^evt_[0-9a-z]{1,40}$")]
EVENT_TYPE = Annotated[str | None, Query(max_length=80)]


@router.post("/v1/webhook_endpoints", status_code=201, security=BEARER, tags=["Webhooks"])
def post_webhook_endpoint(body: WebhookEndpointCreate) -> WebhookEndpointView:
    """Register a URL to receive events (operators). The answer holds the signing secret, shown only here
    and when rolled.

    Errors: ``invalid_webhook_url``, ``operator_only``, ``unknown_event_type``.
    """

    def create() -> dict[str, object]:
        webhooks = services(router).webhooks
        endpoint = create_webhook_endpoint(webhooks, caller(router), body.url, body.enabled_events, body.description)
        return WebhookEndpointView.of(endpoint, with_secret=True).model_dump(mode="json")

    # A retried creation with its Idempotency-Key gets the same endpoint and secret, not a second one.
    return WebhookEndpointView.model_validate(once(router, body.model_dump(mode="json"), create))


@router.get("/v1/webhook_endpoints", security=BEARER, tags=["Webhooks"])
def get_webhook_endpoints() -> ListOf[WebhookEndpointView]:
    """List the webhook endpoints, oldest first (operators); secrets are never listed.

    Errors: ``operator_only``.
    """
    found = list_webhook_endpoints(services(router).webhooks, caller(router))
    return ListOf[WebhookEndpointView](data=[WebhookEndpointView.of(e) for e in found])


@router.get("/v1/webhook_endpoints/<endpoint_id>", security=BEARER, tags=["Webhooks"])
def get_one_webhook_endpoint(endpoint_id: ENDPOINT_ID) -> WebhookEndpointView:
    """Read one webhook endpoint and its status (operators).

    Errors: ``operator_only``, ``webhook_endpoint_not_found``.
    """
    return WebhookEndpointView.of(get_webhook_endpoint(services(router).webhooks, caller(router), endpoint_id))


@router.patch("/v1/webhook_endpoints/<endpoint_id>", security=BEARER, tags=["Webhooks"])
def patch_webhook_endpoint(endpoint_id: ENDPOINT_ID, body: WebhookEndpointUpdate) -> WebhookEndpointView:
    """Change the URL, event types or description, or switch the endpoint off and on (operators).

    Errors: ``concurrent_update``, ``invalid_webhook_url``, ``operator_only``, ``unknown_event_type``,
    ``webhook_endpoint_not_found``.
    """
    endpoint = update_webhook_endpoint(
        services(router).webhooks,
        caller(router),
        endpoint_id,
        url=body.url,
        enabled_events=body.enabled_events,
        description=body.description,
        disabled=body.disabled,
    )
    return WebhookEndpointView.of(endpoint)


@router.delete("/v1/webhook_endpoints/<endpoint_id>", status_code=204, security=BEARER, tags=["Webhooks"])
def delete_one_webhook_endpoint(endpoint_id: ENDPOINT_ID) -> Response[None]:
    """Delete an endpoint (operators): nothing more is sent to it.

    Errors: ``operator_only``, ``webhook_endpoint_not_found``.
    """
    delete_webhook_endpoint(services(router).webhooks, caller(router), endpoint_id)
    return Response(status_code=204)


@router.post("/v1/webhook_endpoints/<endpoint_id>/roll_secret", security=BEARER, tags=["Webhooks"])
def post_roll_secret(endpoint_id: ENDPOINT_ID) -> WebhookEndpointView:
    """Replace the signing secret at once (operators); the new one is in this answer only.

    Errors: ``concurrent_update``, ``operator_only``, ``webhook_endpoint_not_found``.
    """

    def roll() -> dict[str, object]:
        endpoint = roll_webhook_secret(services(router).webhooks, caller(router), endpoint_id)
        return WebhookEndpointView.of(endpoint, with_secret=True).model_dump(mode="json")

    # Retried with its Idempotency-Key, the answer is the secret already rolled, not a third one.
    return WebhookEndpointView.model_validate(once(router, {"endpoint": endpoint_id}, roll))


@router.get("/v1/webhook_endpoints/<endpoint_id>/deliveries", security=BEARER, tags=["Webhooks"])
def get_deliveries(endpoint_id: ENDPOINT_ID, limit: Limit = 20, cursor: Cursor = None) -> ListOf[DeliveryView]:
    """What was sent to an endpoint, newest first: each event's attempts with the answers and the next
    try (operators).

    Errors: ``invalid_cursor``, ``operator_only``, ``webhook_endpoint_not_found``.
    """
    found = list_deliveries(services(router).webhooks, caller(router), endpoint_id, page(limit, cursor))
    return ListOf[DeliveryView](data=[DeliveryView.of(d) for d in found.items], next_cursor=found.next_cursor)


@router.get("/v1/events", security=BEARER, tags=["Webhooks"])
def get_events(type: EVENT_TYPE = None, limit: Limit = 20, cursor: Cursor = None) -> ListOf[EventView]:
    """The events of the last 30 days, newest first, optionally of one ``type`` (operators).

    Errors: ``invalid_cursor``, ``operator_only``.
    """
    found = list_events(services(router).webhooks, caller(router), page(limit, cursor), type)
    return ListOf[EventView](data=[EventView.of(e) for e in found.items], next_cursor=found.next_cursor)


@router.get("/v1/events/<event_id>", security=BEARER, tags=["Webhooks"])
def get_one_event(event_id: EVENT_ID) -> EventView:
    """Read one event as endpoints receive it (operators).

    Errors: ``event_not_found``, ``operator_only``.
    """
    return EventView.of(get_event(services(router).webhooks, caller(router), event_id))


@router.post("/v1/events/<event_id>/resend", status_code=202, security=BEARER, tags=["Webhooks"])
def post_resend(event_id: EVENT_ID, body: EventResend) -> ListOf[DeliveryView]:
    """Send an event again, to one endpoint or to every endpoint that wants it (operators); a new
    three-day window of retries starts; send ``{}`` for every endpoint.

    Errors: ``event_not_found``, ``operator_only``, ``webhook_endpoint_not_found``.
    """

    def resend() -> dict[str, object]:
        resent = resend_event(services(router).webhooks, caller(router), event_id, body.endpoint)
        return ListOf[DeliveryView](data=[DeliveryView.of(d) for d in resent]).model_dump(mode="json")

    return ListOf[DeliveryView].model_validate(once(router, {"event": event_id, **body.model_dump()}, resend))
