"""What was sent to an endpoint: each event's delivery with every attempt and answer (operators)."""

from __future__ import annotations

from billing.accounts.access import Principal
from billing.ports import Page, PageRequest
from billing.webhooks.get_webhook_endpoint import get_webhook_endpoint
from billing.webhooks.models import Delivery
from billing.webhooks.services import WebhookServices


def list_deliveries(
    services: WebhookServices, principal: Principal, endpoint_id: str, page: PageRequest
) -> Page[Delivery]:
    get_webhook_endpoint(services, principal, endpoint_id)
    return services.store.list_deliveries(endpoint_id, page)
