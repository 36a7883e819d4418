"""Outgoing webhooks through the deployed path, on a local backend of their own (its clock moves): the
bus rule, the WebhookEvents and Webhooks queues, the delivery function POSTing over real HTTP to a receiver
on loopback, retries on the movable clock."""

from __future__ import annotations

import json
import socket
from datetime import datetime, timedelta

import pytest
import stripe

from local.receive_webhooks import Receiver
from tests.api_setup import make_catalog, new_customer, ok
from tests.integration.conftest import OPERATOR_KEY, Client

pytestmark = pytest.mark.integration


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/never"  # nothing listens: every attempt gets no answer


def test_a_receiver_failing_twice_then_answering_and_one_never_answering(running_backend):
    as_operator = Client(running_backend, OPERATOR_KEY)

    def client_for(key: str) -> Client:
        return Client(running_backend, key)

    def server_now() -> datetime:
        return datetime.fromisoformat(as_operator.get("/_local/clock").json()["now"])

    receiver = Receiver()
    register = {"enabled_events": ["invoice.finalized"]}
    flaky = ok(as_operator.post("/v1/webhook_endpoints", json={"url": receiver.url, **register}), 201)
    silent = ok(as_operator.post("/v1/webhook_endpoints", json={"url": closed_port_url(), **register}), 201)
    try:
        # When an invoice is finalized, and its retries' minutes pass
        catalog = make_catalog(as_operator)
        account, owner = new_customer(as_operator, client_for)
        receiver.refuse(account["id"], times=2)
        subscription = {"account": account["id"], "items": [{"price": catalog.seat["id"]}]}
        ok(owner.post("/v1/subscriptions", json=subscription), 201)
        later = server_now() + timedelta(hours=2, minutes=15)  # the grace hour, the next run, retries
        ok(as_operator.post("/_local/clock", json={"advance_to": later.isoformat()}, timeout=300))
        # Then the receiver got this account's event three times: same id, each signed with its secret
        mine = [
            stripe.Webhook.construct_event(body, header, flaky["secret"], tolerance=None)
            for body, header in receiver.received
            if json.loads(body)["account"] == account["id"]
        ]
        assert [e["type"] for e in mine] == ["invoice.finalized"] * 3
        assert len({e["id"] for e in mine}) == 1
        deliveries = ok(as_operator.get(f"/v1/webhook_endpoints/{flaky['id']}/deliveries"))["data"]
        delivery = next(d for d in deliveries if d["event"] == mine[0]["id"])
        assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 200]
        # And the endpoint that never answers is being retried, with growing delays, apart from it
        silent_deliveries = ok(as_operator.get(f"/v1/webhook_endpoints/{silent['id']}/deliveries"))["data"]
        retried = next(d for d in silent_deliveries if d["event"] == mine[0]["id"])
        assert retried["status"] == "pending"
        assert len(retried["attempts"]) >= 3
        assert {a["status_code"] for a in retried["attempts"]} == {None}
        assert datetime.fromisoformat(retried["next_attempt_at"]) > later
    finally:
        for endpoint in (flaky, silent):
            ok(as_operator.delete(f"/v1/webhook_endpoints/{endpoint['id']}"), 204)
        receiver.shutdown()
