"""The webhook store's contract: endpoints with versions, an event recorded once with its deliveries,
deliveries due while pending, listings newest first."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from billing.errors import ConflictError
from billing.ids import new_id
from billing.ports import PageRequest
from billing.webhooks.models import Attempt, Delivery, DeliveryStatus, EndpointStatus, Event, WebhookEndpoint

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def endpoint(**changes) -> WebhookEndpoint:
    base = WebhookEndpoint(
        id=new_id("we"), url="https://seller.example/h", enabled_events=("*",), secret="whsec_x", created=NOW
    )
    return replace(base, **changes)


def event(kind="invoice.paid", at=NOW) -> Event:
    return Event(id=new_id("evt"), type=kind, created=at, account_id="acct_1", data={"object": {"object": "invoice"}})


def test_endpoints_are_saved_with_their_version(webhook_store):
    first = endpoint()
    webhook_store.add_endpoint(first)
    stored = webhook_store.get_endpoint(first.id)
    assert (stored.url, stored.enabled_events, stored.status) == (first.url, ("*",), EndpointStatus.ENABLED)
    saved = webhook_store.save_endpoint(replace(stored, status=EndpointStatus.FAILING))
    assert webhook_store.get_endpoint(first.id) == saved
    with pytest.raises(ConflictError):
        webhook_store.save_endpoint(replace(stored, url="https://late.example/h"))  # the version it read is gone
    assert first.id in [e.id for e in webhook_store.list_endpoints()]
    webhook_store.remove_endpoint(first.id)
    assert webhook_store.get_endpoint(first.id) is None


def test_an_event_is_recorded_once_with_its_deliveries(webhook_store):
    recorded = event()
    delivery = Delivery(event_id=recorded.id, endpoint_id="we_1", created=NOW, next_attempt_at=NOW)
    assert webhook_store.record_event(recorded, [delivery]) is True
    assert webhook_store.record_event(recorded, [replace(delivery, endpoint_id="we_2")]) is False
    assert webhook_store.get_event(recorded.id) == recorded
    assert webhook_store.get_delivery(recorded.id, "we_2") is None
    stored = webhook_store.get_delivery(recorded.id, "we_1")
    assert (stored.status, stored.next_attempt_at) == (DeliveryStatus.PENDING, NOW)
    assert (recorded.id, "we_1") in webhook_store.due_deliveries(NOW)
    assert (recorded.id, "we_1") not in webhook_store.due_deliveries(NOW - timedelta(seconds=1))


def test_an_event_no_endpoint_wants_is_recorded_once_too(webhook_store):
    recorded = event()
    assert webhook_store.record_event(recorded, []) is True
    assert webhook_store.record_event(recorded, []) is False
    late = Delivery(event_id=recorded.id, endpoint_id="we_1", created=NOW, next_attempt_at=NOW)
    assert webhook_store.record_event(recorded, [late]) is False  # a duplicate, whatever it would deliver now
    assert webhook_store.get_event(recorded.id) == recorded
    assert webhook_store.get_delivery(recorded.id, "we_1") is None


def test_events_no_endpoint_wants_are_kept_together_each_over_its_earlier_copy(webhook_store):
    kept = [event(f"contract.{new_id('t')}") for _ in range(30)]  # more than one BatchWriteItem takes
    webhook_store.keep_events(kept)
    webhook_store.keep_events(kept[:2])  # the bus delivered two of them again
    assert [webhook_store.get_event(e.id) for e in kept] == kept
    listed = webhook_store.list_events(PageRequest(limit=50), kept[0].type).items
    assert listed == [kept[0]]
    late = Delivery(event_id=kept[0].id, endpoint_id="we_1", created=NOW, next_attempt_at=NOW)
    assert webhook_store.record_event(kept[0], [late]) is False  # kept already: a duplicate, as recorded ones
    assert webhook_store.get_delivery(kept[0].id, "we_1") is None


def test_a_delivery_leaves_the_due_list_once_done_and_refuses_a_stale_save(webhook_store):
    recorded = event()
    pending = Delivery(event_id=recorded.id, endpoint_id="we_1", created=NOW, next_attempt_at=NOW)
    webhook_store.record_event(recorded, [pending])
    stored = webhook_store.get_delivery(recorded.id, "we_1")
    attempt = Attempt(at=NOW, status_code=200, duration_ms=12)
    done = webhook_store.save_delivery(
        replace(stored, status=DeliveryStatus.SUCCEEDED, next_attempt_at=None, attempts=(attempt,))
    )
    assert webhook_store.get_delivery(recorded.id, "we_1") == done
    assert (recorded.id, "we_1") not in webhook_store.due_deliveries(NOW + timedelta(days=1))
    with pytest.raises(ConflictError):
        webhook_store.save_delivery(replace(stored, next_attempt_at=NOW + timedelta(minutes=1)))
    created = webhook_store.save_delivery(Delivery(event_id=recorded.id, endpoint_id="we_9", created=NOW))
    assert created.version == 1
    with pytest.raises(ConflictError):  # a second creation of the same delivery
        webhook_store.save_delivery(Delivery(event_id=recorded.id, endpoint_id="we_9", created=NOW))


def test_events_and_deliveries_are_listed_newest_first(webhook_store):
    kinds = [f"contract.{new_id('t')}" for _ in range(3)]
    events = [event(kind, NOW + timedelta(days=400 + n)) for n, kind in enumerate(kinds)]  # after any other test's
    endpoint_id = new_id("we")
    for n, recorded in enumerate(events):
        webhook_store.record_event(
            recorded, [Delivery(event_id=recorded.id, endpoint_id=endpoint_id, created=NOW + timedelta(minutes=n))]
        )
    newest = webhook_store.list_events(PageRequest(limit=2))
    assert [e.id for e in newest.items] == [events[2].id, events[1].id]
    assert newest.next_cursor
    assert [e.id for e in webhook_store.list_events(PageRequest(limit=50), kinds[0]).items] == [events[0].id]
    deliveries = webhook_store.list_deliveries(endpoint_id, PageRequest(limit=10)).items
    assert [d.event_id for d in deliveries] == [e.id for e in reversed(events)]
