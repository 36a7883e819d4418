"""Receive the backend's events on a local webhook endpoint (`make run` going), printing each one with
its verified signature; optionally screenshot the API reference (`/v1/docs`) in headless Chromium.

    BILLING_OPERATOR_KEY=bk_... make run &
    BILLING_OPERATOR_KEY=bk_... make webhooks   # or: python -m local.receive_webhooks --screenshot docs.png

It starts a receiver on loopback, registers it for every event type, subscribes a new customer with a
saved card, moves the clock over the first invoice's grace hour and a renewal (each paid by card), and
prints what arrived. The receiver answers 500 to the customer's first event, so one retry shows too. The
endpoint is deleted at the end; the exit status says whether every expected event arrived, verified.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from local.replay_seed_stories import Local, StoryFailed

EXPECTED = (
    "invoice.created",
    "invoice.finalized",
    "payment.succeeded",
    "invoice.paid",
    "receipt.created",
    "subscription.renewed",
)


class Receiver(ThreadingHTTPServer):
    """Keeps every POST (body, signature header); answers 500 to the first ``refusals`` events of the
    account ``refuse_for`` (none until it is set), 200 to everything else."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, str]] = []
        self.refuse_for: str | None = None
        self.refusals = 0
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/webhooks"

    def refuse(self, account_id: str, times: int) -> None:
        self.refuse_for, self.refusals = account_id, times


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.received.append((body, self.headers.get("Billing-Signature", "")))
        refuse = self.server.refusals > 0 and json.loads(body)["account"] == self.server.refuse_for
        if refuse:
            self.server.refusals -= 1
        self.send_response(500 if refuse else 200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def verified(body: bytes, header: str, secret: str) -> bool:
    """docs/webhooks.md's check, without the age limit: the local clock runs ahead of real time."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    signed = f"{parts.get('t', '')}.".encode() + body
    return hmac.compare_digest(hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest(), parts.get("v1", ""))


def story(local: Local, receiver: Receiver, secret: str) -> list[dict[str, Any]]:
    product = local.call("POST", "/v1/products", json={"name": "Téléphonie cloud"}, expect=201)
    seat = local.price(product["id"], "Seat", 3000)
    account, key = local.customer("Webhooks SAS")
    receiver.refuse(account["id"], times=1)
    local.save_card(account["id"], key)
    subscription = local.call(
        "POST", "/v1/subscriptions", key, json={"account": account["id"], "items": [{"price": seat["id"]}]}, expect=201
    )
    print(f"  subscribed {account['id']}; moving the clock over the grace hour, then over the renewal")
    local.advance_to(local.now() + timedelta(hours=2))
    renewal = datetime.fromisoformat(subscription["current_period_end"])
    local.advance_to(max(renewal, local.now()) + timedelta(hours=2))

    def mine() -> list[dict[str, Any]]:
        events = [(json.loads(body), header, body) for body, header in receiver.received]
        return [
            {**event, "verified": verified(body, header, secret)}
            for event, header, body in events
            if event["account"] == account["id"]
        ]

    def arrived() -> bool:
        types = [event["type"] for event in mine()]
        return all(types.count(kind) >= (2 if kind != "subscription.renewed" else 1) for kind in EXPECTED[1:])

    local.settle(arrived, "the events of two paid invoices", timeout=120)
    return mine()


def screenshot(url: str, path: str) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise StoryFailed("no chromium on this machine (apt-get install chromium)")
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1600",
         "--virtual-time-budget=8000", f"--screenshot={os.path.abspath(path)}", f"{url}/v1/docs"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    print(f"  /v1/docs in headless Chromium: {os.path.abspath(path)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('BILLING_PORT', '3000')}")
    parser.add_argument("--key", default=os.environ.get("BILLING_OPERATOR_KEY"), help="make run's operator key")
    parser.add_argument("--screenshot", help="also save a screenshot of /v1/docs to this PNG path")
    arguments = parser.parse_args()
    if not arguments.key:
        raise SystemExit("Give the operator key make run printed: --key bk_... (or BILLING_OPERATOR_KEY)")
    local = Local(arguments.url.rstrip("/"), arguments.key)
    local.endpoints = local.call("GET", "/_local/endpoints")
    receiver = Receiver()
    endpoint = local.call(
        "POST", "/v1/webhook_endpoints", json={"url": receiver.url, "enabled_events": ["*"]}, expect=201
    )
    print(f"Registered {endpoint['id']} → {receiver.url}")
    try:
        events = story(local, receiver, endpoint["secret"])
    finally:
        local.call("DELETE", f"/v1/webhook_endpoints/{endpoint['id']}", expect=204)
        receiver.shutdown()
    print(f"  {len(events)} deliveries for this customer:")
    for event in events:
        shown = event["data"]["object"]
        amount = next((shown[k] for k in ("amount", "total", "amount_due") if k in shown), "")
        mark = "signature ok" if event["verified"] else "SIGNATURE WRONG"
        print(f"    {event['id']}  {event['type']:<22} {mark}  {amount}")
    types = {event["type"] for event in events}
    local.check("every expected event arrived", sorted(types & set(EXPECTED)), sorted(EXPECTED))
    local.check("every delivery verified", all(event["verified"] for event in events), True)
    local.check("the refused delivery came again, same id", len(events) > len({e["id"] for e in events}), True)
    if arguments.screenshot:
        screenshot(local.url, arguments.screenshot)
    failed = [label for label, held in local.checks if not held]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
