"""record_event: one seller event per bus event, a delivery for each endpoint that wants it, recorded once;
the endpoints read by the caller once for a batch when it gives them."""

from __future__ import annotations

from datetime import UTC, datetime

from billing.clock import FixedClock
from billing.webhooks.models import EndpointStatus, WebhookEndpoint
from billing.webhooks.record_event import record_event
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
    assert record_event(given, "invoice.finalized", DETAIL, NOW) is None
