from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

Tags = tuple[tuple[str, str], ...]  # sorted (key, value) pairs: hashable, canonical


@dataclass(frozen=True, slots=True)
class UsageEvent:
    id: str  # the sender's id: an event sent twice counts once
    subscription_id: str
    meter: str  # the meter's event name
    quantity: Decimal
    timestamp: datetime
    tags: Tags = ()
    unique_value: str | None = None  # what unique_count counts (a user id, a phone number)


def tags_of(mapping: dict[str, str] | None) -> Tags:
    return tuple(sorted((mapping or {}).items()))
