"""Outgoing webhooks through the deployed path, on a local backend of their own (its clock moves): the
bus rule, the Webhooks queue, the delivery function POSTing over real HTTP to a receiver on loopback,
retries on the movable clock."""

from __future__ import annotations

import json
import socket
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from tests.api_setup import make_catalog, new_customer, ok
from tests.integration.conftest import OPERATOR_KEY, Client

pytestmark = pytest.mark.integration


class Receiver(ThreadingHTTPServer):
    """Answers 500 to the first ``failures`` POSTs, then 200; keeps every body with its signature."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[tuple[bytes, str]] = []
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((body, self.headers["Billing-Signature"]))
        failing = len(self.server.received) <= self.server.failures
        self.send_response(500 if failing else 200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


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

    receiver = Receiver(failures=2)
    register = {"enabled_events": ["invoice.finalized"]}
    flaky = ok(as_operator.post("/v1/webhook_endpoints", json={"url": receiver.url, **register}), 201)
    silent = ok(as_operator.post("/v1/webhook_endpoints", json={"url": closed_port_url(), **register}), 201)
    try:
        # When an invoice is finalized, and its retries' minutes pass
        catalog = make_catalog(as_operator)
        account, owner = new_customer(as_operator, client_for)
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
