"""Where metered usage events are kept, apart from the billing objects (their volume is another order)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from billing.usage.models import DailyUsage, UsageEvent


class UsageStore(Protocol):
    def exclusive(self, subscription_ids: Collection[str]) -> AbstractContextManager[None]:
        """Hold these subscriptions' usage for one writer: from reading which ids are known to storing the
        new ones, so two concurrent batches sharing an id cannot both count it. Waits for other holders."""
        ...

    def known_event_ids(self, subscription_event_ids: Iterable[tuple[str, str]]) -> set[tuple[str, str]]: ...
    def add_events(self, events: Iterable[UsageEvent]) -> None:
        """Store events keyed by (subscription, id): writing one twice leaves one item."""
        ...

    def events(self, subscription_id: str, start: datetime, end: datetime) -> list[UsageEvent]: ...

    def fold_daily(self, totals: Sequence[DailyUsage], fold_id: str) -> None:
        """Add the totals to the stored daily items, once per ``fold_id`` (a retry adds nothing)."""
        ...

    def daily_usage(self, account_id: str, first: date, last: date) -> list[DailyUsage]:
        """The account's daily items from ``first`` to ``last`` included, by day."""
        ...
