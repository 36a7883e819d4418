"""Outgoing webhooks: a seller registers endpoints and receives every event, signed, retried for three
days, never twice recorded; operators read events and deliveries and resend."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import stripe

from billing.webhooks.signing import SIGNATURE_HEADER
from tests.api_setup import make_catalog, new_customer, ok

HOOK = "https://seller.example/hooks/billing"
OTHER = "https://crm.example/hooks"


@pytest.fixture
def catalog(as_operator):
    return make_catalog(as_operator)


def register(operator, url=HOOK, events=("invoice.finalized",)):
    return ok(operator.post("/v1/webhook_endpoints", json={"url": url, "enabled_events": list(events)}), 201)


def subscribe_and_finalize(world, as_operator, client_for, catalog):
    """A subscription whose first invoice is finalized once its grace hour is over."""
    account, owner = new_customer(as_operator, client_for)
    ok(owner.post("/v1/subscriptions", json={"account": account["id"], "items": [{"price": catalog.seat["id"]}]}), 201)
    advance(world, as_operator, timedelta(hours=2))
    return account


def advance(world, as_operator, by):
    ok(as_operator.post("/_local/clock", json={"advance_to": (world.clock.now() + by).isoformat()}))


def received(world, url=HOOK):
    return [(json.loads(body), headers) for to, body, headers in world.receiver.received if to == url]


def verified(world, secret, url=HOOK):
    """Each delivery checked with Stripe's own verifier: the scheme our sellers already know."""
    events = []
    for to, body, headers in world.receiver.received:
        if to == url:
            event = stripe.Webhook.construct_event(body, headers[SIGNATURE_HEADER], secret, tolerance=None)
            events.append(event)
    return events


def test_a_receiver_failing_twice_gets_the_same_signed_event_three_times(world, as_operator, client_for, catalog):
    # Given an endpoint for finalized invoices that answers 500 twice, then 200
    endpoint = register(as_operator)
    assert endpoint["secret"].startswith("whsec_")
    world.receiver.script[HOOK] = [500, 500]
    # When an invoice is finalized, and the minutes of two retries pass
    account = subscribe_and_finalize(world, as_operator, client_for, catalog)
    advance(world, as_operator, timedelta(minutes=10))
    # Then one event arrived three times, each signed, with the same id
    events = verified(world, endpoint["secret"])
    assert [e["type"] for e in events] == ["invoice.finalized"] * 3
    assert len({e["id"] for e in events}) == 1
    event = events[0]
    assert event["data"]["object"]["object"] == "invoice"
    assert event["data"]["object"]["account"] == account["id"] == event["account"]
    assert event["api_version"]
    # And the deliveries say so: two failures, then success, minutes apart
    delivery = ok(as_operator.get(f"/v1/webhook_endpoints/{endpoint['id']}/deliveries"))["data"][0]
    assert delivery["status"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 200]
    assert delivery["next_attempt_at"] is None
    # And the event reads as it was sent
    assert ok(as_operator.get(f"/v1/events/{event['id']}"))["data"] == event["data"].to_dict()


def test_an_endpoint_that_never_answers_is_retried_for_three_days_then_failing(world, as_operator, client_for, catalog):
    # Given an endpoint that never answers, and another that does
    silent = register(as_operator)
    world.receiver.script[HOOK] = [None] * 100
    healthy = register(as_operator, OTHER, events=["*"])
    # When an invoice is finalized and four days pass
    subscribe_and_finalize(world, as_operator, client_for, catalog)
    advance(world, as_operator, timedelta(days=4))
    # Then the silent endpoint was tried with growing delays until three days had passed, then given up
    delivery = ok(as_operator.get(f"/v1/webhook_endpoints/{silent['id']}/deliveries"))["data"][0]
    assert delivery["status"] == "failed"
    assert delivery["next_attempt_at"] is None
    attempts = [a["at"] for a in delivery["attempts"]]
    gaps = [b - a for a, b in zip(map(_instant, attempts), map(_instant, attempts[1:]), strict=False)]
    assert 8 <= len(attempts) <= 14
    assert gaps == sorted(gaps)
    assert gaps[0] <= timedelta(minutes=2)
    assert _instant(attempts[-1]) - _instant(attempts[0]) <= timedelta(days=3)
    assert ok(as_operator.get(f"/v1/webhook_endpoints/{silent['id']}"))["status"] == "failing"
    # And the healthy endpoint got each of its events once, at once
    other = verified(world, healthy["secret"], OTHER)
    assert "invoice.finalized" in [e["type"] for e in other]
    assert len({e["id"] for e in other}) == len(other)
    assert ok(as_operator.get(f"/v1/webhook_endpoints/{healthy['id']}"))["status"] == "enabled"
    # When it answers again and the event is resent, the endpoint is enabled again
    world.receiver.script[HOOK] = []
    event_id = delivery["event"]
    resent = ok(as_operator.post(f"/v1/events/{event_id}/resend", json={"endpoint": silent["id"]}), 202)["data"]
    assert [d["endpoint"] for d in resent] == [silent["id"]]
    assert ok(as_operator.get(f"/v1/webhook_endpoints/{silent['id']}"))["status"] == "enabled"
    assert [e["id"] for e in verified(world, silent["secret"])][-1] == event_id


