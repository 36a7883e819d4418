from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

Tags = tuple[tuple[str, str], ...]  # sorted (key, value) pairs: hashable, canonical


@dataclass(frozen=True, slots=True)
class UsageEvent:
    """One usage event of a subscription's meter, counted once by its id."""

    id: str  # the sender's id: an event sent twice counts once
    subscription_id: str
    meter: str  # the meter's event name
    quantity: Decimal
    timestamp: datetime
    tags: Tags = ()
    unique_value: str | None = None  # what unique_count counts (a user id, a phone number)


@dataclass(frozen=True, slots=True)
class UsageTotal(UsageEvent):
    """A day's events of one meter and tag set, pre-aggregated (``quantity`` their sum), standing in for them
    where only sums and counts matter: sum and count meters rate a period from these, not every event."""

    events: int = 1


def tags_of(mapping: dict[str, str] | None) -> Tags:
    return tuple(sorted((mapping or {}).items()))


@dataclass(frozen=True, slots=True)
class DailyUsage:
    """One day's sum of a meter's events for one subscription, usage period and tag set.

    Written with each usage batch (pre-aggregated), so an account's month reads as a few hundred small
    items instead of every event. The day is the account's calendar day at ingestion; the usage period is
    the one the invoice rates the events in, so a period's days add up to its invoice line.
    """

    account_id: str
    day: date
    subscription_id: str
    meter: str
    period_start: datetime
    tags: Tags
    quantity: Decimal  # Σ quantities (what sum meters bill; count meters bill ``events``)
    events: int

    @property
    def key(self) -> tuple[str, str, str, datetime, Tags]:
        return (self.day.isoformat(), self.subscription_id, self.meter, self.period_start, self.tags)
