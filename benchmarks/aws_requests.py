"""Count AWS requests per operation with a botocore event hook on every client created from now on."""

from __future__ import annotations

import collections
import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session

from local.capacity import write_units

current_label: contextvars.ContextVar[str] = contextvars.ContextVar("current_label", default="other")
_calls: list[tuple[str, str, str]] = []  # (label, service, operation)
_write_units: list[tuple[str, float]] = []  # (label, WCU) from ConsumedCapacity or item sizes
_installed = False


def install() -> None:
    """Register a ``before-call`` hook on each client botocore creates (boto3, PynamoDB, Powertools)."""
    global _installed
    if _installed:
        return
    original = botocore.session.Session.create_client

    def create_client(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        service = client.meta.service_model.service_name

        def count(model: Any, **_: Any) -> None:
            _calls.append((current_label.get(), service, model.name))

        def measure_writes(params: dict[str, Any], model: Any, **_: Any) -> None:
            if service == "dynamodb":
                _write_units.append((current_label.get(), write_units(model.name, params)))

        client.meta.events.register("before-call", count)
        client.meta.events.register("provide-client-params", measure_writes)
        return client

    botocore.session.Session.create_client = create_client
    _installed = True


def mark() -> int:
    return len(_calls)


def calls_since(position: int) -> list[tuple[str, str, str]]:
    """What was made since ``mark()``: readable while a ``counting`` block is still open."""
    return _calls[position:]


@contextmanager
def counting() -> Iterator[list[tuple[str, str, str]]]:
    """Yield the list of (label, service, operation) made inside the block."""
    start = len(_calls)
    seen: list[tuple[str, str, str]] = []
    try:
        yield seen
    finally:
        seen.extend(_calls[start:])


def summary(calls: list[tuple[str, str, str]], service: str = "dynamodb") -> dict[str, collections.Counter[str]]:
    by_label: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for label, called_service, operation in calls:
        if called_service == service:
            by_label[label][operation] += 1
    return by_label


@contextmanager
def counting_writes() -> Iterator[list[tuple[str, float]]]:
    start = len(_write_units)
    seen: list[tuple[str, float]] = []
    try:
        yield seen
    finally:
        seen.extend(_write_units[start:])
