"""What the billing run reads on the single table: the DUE index and the outbox (``runs/ports.py:DueWork``).

Apart from the billing store, which shares it: the run loads no billing object, so its cold start does not
import every model the store reads and writes (about 80 ms here).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from billing.adapters.documents import load
from billing.adapters.dynamodb_items import DocItem, outbox_key
from billing.events import DomainEvent


class DynamoDueWork:
    def due(self, shard: int, until: datetime) -> list[tuple[str, str]]:
        found = []
        for item in DocItem.due_index.query(f"DUE#{shard}", DocItem.duesk <= f"{until.isoformat()}#~"):
            _, kind, object_id = item.duesk.rsplit("#", 2)
            found.append((kind, object_id))
        return found

    def outbox(self, shard: int) -> list[DomainEvent]:
        return [
            load(DomainEvent, item.doc.as_dict()) for item in DocItem.query(f"OUTBOX#{shard}", consistent_read=True)
        ]

    def clear_outbox(self, events: Iterable[DomainEvent]) -> None:
        with DocItem.batch_write() as batch:
            for event in events:
                batch.delete(DocItem(*outbox_key(event)))
