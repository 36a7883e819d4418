"""The scheduled sweep (every minute): queue the deliveries whose next attempt is due."""

from __future__ import annotations

from billing.webhooks.services import WebhookServices


def retry_deliveries(services: WebhookServices) -> int:
    due = services.store.due_deliveries(services.clock.now())
    services.queue.send({"event": event_id, "endpoint": endpoint_id} for event_id, endpoint_id in due)
    return len(due)
