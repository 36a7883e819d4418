"""One attempt to deliver one event to one endpoint: POST it signed, record the answer, schedule the
next try with backoff, or give up after three days and mark the endpoint failing.

At least once: a duplicate message may POST twice (the event id lets the receiver deduplicate); of two
concurrent attempts only one is recorded. An attempt that is not yet due is left to the retry sweep.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import replace
from datetime import datetime

from billing.errors import ConflictError
from billing.webhooks.models import Attempt, Delivery, DeliveryStatus, EndpointStatus, WebhookEndpoint
from billing.webhooks.retry_schedule import next_attempt_at
from billing.webhooks.services import WebhookServices
from billing.webhooks.signing import SIGNATURE_HEADER, signature

USER_AGENT = "billing-webhooks/1"


def deliver_event(services: WebhookServices, event_id: str, endpoint_id: str) -> Delivery | None:
    assert services.sender is not None, "the delivery function is given a sender"
    now = services.clock.now()
    delivery = services.store.get_delivery(event_id, endpoint_id)
    if delivery is None or delivery.status is not DeliveryStatus.PENDING:
        return None
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return None
    event = services.store.get_event(event_id)
    endpoint = services.store.get_endpoint(endpoint_id)
    if event is None or endpoint is None or endpoint.status is EndpointStatus.DISABLED:
        gone = "the endpoint was deleted or disabled" if event is not None else "the event expired"
        attempt = Attempt(at=now, status_code=None, error=gone)
        return _save(services, replace(delivery, status=DeliveryStatus.FAILED, next_attempt_at=None), attempt)
    body = json.dumps(event.payload(), separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(endpoint.secret, body, now),
    }
    answer = services.sender.post(endpoint.url, body, headers)
    attempt = Attempt(at=now, status_code=answer.status_code, error=answer.error, duration_ms=answer.duration_ms)
    if attempt.succeeded:
        saved = _save(services, replace(delivery, status=DeliveryStatus.SUCCEEDED, next_attempt_at=None), attempt)
        if saved is not None and endpoint.status is EndpointStatus.FAILING:
            _mark(services, endpoint, EndpointStatus.ENABLED)
        return saved
    since = delivery.retrying_since or now
    retry_at = next_attempt_at(since, _tries_since(delivery, since) + 1, now)
    status = DeliveryStatus.PENDING if retry_at is not None else DeliveryStatus.FAILED
    saved = _save(services, replace(delivery, status=status, next_attempt_at=retry_at), attempt)
    if saved is not None and status is DeliveryStatus.FAILED:
        _mark(services, endpoint, EndpointStatus.FAILING)
    return saved


def _tries_since(delivery: Delivery, since: datetime) -> int:
    return sum(1 for attempt in delivery.attempts if attempt.at >= since)


def _save(services: WebhookServices, delivery: Delivery, attempt: Attempt) -> Delivery | None:
    try:
        return services.store.save_delivery(replace(delivery, attempts=(*delivery.attempts, attempt)))
    except ConflictError:
        return None  # a concurrent attempt was recorded first


def _mark(services: WebhookServices, endpoint: WebhookEndpoint, status: EndpointStatus) -> None:
    with suppress(ConflictError):  # changed meanwhile (by the operator): theirs stands
        services.store.save_endpoint(replace(endpoint, status=status))
