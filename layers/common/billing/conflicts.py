"""A state change that lost a race is done again, not answered 409.

Every use case reads what it depends on, decides, and commits conditioned on the versions it read. When
another writer got there first (a PDF recorded on the invoice, a payment booked on the ledger), the
commit fails with ``concurrent_update``: the caller did nothing wrong, so the use case runs again on
fresh reads. Only use cases whose attempt has no side effect outside the commit are decorated (Stripe
is only called from the payments worker, after a commit).

Attempts are spaced by a random pause that doubles each time ("full jitter"): eight writers on one
subscription retrying at once would otherwise collide again on every attempt (seen through HTTP with
concurrent containers: one in eight changes answered 409 after five immediate tries).
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

from billing.errors import ConflictError, ErrorCode

P = ParamSpec("P")
T = TypeVar("T")
TRIES = 8  # eight losses in a row (~1.4 s of pauses at most) means a hot spot: the caller hears 409
FIRST_PAUSE_S = 0.01
LONGEST_PAUSE_S = 0.4


def retried_on_conflict(use_case: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, TRIES + 1):
            try:
                return use_case(*args, **kwargs)
            except ConflictError as conflict:
                if conflict.code != ErrorCode.CONCURRENT_UPDATE or attempt == TRIES:
                    raise
            pause(attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    return run


def attempts() -> Iterator[int]:
    """The tries of a loop that reads, decides and commits again itself when its commit loses a race (the
    payments' bookings: the snapshot they book comes from a provider call the loop must not repeat): TRIES
    of them, each after the first spaced by the same pause."""
    for attempt in range(1, TRIES + 1):
        if attempt > 1:
            pause(attempt - 1)
        yield attempt


def pause(attempt: int) -> None:
    """The wait after the ``attempt``-th lost race: random, up to twice the one before (capped)."""
    time.sleep(random.uniform(0, min(LONGEST_PAUSE_S, FIRST_PAUSE_S * 2**attempt)))  # noqa: S311 - jitter
