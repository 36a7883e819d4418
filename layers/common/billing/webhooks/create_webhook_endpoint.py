"""An operator registers a URL to receive events; its signing secret is shown in this answer only."""

from __future__ import annotations

from urllib.parse import urlsplit

from billing.accounts.access import Principal, require_operator
from billing.errors import ErrorCode, InvalidInputError
from billing.events import EventType
from billing.ids import new_id
from billing.webhooks.models import ALL_EVENTS, WebhookEndpoint
from billing.webhooks.services import WebhookServices
from billing.webhooks.signing import new_secret


def create_webhook_endpoint(
    services: WebhookServices,
    principal: Principal,
    url: str,
    enabled_events: list[str],
    description: str | None = None,
) -> WebhookEndpoint:
    require_operator(principal)
    endpoint = WebhookEndpoint(
        id=new_id("we"),
        url=checked_url(url),
        enabled_events=checked_event_types(enabled_events),
        secret=new_secret(),
        created=services.clock.now(),
        description=description,
    )
    services.store.add_endpoint(endpoint)
    return endpoint


def checked_url(url: str) -> str:
    """Absolute http(s) URLs only: http too, so ``make run`` can deliver to a local receiver."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInputError(ErrorCode.INVALID_WEBHOOK_URL, "Give an absolute http or https URL.", "url")
    return url


def checked_event_types(types: list[str]) -> tuple[str, ...]:
    known = {str(t) for t in EventType} | {ALL_EVENTS}
    for event_type in types:
        if event_type not in known:
            raise InvalidInputError(
                ErrorCode.UNKNOWN_EVENT_TYPE,
                f"{event_type} is not an event type we send (docs/events.md lists them), nor *.",
                "enabled_events",
            )
    if not types:
        raise InvalidInputError(ErrorCode.UNKNOWN_EVENT_TYPE, "List at least one event type, or *.", "enabled_events")
    return tuple(dict.fromkeys(types))
