"""Usage events in the single table: one item per (subscription, event id), listed by time on GSI1."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from billing.adapters.documents import dump, load
from billing.adapters.dynamodb_items import DocItem, usage_key
from billing.usage.models import UsageEvent


class DynamoUsageStore:
    def known_event_ids(self, subscription_event_ids: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        keys = sorted({usage_key(sub, event) for sub, event in subscription_event_ids})
        found = set()
        for item in DocItem.batch_get(keys, attributes_to_get=["pk"]):
            _, subscription_id, event_id = item.pk.split("#", 2)
            found.add((subscription_id, event_id))
        return found

    def add_events(self, events: Iterable[UsageEvent]) -> None:
        with DocItem.batch_write() as batch:
            for event in events:
                item = DocItem(*usage_key(event.subscription_id, event.id), kind="usage_event", doc=dump(event))
                item.gsi1pk = f"USAGE#{event.subscription_id}"
                item.gsi1sk = f"{event.timestamp.isoformat()}#{event.id}"
                batch.save(item)

    def events(self, subscription_id: str, start: datetime, end: datetime) -> list[UsageEvent]:
        results = DocItem.gsi1.query(
            f"USAGE#{subscription_id}", DocItem.gsi1sk.between(start.isoformat(), f"{end.isoformat()}#\uffff")
        )
        return [event for item in results if (event := load(UsageEvent, item.doc.as_dict())).timestamp < end]
