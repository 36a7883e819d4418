"""Put committed events on the bus, then take them out of the outbox.

Every function calls this after its work with the events its commits reported; the billing run calls
it with what a crash left in the outbox. Publishing before clearing makes delivery at least once.
"""

from __future__ import annotations

from collections.abc import Sequence

from billing.events import DomainEvent
from billing.ports import EventPublisher
from billing.runs.ports import Outbox


def publish_events(events: Sequence[DomainEvent], outbox: Outbox, publisher: EventPublisher) -> int:
    """Publish ``events`` and clear them from the outbox; returns how many there were."""
    if events:
        publisher.publish(events)
        outbox.clear_outbox(events)
    return len(events)
