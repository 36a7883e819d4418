"""Send an event again, to one endpoint or to every endpoint that wants it now (operators).

A resend starts a new three-day window of retries; earlier attempts stay in the delivery's history.
"""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal
from billing.webhooks.get_webhook_endpoint import get_webhook_endpoint
from billing.webhooks.list_events import get_event
from billing.webhooks.models import Delivery, DeliveryStatus
from billing.webhooks.services import WebhookServices


def resend_event(
    services: WebhookServices, principal: Principal, event_id: str, endpoint_id: str | None = None
) -> list[Delivery]:
    event = get_event(services, principal, event_id)
    if endpoint_id is not None:
        endpoints = [get_webhook_endpoint(services, principal, endpoint_id)]
    else:
        endpoints = [e for e in services.store.list_endpoints() if e.wants(event.type)]
    now = services.clock.now()
    resent = []
    for endpoint in endpoints:
        found = services.store.get_delivery(event.id, endpoint.id)
        delivery = found or Delivery(event_id=event.id, endpoint_id=endpoint.id, created=now)
        again = replace(delivery, status=DeliveryStatus.PENDING, next_attempt_at=now, retrying_since=now)
        resent.append(services.store.save_delivery(again))
    services.queue.send({"event": d.event_id, "endpoint": d.endpoint_id} for d in resent)
    return resent
