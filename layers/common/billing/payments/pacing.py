"""Spacing provider calls so a large run stays under the provider's rate limit.

Stripe allows 25 requests per second per endpoint in live mode: the payments function runs at most
``CONCURRENCY`` copies (the queue's maximum concurrency), each paced at an equal share below the limit.
Written by hand: it is a few lines over an injected clock, and no maintained library fits a Lambda
that processes one SQS batch at a time.
"""

from __future__ import annotations

from collections.abc import Callable

PROVIDER_LIMIT_PER_SECOND = 25
CONCURRENCY = 2  # the payments queue's maximum concurrency (infra/manifest.py)
HEADROOM = 0.8  # stay at 80 % of the limit: retries and the API's own calls need room


class Pacer:
    def __init__(
        self,
        monotonic: Callable[[], float],
        sleep: Callable[[float], None],
        per_second: float = PROVIDER_LIMIT_PER_SECOND * HEADROOM / CONCURRENCY,
    ) -> None:
        self._monotonic = monotonic
        self._sleep = sleep
        self._interval = 1.0 / per_second
        self._next = 0.0

    def wait(self) -> None:
        """Block until the next call may go out."""
        now = self._monotonic()
        if now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self._interval
