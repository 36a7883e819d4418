"""Fold a batch of accepted events into daily totals (the pre-aggregated items cost reads use)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, tzinfo

from billing.usage.models import DailyUsage, UsageEvent


def daily_totals(
    events: Iterable[UsageEvent],
    account_of: Callable[[str], tuple[str, tzinfo]],
    period_start_of: Callable[[UsageEvent], datetime],
) -> list[DailyUsage]:
    """Σ quantity and count per (account day, subscription, meter, usage period, tags)."""
    totals: dict[tuple[object, ...], DailyUsage] = {}
    for event in events:
        account_id, zone = account_of(event.subscription_id)
        day = event.timestamp.astimezone(zone).date()
        total = DailyUsage(
            account_id, day, event.subscription_id, event.meter, period_start_of(event), event.tags, event.quantity, 1
        )
        known = totals.get(total.key)
        if known is not None:
            total = replace(known, quantity=known.quantity + event.quantity, events=known.events + 1)
        totals[total.key] = total
    return sorted(totals.values(), key=lambda t: (t.account_id, t.key))


def fold_id(events: Iterable[UsageEvent]) -> str:
    """Names a set of events: a retried batch folds the same set under the same name, and is skipped."""
    digest = hashlib.sha256()
    for subscription_id, event_id in sorted((e.subscription_id, e.id) for e in events):
        digest.update(f"{subscription_id}\x00{event_id}\x01".encode())
    return digest.hexdigest()[:32]
