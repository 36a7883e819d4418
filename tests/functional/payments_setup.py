"""Payment stories on the in-memory world: the customer's browser confirms a setup with a test token."""

from __future__ import annotations

from tests.api_setup import ok


def save_method(world, owner, account_id: str, token: str = "pm_card_visa") -> dict:
    """What Stripe.js does after the customer typed a card: confirm the setup; the webhook saves it."""
    intent = ok(owner.post(f"/v1/accounts/{account_id}/setup_intents"), 201)
    event = world.gateway.confirm_setup(intent["id"], token)
    world.settle()
    method_id = event["data"]["object"]["payment_method"]
    methods = ok(owner.get(f"/v1/accounts/{account_id}/payment_methods"))["data"]
    return next(m for m in methods if m["id"] == method_id)
