"""Read one webhook endpoint, or all of them (operators); the secret never leaves after creation."""

from __future__ import annotations

from billing.accounts.access import Principal, require_operator
from billing.errors import ErrorCode, NotFoundError
from billing.webhooks.models import WebhookEndpoint
from billing.webhooks.services import WebhookServices


def get_webhook_endpoint(services: WebhookServices, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    require_operator(principal)
    endpoint = services.store.get_endpoint(endpoint_id)
    if endpoint is None:
        raise NotFoundError(ErrorCode.WEBHOOK_ENDPOINT_NOT_FOUND, f"No webhook endpoint {endpoint_id}.", "endpoint_id")
    return endpoint


def list_webhook_endpoints(services: WebhookServices, principal: Principal) -> list[WebhookEndpoint]:
    require_operator(principal)
    return services.store.list_endpoints()
