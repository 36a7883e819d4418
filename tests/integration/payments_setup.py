"""Helpers for payment stories: Stripe.js's part (confirming SetupIntents), waiting for webhooks,
signing deliveries the way Stripe does."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import stripe

from tests.api_setup import ok
from tests.fakes.payments import sign


def browser(backend) -> stripe.StripeClient:
    """What Stripe.js does in the customer's browser, with the publishable side of the test account."""
    return stripe.StripeClient("sk_test_local", base_addresses={"api": backend.stripe_endpoint_url})


def settle(backend, done: Callable[[], bool], timeout: float = 20.0) -> None:
    """Run queued work (webhooks arrive about a second after Stripe acts) until ``done`` holds."""
    deadline = time.monotonic() + timeout
    while True:
        backend.triggers.drain()
        if done():
            return
        if time.monotonic() > deadline:
            raise AssertionError("the expected state was not reached")
        time.sleep(0.3)


def save_method(backend, owner, account_id: str, payment_method: str | dict = "pm_card_visa") -> dict:
    intent = ok(owner.post(f"/v1/accounts/{account_id}/setup_intents"), 201)
    params = (
        {"payment_method": payment_method}
        if isinstance(payment_method, str)
        else {"payment_method_data": payment_method}
    )
    confirmed = browser(backend).v1.setup_intents.confirm(intent["id"], params)
    method_id = confirmed.payment_method

    def saved() -> bool:
        methods = ok(owner.get(f"/v1/accounts/{account_id}/payment_methods"))["data"]
        return any(m["id"] == method_id for m in methods)

    settle(backend, saved)
    return next(m for m in ok(owner.get(f"/v1/accounts/{account_id}/payment_methods"))["data"] if m["id"] == method_id)


def deliver(anonymous, backend, event: dict, secret: str | None = None, **kwargs):
    payload = json.dumps(event, indent=2, sort_keys=True).encode()
    signature = sign(payload, secret or backend.resources["stripe-webhook-secret"], **kwargs)
    return anonymous.post(
        "/webhooks/stripe", data=payload, headers={"Stripe-Signature": signature, "Content-Type": "application/json"}
    )


def stripe_events(backend) -> list[dict]:
    listed = browser(backend).v1.events.list({"limit": 100})
    return [event.to_dict() for event in listed.data]
