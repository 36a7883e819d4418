"""Domain events, published on the project's EventBridge bus (detail-types named like Stripe's).

They are written to an outbox in the same transaction as the change they report, then published; the
billing run republishes what a crash left behind. Delivery is at-least-once: ``id`` is stable, for
consumers to deduplicate. Details carry ids and amounts, never secrets or personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class DomainEvent:
    id: str  # derived from what happened: the same fact always has the same id
    type: str  # "invoice.finalized", "subscription.renewed", ...
    at: datetime
    account_id: str
    detail: dict[str, Any] = field(default_factory=dict)
