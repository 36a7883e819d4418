"""Change an endpoint's URL, event types, description, or switch it off and on (operators)."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal
from billing.webhooks.create_webhook_endpoint import checked_event_types, checked_url
from billing.webhooks.get_webhook_endpoint import get_webhook_endpoint
from billing.webhooks.models import EndpointStatus, WebhookEndpoint
from billing.webhooks.services import WebhookServices


def update_webhook_endpoint(
    services: WebhookServices,
    principal: Principal,
    endpoint_id: str,
    url: str | None = None,
    enabled_events: list[str] | None = None,
    description: str | None = None,
    disabled: bool | None = None,
) -> WebhookEndpoint:
    endpoint = get_webhook_endpoint(services, principal, endpoint_id)
    changed = replace(
        endpoint,
        url=endpoint.url if url is None else checked_url(url),
        enabled_events=endpoint.enabled_events if enabled_events is None else checked_event_types(enabled_events),
        description=endpoint.description if description is None else description,
    )
    if disabled is not None:
        # Switching back on clears "failing": the operator says the receiver is fixed.
        changed = replace(changed, status=EndpointStatus.DISABLED if disabled else EndpointStatus.ENABLED)
    return services.store.save_endpoint(changed)
