"""Stop sending to an endpoint (operators); its pending deliveries give up at their next attempt."""

from __future__ import annotations

from billing.accounts.access import Principal
from billing.webhooks.get_webhook_endpoint import get_webhook_endpoint
from billing.webhooks.services import WebhookServices


def delete_webhook_endpoint(services: WebhookServices, principal: Principal, endpoint_id: str) -> None:
    get_webhook_endpoint(services, principal, endpoint_id)
    services.store.remove_endpoint(endpoint_id)