def _instant(text):
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_a_duplicate_bus_event_is_recorded_and_sent_once(world, as_operator, client_for, catalog):
    register(as_operator)
    subscribe_and_finalize(world, as_operator, client_for, catalog)
    finalized = next(e for e in world.publisher.published if e.type == "invoice.finalized")
    # When the bus delivers the event again
    world.deliver_event(finalized)
    world.settle()
    # Then the endpoint got it once
    assert len(received(world)) == 1
    assert (
        ok(as_operator.get("/v1/events", params={"type": "invoice.finalized"}))["data"][0]["id"]
        == (received(world)[0][0]["id"])
    )


def test_secrets_are_shown_once_and_rolled(world, as_operator, client_for, catalog):
    endpoint = register(as_operator)
    read = ok(as_operator.get(f"/v1/webhook_endpoints/{endpoint['id']}"))
    assert read["secret"] is None
    assert [e["secret"] for e in ok(as_operator.get("/v1/webhook_endpoints"))["data"]] == [None]
    rolled = ok(as_operator.post(f"/v1/webhook_endpoints/{endpoint['id']}/roll_secret"))
    assert rolled["secret"].startswith("whsec_")
    assert rolled["secret"] != endpoint["secret"]
    subscribe_and_finalize(world, as_operator, client_for, catalog)
    assert len(verified(world, rolled["secret"])) == 1
    with pytest.raises(stripe.SignatureVerificationError):
        verified(world, endpoint["secret"])


def test_a_disabled_or_deleted_endpoint_receives_nothing(world, as_operator, client_for, catalog):
    disabled = register(as_operator)
    deleted = register(as_operator, OTHER)
    patched = ok(as_operator.patch(f"/v1/webhook_endpoints/{disabled['id']}", json={"disabled": True}))
    assert patched["status"] == "disabled"
    assert ok(as_operator.delete(f"/v1/webhook_endpoints/{deleted['id']}"), 204) is None
    subscribe_and_finalize(world, as_operator, client_for, catalog)
    assert world.receiver.received == []
    assert as_operator.get(f"/v1/webhook_endpoints/{deleted['id']}").status_code == 404
    # Switched on again, it receives what happens next
    ok(as_operator.patch(f"/v1/webhook_endpoints/{disabled['id']}", json={"disabled": False}))
    subscribe_and_finalize(world, as_operator, client_for, catalog)
    assert len(received(world)) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "ftp://x.example/h", "enabled_events": ["*"]}, "invalid_webhook_url"),
        ({"url": "/relative/path", "enabled_events": ["*"]}, "invalid_webhook_url"),
        ({"url": HOOK, "enabled_events": ["invoice.exploded"]}, "unknown_event_type"),
        ({"url": HOOK, "enabled_events": []}, "invalid_parameter"),
        ({"url": HOOK}, "invalid_parameter"),
    ],
)
def test_bad_endpoints_are_refused_and_nothing_is_stored(as_operator, body, code):
    answer = as_operator.post("/v1/webhook_endpoints", json=body)
    assert (answer.status_code, answer.json()["code"]) == (400, code)
    assert ok(as_operator.get("/v1/webhook_endpoints"))["data"] == []


def test_unknown_events_and_endpoints_are_404(as_operator):
    assert as_operator.get("/v1/events/evt_0123456789abcdef01234567").json()["code"] == "event_not_found"
    answer = as_operator.post("/v1/events/evt_0123456789abcdef01234567/resend", json={})
    assert (answer.status_code, answer.json()["code"]) == (404, "event_not_found")
    missing = as_operator.get("/v1/webhook_endpoints/we_0123456789abcdef0123/deliveries")
    assert (missing.status_code, missing.json()["code"]) == (404, "webhook_endpoint_not_found")


def test_a_retried_creation_or_roll_with_its_idempotency_key_is_done_once(as_operator):
    headers = {"Idempotency-Key": "register-hook-1"}
    body = {"url": HOOK, "enabled_events": ["*"]}
    first = ok(as_operator.post("/v1/webhook_endpoints", json=body, headers=headers), 201)
    again = ok(as_operator.post("/v1/webhook_endpoints", json=body, headers=headers), 201)
    assert (again["id"], again["secret"]) == (first["id"], first["secret"])
    assert len(ok(as_operator.get("/v1/webhook_endpoints"))["data"]) == 1
    roll = f"/v1/webhook_endpoints/{first['id']}/roll_secret"
    rolled = ok(as_operator.post(roll, headers={"Idempotency-Key": "roll-1"}))
    assert ok(as_operator.post(roll, headers={"Idempotency-Key": "roll-1"}))["secret"] == rolled["secret"]
