"""Ports shared by packages: paging, idempotent requests, document files, work queues, the event bus.

Each package keeps its own ports beside it (``accounts/ports.py``, ``invoices/ports.py``, …);
``billing/store.py`` joins the store's parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from billing.events import DomainEvent

T = TypeVar("T")


class Idempotency(Protocol):
    def run(self, scope: str, key: str, body: Any, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Run ``compute`` once per (scope, key) and replay its answer; other body, same key: conflict."""
        ...

    def register_lambda_context(self, context: Any) -> None:
        """Called per invocation, so records of a crashed invocation expire with it."""
        ...


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which page of a list to read."""

    limit: int = 20
    cursor: str | None = None  # opaque: from the previous page's ``next_cursor``


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """A page of a list, and the cursor of the next one if there is more."""

    items: list[T]
    next_cursor: str | None = None


class DocumentStorage(Protocol):
    def put(self, key: str, body: bytes, content_type: str = "application/pdf") -> None: ...
    def put_once(self, key: str, body: bytes, content_type: str, keep_until: datetime) -> bytes:
        """Store a legal document once, locked until ``keep_until`` where the bucket locks objects; never
        overwrite it. Returns the bytes stored: ``body``, or what an earlier run stored under ``key``."""
        ...

    def get(self, key: str) -> bytes: ...
    def url(self, key: str, filename: str) -> str:
        """A short-lived download link."""
        ...


class WorkQueue(Protocol):
    def send(self, messages: Iterable[dict[str, Any]]) -> None:
        """Queue each message (a JSON object). On a FIFO queue, messages naming the same ``"group"`` reach
        one copy of the function at a time (the others, one group each, in parallel)."""
        ...


class EventPublisher(Protocol):
    def publish(self, events: Iterable[DomainEvent]) -> None: ...
