"""Where metered usage events are kept, apart from the billing objects (their volume is another order)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from billing.usage.models import UsageEvent


class UsageStore(Protocol):
    def known_event_ids(self, subscription_event_ids: Iterable[tuple[str, str]]) -> set[tuple[str, str]]: ...
    def add_events(self, events: Iterable[UsageEvent]) -> None:
        """Store events keyed by (subscription, id): writing one twice leaves one item."""
        ...

    def events(self, subscription_id: str, start: datetime, end: datetime) -> list[UsageEvent]: ...
