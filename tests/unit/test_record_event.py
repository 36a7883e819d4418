"""record_event: one seller event per bus event, a delivery for each endpoint that wants it, recorded once;
the endpoints read by the caller once for a batch when it gives them; a batch (BusEvents) stores the events
no endpoint wants together when it closes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from billing.clock import FixedClock
from billing.webhooks.models import EndpointStatus, Event, WebhookEndpoint
from billing.webhooks.record_event import BusEvents, record_event
from billing.webhooks.services import WebhookServices
from tests.fakes.outside import RecordingQueue
from tests.fakes.webhooks import InMemoryWebhookStore

NOW = datetime(2026, 4, 1, 9, tzinfo=UTC)
DETAIL = {"id": "bus-1", "account": "acct_1", "invoice": "in_1"}


def endpoint(endpoint_id: str, *events: str, status: EndpointStatus = EndpointStatus.ENABLED) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=endpoint_id, url=f"https://{endpoint_id}.example/h", enabled_events=events, secret="whsec_x",
        created=NOW, status=status,
    )  # fmt: skip


def services() -> tuple[WebhookServices, InMemoryWebhookStore, RecordingQueue]:
    store, queue = InMemoryWebhookStore(), RecordingQueue()
    return WebhookServices(store=store, clock=FixedClock(NOW), queue=queue), store, queue


def test_each_endpoint_that_wants_the_event_gets_one_delivery_queued():
    given, store, queue = services()
    for wanted in (endpoint("we_1", "invoice.finalized"), endpoint("we_2", "*"), endpoint("we_3", "invoice.paid")):
        store.add_endpoint(wanted)
    store.add_endpoint(endpoint("we_4", "*", status=EndpointStatus.DISABLED))
    recorded = record_event(given, "invoice.finalized", DETAIL, NOW)
    assert recorded is not None
    assert recorded[1] == 2
    event_id = recorded[0].id
    assert queue.messages == [{"event": event_id, "endpoint": "we_1"}, {"event": event_id, "endpoint": "we_2"}]
    assert record_event(given, "invoice.finalized", DETAIL, NOW) is None  # the bus delivered it twice
    assert len(queue.messages) == 2


def test_endpoints_read_for_a_batch_are_the_ones_delivered_to():
    given, store, queue = services()
    store.add_endpoint(endpoint("we_stored", "*"))
    snapshot = [endpoint("we_1", "invoice.finalized"), endpoint("we_2", "invoice.paid")]
    recorded = record_event(given, "invoice.finalized", DETAIL, NOW, snapshot)
    assert recorded is not None
    assert recorded[1] == 1
    assert [m["endpoint"] for m in queue.messages] == ["we_1"]


def test_an_event_nobody_wants_is_still_recorded_for_the_events_api():
    given, store, queue = services()
    recorded = record_event(given, "invoice.finalized", DETAIL, NOW)
    assert recorded is not None
    assert recorded[1] == 0
    assert queue.messages == []
    assert store.get_event(recorded[0].id) == recorded[0]
    assert record_event(given, "invoice.finalized", DETAIL, NOW) == recorded  # the bus delivered it twice
    assert list(store.events) == [recorded[0].id]


class CountingStore(InMemoryWebhookStore):
    def __init__(self) -> None:
        super().__init__()
        self.endpoint_reads, self.kept = 0, list[list[str]]()

    def list_endpoints(self) -> list[WebhookEndpoint]:
        self.endpoint_reads += 1
        return super().list_endpoints()

    def keep_events(self, events: Sequence[Event]) -> None:
        self.kept.append([event.id for event in events])
        super().keep_events(events)


def test_a_batch_reads_the_endpoints_once_and_stores_the_unwanted_events_together_when_it_closes():
    store, queue = CountingStore(), RecordingQueue()
    given = WebhookServices(store=store, clock=FixedClock(NOW), queue=queue)
    store.add_endpoint(endpoint("we_1", "invoice.paid"))
    batch = BusEvents(given)
    finalized = batch.record("invoice.finalized", DETAIL, NOW)
    paid = batch.record("invoice.paid", {**DETAIL, "id": "bus-2"}, NOW)
    again = batch.record("invoice.finalized", DETAIL, NOW)  # a duplicate within the batch
    assert finalized is not None
    assert paid is not None
    assert again == finalized
    assert (finalized[1], paid[1]) == (0, 1)
    assert store.get_event(finalized[0].id) is None  # not before the batch closes
    assert store.get_event(paid[0].id) == paid[0]  # wanted: stored at once, with its delivery queued
    assert [m["endpoint"] for m in queue.messages] == ["we_1"]
    batch.close()
    assert store.get_event(finalized[0].id) == finalized[0]
    assert store.kept == [[finalized[0].id]]  # one write for the batch, the duplicate once
    assert store.endpoint_reads == 1
    batch.close()  # nothing left to store
    assert store.kept == [[finalized[0].id]]
