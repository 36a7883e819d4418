"""What the webhook use cases are given: their store, the HTTP sender, the delivery queue, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from billing.clock import Clock
    from billing.ports import WorkQueue
    from billing.webhooks.ports import WebhookSender, WebhookStore


@dataclass(frozen=True, slots=True)
class WebhookServices:
    """What the webhook use cases need: the endpoints' store, the clock, the delivery queue and the sender."""

    store: WebhookStore
    clock: Clock
    queue: WorkQueue  # messages {"event": id, "endpoint": id}: one delivery attempt each
    sender: WebhookSender | None = None  # the API function reads and configures; only the delivery sends
