"""A new signing secret, effective at once and shown in this answer only (operators)."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal
from billing.webhooks.get_webhook_endpoint import get_webhook_endpoint
from billing.webhooks.models import WebhookEndpoint
from billing.webhooks.services import WebhookServices
from billing.webhooks.signing import new_secret


def roll_webhook_secret(services: WebhookServices, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    endpoint = get_webhook_endpoint(services, principal, endpoint_id)
    return services.store.save_endpoint(replace(endpoint, secret=new_secret()))
