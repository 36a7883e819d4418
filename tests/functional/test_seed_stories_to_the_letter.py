"""Seed stories to the letter: each defect found by walking the five sellers' features as a customer,
one test per numbered point of the issue, through the API of the whole backend (the in-memory world)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api_setup import make_catalog, new_customer, ok
from tests.functional.payments_setup import save_method


@pytest.fixture
def catalog(as_operator):
    return make_catalog(as_operator)


def subscribe(owner, account_id: str, price_id: str, **extra) -> dict:
    return ok(
        owner.post("/v1/subscriptions", json={"account": account_id, "items": [{"price": price_id}]} | extra), 201
    )


def finalized(world, owner, subscription: dict) -> dict:
    """The subscription's first invoice, once its grace hour is over."""
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))
    return ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))


def typed_card(world, number: str = "4242424242424242") -> str:
    """What Stripe.js hands over when the customer types a card for one payment."""
    return world.gateway.create_method({"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2030}})


def test_point_01_a_one_time_payment_saves_nothing_and_is_never_charged_again(world, as_operator, client_for, catalog):
    # Given IBM's customer: a 36 € invoice charged automatically, with no saved method (the charge failed)
    account, owner = new_customer(as_operator, client_for)
    invoice = finalized(world, owner, subscribe(owner, account["id"], catalog.seat["id"]))
    assert (invoice["status"], invoice["amount_remaining"]) == ("open", 3600)
    # When the customer pays 10 € with a card typed for this payment only
    body = {"account": account["id"], "amount": 1000, "currency": "EUR", "payment_method": typed_card(world)}
    payment = ok(owner.post("/v1/payments", json=body), 201)
    # Then it is paid, the balance shows 26 € owed, and the card is saved nowhere
    assert (payment["status"], payment["method_label"]) == ("succeeded", "visa •••• 4242")
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["amount_owed"] == 2600
    methods = ok(owner.get(f"/v1/accounts/{account['id']}/payment_methods"))
    assert (methods["data"], methods["default_payment_method"]) == ([], None)
    # When every dunning retry falls due
    world.advance_to(world.clock.now() + timedelta(days=10))
    # Then nothing more was charged to that card: one charge at Stripe, the rest still owed
    charged = [i for i in world.gateway.intents.values() if i["status"] == "succeeded"]
    assert [i["amount"] for i in charged] == [1000]
    assert ok(owner.get(f"/v1/invoices/{invoice['id']}"))["amount_remaining"] == 2600
    # When the customer asks to keep the card it types next time
    body |= {"payment_method": typed_card(world, "5555555555554444"), "save_payment_method": True}
    ok(owner.post("/v1/payments", json=body), 201)
    # Then that one is saved, and becomes the default as the first saved method
    methods = ok(owner.get(f"/v1/accounts/{account['id']}/payment_methods"))
    assert [(m["last4"], m["default"]) for m in methods["data"]] == [("4444", True)]


def test_point_01_top_up_with_a_typed_card_keeps_it_only_when_asked(world, as_operator, client_for):
    account, owner = new_customer(as_operator, client_for)
    body = {"amount": 5000, "currency": "EUR", "payment_method": typed_card(world)}
    ok(owner.post(f"/v1/accounts/{account['id']}/top_ups", json=body), 201)
    assert ok(owner.get(f"/v1/accounts/{account['id']}/payment_methods"))["data"] == []
    ok(owner.post(f"/v1/accounts/{account['id']}/top_ups", json=body | {"save_payment_method": True}), 201)
    assert len(ok(owner.get(f"/v1/accounts/{account['id']}/payment_methods"))["data"]) == 1
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["credit_available"] == 10000
    assert save_method  # the usual way to save a method stays the SetupIntent (other tests)
