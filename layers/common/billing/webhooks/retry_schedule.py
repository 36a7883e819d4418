"""When a failed delivery is tried again: exponential backoff, giving up three days after the first try.

Stripe's documented policy for live webhooks is the same: retries "for up to three days with an
exponential back off". Ours: 1 min, then ×3 each time, capped at 12 h.
"""

from __future__ import annotations

from datetime import datetime, timedelta

FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=12)
GIVE_UP_AFTER = timedelta(days=3)


def next_attempt_at(first_attempt: datetime, attempts: int, now: datetime) -> datetime | None:
    """After ``attempts`` failed tries, the next one; ``None`` once three days have passed."""
    delay = min(FIRST_DELAY * 3 ** (attempts - 1), MAX_DELAY)
    at = now + delay
    return at if at <= first_attempt + GIVE_UP_AFTER else None
