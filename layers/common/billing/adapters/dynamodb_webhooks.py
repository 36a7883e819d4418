"""Outgoing webhooks on the single table (docs/data-model.md):

- endpoints: ``WHENDPOINTS / <endpoint id>`` (a seller has a handful: one Query lists them);
- events: ``EVENT#<id> / EVENT``, listed newest first on GSI1 ``EVENTS``;
- deliveries: ``EVENT#<event id> / DELIVERY#<endpoint id>``, listed per endpoint on GSI1, and while
  pending in the due index under ``WHDUE#<shard>`` (apart from the billing run's ``DUE#`` partitions).

Events and deliveries expire through the table's TTL 30 days after they were created.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from billing.adapters.documents import dump, load
from billing.adapters.dynamodb_items import DocItem, listed, listing
from billing.adapters.dynamodb_tables import transaction_connection
from billing.errors import ConflictError, ErrorCode
from billing.ports import Page, PageRequest
from billing.runs.shards import DUE_SHARDS, shard_of
from billing.webhooks.models import KEPT_FOR_DAYS, Delivery, DeliveryStatus, Event, WebhookEndpoint

_ENDPOINTS = "WHENDPOINTS"
_EVENTS = "EVENTS"
WEBHOOK_DUE_PREFIX = "WHDUE#"  # local/scheduler.py reads these partitions too
_KEPT = timedelta(days=KEPT_FOR_DAYS)


def _event_key(event_id: str) -> tuple[str, str]:
    return f"EVENT#{event_id}", "EVENT"


def _delivery_key(event_id: str, endpoint_id: str) -> tuple[str, str]:
    return f"EVENT#{event_id}", f"DELIVERY#{endpoint_id}"


def _expires(created: datetime) -> int:
    return int((created + _KEPT).timestamp())


@contextmanager
def _conflicts_as(detail: str) -> Iterator[None]:
    try:
        yield
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise ConflictError(ErrorCode.CONCURRENT_UPDATE, detail) from error


class DynamoWebhookStore:
    # --- endpoints -----------------------------------------------------------------------------------
    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        item = DocItem(_ENDPOINTS, endpoint.id, kind="webhook_endpoint", doc=dump(endpoint), version=1)
        item.save(condition=DocItem.pk.does_not_exist())

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        return self._get((_ENDPOINTS, endpoint_id), WebhookEndpoint)

    def list_endpoints(self) -> list[WebhookEndpoint]:
        found = [self._loaded(item, WebhookEndpoint) for item in DocItem.query(_ENDPOINTS, consistent_read=True)]
        return sorted(found, key=lambda e: (e.created, e.id))

    def save_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        saved = _with_version(endpoint, endpoint.version + 1)
        item = DocItem(_ENDPOINTS, endpoint.id, kind="webhook_endpoint", doc=dump(saved), version=saved.version)
        with _conflicts_as("The endpoint changed meanwhile."):
            item.save(condition=DocItem.version == endpoint.version)
        return saved

    def remove_endpoint(self, endpoint_id: str) -> None:
        DocItem(_ENDPOINTS, endpoint_id).delete()

    # --- events --------------------------------------------------------------------------------------
    def record_event(self, event: Event, deliveries: list[Delivery]) -> bool:
        item = _event_item(event)
        try:
            with TransactWrite(connection=transaction_connection()) as transaction:
                transaction.save(item, condition=DocItem.pk.does_not_exist())
                for delivery in deliveries:
                    transaction.save(_delivery_item(_with_version(delivery, 1)))
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            return False  # recorded before: a duplicate from the bus
        return True

    def keep_events(self, events: Sequence[Event]) -> None:
        # BatchWriteItem: 25 puts a request (the batch retries what DynamoDB left unprocessed), no condition.
        with DocItem.batch_write() as batch:
            for event in events:
                batch.save(_event_item(event))

    def get_event(self, event_id: str) -> Event | None:
        return self._get(_event_key(event_id), Event)

    def list_events(self, page: PageRequest, event_type: str | None = None) -> Page[Event]:
        condition = None if event_type is None else DocItem.doc["type"] == event_type
        return self._list(_EVENTS, Event, page, condition)

    # --- deliveries ----------------------------------------------------------------------------------
    def get_delivery(self, event_id: str, endpoint_id: str) -> Delivery | None:
        return self._get(_delivery_key(event_id, endpoint_id), Delivery)

    def list_deliveries(self, endpoint_id: str, page: PageRequest) -> Page[Delivery]:
        return self._list(f"WHDELIVERIES#{endpoint_id}", Delivery, page)

    def save_delivery(self, delivery: Delivery) -> Delivery:
        saved = _with_version(delivery, delivery.version + 1)
        first = delivery.version == 0
        condition = DocItem.pk.does_not_exist() if first else DocItem.version == delivery.version
        with _conflicts_as("The delivery changed meanwhile."):
            _delivery_item(saved).save(condition=condition)
        return saved

    def due_deliveries(self, until: datetime) -> list[tuple[str, str]]:
        due = []
        for shard in range(DUE_SHARDS):
            query = DocItem.due_index.query(f"{WEBHOOK_DUE_PREFIX}{shard}", DocItem.duesk <= f"{until.isoformat()}#~")
            for item in query:
                event_id, endpoint_id = item.duesk.rsplit("#", 1)[1].split(".", 1)
                due.append((event_id, endpoint_id))
        return due

    # --- shared --------------------------------------------------------------------------------------
    def _get(self, key: tuple[str, str], kind: type[Any]) -> Any:
        try:
            return self._loaded(DocItem.get(*key, consistent_read=True), kind)
        except DocItem.DoesNotExist:
            return None

    @staticmethod
    def _loaded(item: DocItem, kind: type[Any]) -> Any:
        return _with_version(load(kind, item.doc.as_dict()), int(item.version))

    def _list(self, gsi1pk: str, kind: type[Any], page: PageRequest, condition: Any = None) -> Page[Any]:
        items, cursor = listing(gsi1pk, page, condition)
        return Page([self._loaded(item, kind) for item in items], cursor)


def _with_version(value: Any, version: int) -> Any:
    return replace(value, version=version) if hasattr(value, "version") else value


def _event_item(event: Event) -> DocItem:
    return DocItem(
        *_event_key(event.id),
        kind="event",
        doc=dump(event),
        gsi1pk=_EVENTS,
        gsi1sk=listed(event.created, event.id),
        expires_at=_expires(event.created),
    )


def _delivery_item(delivery: Delivery) -> DocItem:
    item = DocItem(
        *_delivery_key(delivery.event_id, delivery.endpoint_id),
        kind="webhook_delivery",
        doc=dump(delivery),
        version=delivery.version,
        gsi1pk=f"WHDELIVERIES#{delivery.endpoint_id}",
        gsi1sk=listed(delivery.created, delivery.event_id),
        expires_at=_expires(delivery.created),
    )
    if delivery.status is DeliveryStatus.PENDING and delivery.next_attempt_at is not None:
        item.duepk = f"{WEBHOOK_DUE_PREFIX}{shard_of(delivery.id)}"
        item.duesk = f"{delivery.next_attempt_at.isoformat()}#delivery#{delivery.id}"
    return item
