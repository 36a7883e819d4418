"""Payment stories on the in-memory world: the customer's browser confirms a setup with a test token."""

from __future__ import annotations

import json

from tests.api_setup import ok
from tests.fakes.payments import sign


def save_method(world, owner, account_id: str, token: str | dict = "pm_card_visa") -> dict:
    """What Stripe.js does after the customer typed a card: confirm the setup; the webhook saves it."""
    intent = ok(owner.post(f"/v1/accounts/{account_id}/setup_intents"), 201)
    event = world.gateway.confirm_setup(intent["id"], token)
    world.settle()
    method_id = event["data"]["object"]["payment_method"]
    methods = ok(owner.get(f"/v1/accounts/{account_id}/payment_methods"))["data"]
    return next(m for m in methods if m["id"] == method_id)


def state_of(owner, account_id: str) -> dict:
    """Everything money depends on, as the API shows it."""
    payments = ok(owner.get("/v1/payments", params={"account": account_id, "limit": 100}))["data"]
    receipts = ok(owner.get("/v1/receipts", params={"account": account_id, "limit": 100}))["data"]
    invoices = ok(owner.get("/v1/invoices", params={"account": account_id, "limit": 100}))["data"]
    return {
        "balance": ok(owner.get(f"/v1/accounts/{account_id}/balance")),
        "payments": sorted(
            (p["id"], p["status"], p["amount"], tuple(map(tuple, (a.values() for a in p["allocations"]))))
            for p in payments
        ),
        "receipts": sorted((r["number"], r["payment"], r["amount"]) for r in receipts),
        "invoices": sorted((i["id"], i["status"], i["amount_paid"]) for i in invoices),
    }


def deliver(anonymous, event: dict):
    """A webhook delivery, signed as Stripe signs it."""
    payload = json.dumps(event, indent=2, sort_keys=True).encode()
    headers = {"Stripe-Signature": sign(payload), "Content-Type": "application/json"}
    return anonymous.post("/webhooks/stripe", data=payload, headers=headers)


def settle(world, done) -> None:
    """Let everything queued run (webhooks, documents); then ``done`` must hold."""
    world.settle()
    assert done(), "the expected state was not reached"
