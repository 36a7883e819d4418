"""What the billing run needs from storage: the DUE index and the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from billing.events import DomainEvent


class DueIndex(Protocol):
    def due(self, shard: int, until: datetime) -> list[tuple[str, str]]:
        """(kind, id) of what is due up to ``until`` in one shard of the DUE index."""
        ...


class Outbox(Protocol):
    def outbox(self, shard: int) -> list[DomainEvent]:
        """Events committed and not yet cleared: published, or left by a crash."""
        ...

    def clear_outbox(self, events: Iterable[DomainEvent]) -> None: ...


class DueWork(DueIndex, Outbox, Protocol):
    """What the billing run reads: what is due, and what a crash left unpublished."""
