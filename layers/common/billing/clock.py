"""Time is injected so scenarios can move it; the domain never calls ``datetime.now()``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        # Whole seconds: every instant the API shows can be sent back (a preview's proration_date)
        # and mean exactly the same instant.
        return datetime.now(UTC).replace(microsecond=0)


class FixedClock:
    """A clock that only moves when told to (tests, local mode)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance_to(self, instant: datetime) -> None:
        if instant < self._now:
            raise ValueError("time only moves forward")
        self._now = instant.astimezone(UTC)


class RuntimeClock:
    """The clock handlers use: the system's, unless local mode installed another (``POST /_local/clock``).

    Deployed functions never call :func:`install_clock`, so this is the system clock there.
    """

    def now(self) -> datetime:
        return (_installed or _SYSTEM).now()


_SYSTEM = SystemClock()
_installed: Clock | None = None


def install_clock(clock: Clock | None) -> None:
    """Local mode only: make every handler in this process read ``clock``."""
    global _installed
    _installed = clock


def isoformat(instant: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, second precision: the API's one instant format."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
