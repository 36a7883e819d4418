"""SQS work queues and the EventBridge bus, through botocore (clients made on first use, not at import)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from billing.adapters.aws_clients import aws_client
from billing.events import DomainEvent

SOURCE = "billing"
_SQS_BATCH = 10  # SendMessageBatch and PutEvents both take at most 10 entries


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SqsQueue:
    def __init__(self, queue_url: str) -> None:
        self.queue_url = queue_url

    @cached_property
    def _client(self) -> Any:
        return aws_client("sqs")

    def send(self, messages: Iterable[dict[str, Any]]) -> None:
        for chunk in _chunks(list(messages), _SQS_BATCH):
            entries = [self._entry(n, m) for n, m in enumerate(chunk)]
            result = self._client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            if result.get("Failed"):
                raise RuntimeError(f"SQS refused {len(result['Failed'])} messages: {result['Failed'][0]}")

    def _entry(self, position: int, message: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(message, sort_keys=True)
        entry = {"Id": str(position), "MessageBody": body}
        if self.queue_url.endswith(".fifo"):
            # A message without a group is a group of its own (in parallel with every other). No deduplication
            # by SQS: duplicates are the receivers' to absorb, as on a standard queue.
            entry["MessageGroupId"] = str(message.get("group") or hashlib.sha256(body.encode()).hexdigest())
            entry["MessageDeduplicationId"] = uuid.uuid4().hex
        return entry


class EventBridgePublisher:
    def __init__(self, bus_name: str) -> None:
        self.bus_name = bus_name

    @cached_property
    def _client(self) -> Any:
        return aws_client("events")

    def publish(self, events: Iterable[DomainEvent]) -> None:
        for chunk in _chunks(list(events), _SQS_BATCH):
            entries = [
                {
                    "Source": SOURCE,
                    "DetailType": event.type,
                    "Time": event.at,
                    "EventBusName": self.bus_name,
                    "Detail": json.dumps(event.bus_detail()),
                }
                for event in chunk
            ]
            result = self._client.put_events(Entries=entries)
            if result.get("FailedEntryCount"):
                raise RuntimeError(f"EventBridge refused {result['FailedEntryCount']} events")
