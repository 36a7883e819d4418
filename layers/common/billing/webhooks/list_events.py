"""The events of the last 30 days, newest first, and one event (operators)."""

from __future__ import annotations

from billing.accounts.access import Principal, require_operator
from billing.errors import ErrorCode, NotFoundError
from billing.ports import Page, PageRequest
from billing.webhooks.models import Event
from billing.webhooks.services import WebhookServices


def list_events(
    services: WebhookServices, principal: Principal, page: PageRequest, event_type: str | None = None
) -> Page[Event]:
    require_operator(principal)
    return services.store.list_events(page, event_type)


def get_event(services: WebhookServices, principal: Principal, event_id: str) -> Event:
    require_operator(principal)
    event = services.store.get_event(event_id)
    if event is None:
        raise NotFoundError(ErrorCode.EVENT_NOT_FOUND, f"No event {event_id} (events are kept 30 days).", "event_id")
    return event
