"""Seed stories to the letter, the points that live in the local backend itself (README's walkthrough)."""

from __future__ import annotations

import secrets

import requests

from tests.api_setup import new_customer, ok
from tests.integration.payments_setup import settle


def test_point_16_a_setup_intent_is_confirmed_locally_and_the_emails_read_from_the_local_mailbox(
    backend, as_operator, client_for, anonymous
):
    # Given a customer, and where the emulators listen (as a script following the README finds them)
    contact = f"compta-{secrets.token_hex(4)}@exemple.fr"
    account, owner = new_customer(as_operator, client_for, billing_email=contact)
    endpoints = ok(anonymous.get("/_local/endpoints"))
    assert endpoints["stripe"] == backend.stripe_endpoint_url
    # When the customer's SetupIntent is confirmed at (local) Stripe, as the README's curl does
    intent = ok(owner.post(f"/v1/accounts/{account['id']}/setup_intents"), 201)
    confirmed = requests.post(
        f"{endpoints['stripe']}/v1/setup_intents/{intent['id']}/confirm",
        auth=(endpoints["stripe_secret_key"], ""),
        data={"payment_method": "pm_card_visa"},
        timeout=10,
    )
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "succeeded")

    # Then Stripe's webhook saves the card, and the billing contact's email is in the local mailbox
    def emailed() -> list[dict]:
        return ok(anonymous.get("/_local/emails", params={"to": contact}))["data"]

    settle(backend, lambda: bool(emailed()))
    methods = ok(owner.get(f"/v1/accounts/{account['id']}/payment_methods"))
    assert [m["last4"] for m in methods["data"]] == ["4242"]
    [mail] = emailed()
    assert (mail["to"], mail["subject"]) == ([contact], "Nouveau moyen de paiement enregistré")
    assert "visa •••• 4242" in mail["text"]
    assert mail["sent_at"]
    # And the mailbox holds only what was sent: nobody else's mail under this address
    assert ok(anonymous.get("/_local/emails", params={"to": f"x-{contact}"}))["data"] == []
