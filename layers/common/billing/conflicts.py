"""A state change that lost a race is done again, not answered 409.

Every use case reads what it depends on, decides, and commits conditioned on the versions it read. When
another writer got there first (a PDF recorded on the invoice, a payment booked on the ledger), the
commit fails with ``concurrent_update``: the caller did nothing wrong, so the use case runs again on
fresh reads. Only use cases whose attempt has no side effect outside the commit are decorated (Stripe
is only called from the payments worker, after a commit).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from billing.errors import ConflictError, ErrorCode

P = ParamSpec("P")
T = TypeVar("T")
TRIES = 5  # five losses in a row means a hot spot: then the caller hears 409 and may retry later


def retried_on_conflict(use_case: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, TRIES + 1):
            try:
                return use_case(*args, **kwargs)
            except ConflictError as conflict:
                if conflict.code != ErrorCode.CONCURRENT_UPDATE or attempt == TRIES:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    return run
