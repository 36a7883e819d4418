"""Payments against localstripe and its real signed webhooks: what only Stripe's own objects show (setup
intents confirmed by Stripe.js, refunds listed on charges, 3-D Secure, Stripe's event payloads replayed
in any order, refused signatures, a charge that succeeds while our write fails). The other payment
stories run on the fake Stripe in tests/functional/test_payments.py."""

from __future__ import annotations

import base64
import json
import random
import time

import pytest
import requests

from tests.api_setup import make_catalog, new_customer, ok
from tests.functional.payments_setup import state_of
from tests.integration.payments_setup import (
    browser,
    deliver,
    save_method,
    settle,
    sign,
    stripe_events,
)

pytestmark = pytest.mark.integration
SEPA = {"type": "sepa_debit", "sepa_debit": {"iban": "FR1420041010050500013M02606"}}


@pytest.fixture(scope="module")
def catalog(as_operator):
    return make_catalog(as_operator)


def open_invoices(as_operator, owner, account_id: str, catalog, count: int, seats: int = 1) -> list[dict]:
    """Invoices sent for payment (no automatic charge), finalized now, oldest first."""
    invoices = []
    for _ in range(count):
        subscription = ok(
            owner.post(
                "/v1/subscriptions",
                json={
                    "account": account_id,
                    "items": [{"price": catalog.seat["id"], "quantity": seats}],
                    "collection_method": "send_invoice",
                    "days_until_due": 30,
                },
            ),
            201,
        )
        invoices.append(ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize")))
        time.sleep(1.1)  # distinct finalization seconds: "oldest first" is well defined
    return invoices


def test_setup_intent_offers_methods_by_country_and_saves_the_confirmed_card(backend, as_operator, client_for):
    account, owner = new_customer(as_operator, client_for)
    intent = ok(owner.post(f"/v1/accounts/{account['id']}/setup_intents"), 201)
    assert intent["client_secret"].startswith(intent["id"])
    assert intent["payment_method_types"] == ["card", "sepa_debit", "paypal"]
    card = save_method(backend, owner, account["id"])
    assert (card["type"], card["last4"], card["default"]) == ("card", "4242", True)
    sepa = save_method(backend, owner, account["id"], SEPA)
    assert (sepa["type"], sepa["last4"], sepa["default"]) == ("sepa_debit", "2606", False)
    listed = ok(owner.post(f"/v1/accounts/{account['id']}/payment_methods/{sepa['id']}/default"))
    assert listed["default_payment_method"] == sepa["id"]
    left = ok(owner.delete(f"/v1/accounts/{account['id']}/payment_methods/{sepa['id']}"))
    assert (left["default_payment_method"], [m["id"] for m in left["data"]]) == (card["id"], [card["id"]])


def test_refund_and_dispute_at_stripe_are_booked_once(backend, as_operator, client_for, anonymous, catalog):
    account, owner = new_customer(as_operator, client_for)
    save_method(backend, owner, account["id"])
    payment = ok(owner.post(f"/v1/accounts/{account['id']}/top_ups", json={"amount": 5000, "currency": "EUR"}), 201)
    browser(backend).v1.refunds.create({"payment_intent": payment["provider_id"], "amount": 1500})
    settle(backend, lambda: ok(owner.get(f"/v1/payments/{payment['id']}"))["amount_refunded"] == 1500)
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["balance"] == -3500
    dispute = {
        "id": "evt_dispute_test_1",
        "object": "event",
        "type": "charge.dispute.created",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": "dp_test_1",
                "object": "dispute",
                "amount": 3500,
                "currency": "eur",
                "charge": "ch_unknown",
                "payment_intent": payment["provider_id"],
                "status": "needs_response",
            }
        },
    }
    for n in range(3):
        assert deliver(anonymous, backend, dispute | {"id": f"evt_dispute_test_{n}"}).status_code == 200
    settle(backend, lambda: ok(owner.get(f"/v1/payments/{payment['id']}"))["disputed"])
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["balance"] == 0


def test_every_webhook_three_times_in_any_order_leaves_the_same_state(
    backend, as_operator, client_for, anonymous, catalog
):
    account, owner = new_customer(as_operator, client_for)
    open_invoices(as_operator, owner, account["id"], catalog, 2)
    save_method(backend, owner, account["id"], SEPA)
    card = save_method(backend, owner, account["id"])
    by_default = ok(owner.post("/v1/payments", json={"account": account["id"], "amount": 2000, "currency": "EUR"}), 201)
    sepa = ok(
        owner.post(
            "/v1/payments",
            json={
                "account": account["id"],
                "amount": 3000,
                "currency": "EUR",
                "payment_method": _sepa_id(owner, account),
            },
        ),
        201,
    )
    # Both are SEPA debits (the first method saved is the default): each succeeds on its own webhook, in
    # either order; the state compared is the one after both were booked.
    settle(
        backend,
        lambda: all(ok(owner.get(f"/v1/payments/{p['id']}"))["status"] == "succeeded" for p in (by_default, sepa)),
    )
    assert not card["default"]  # the first method saved stays the default
    time.sleep(1.5)  # the last webhooks are in flight
    settle(backend, lambda: True)
    before = state_of(owner, account["id"])
    mine = [
        e for e in stripe_events(backend) if e["data"]["object"].get("metadata", {}).get("account") == account["id"]
    ]
    assert {"payment_intent.succeeded", "payment_intent.processing", "setup_intent.succeeded"} <= {
        e["type"] for e in mine
    }
    # The same deliveries (same ids: remembered at intake), then copies under new ids (the handlers
    # themselves must hold), all shuffled.
    deliveries = mine * 3 + [e | {"id": f"{e['id']}_copy{n}"} for e in mine for n in range(3)]
    random.Random(7).shuffle(deliveries)
    for event in deliveries:
        assert deliver(anonymous, backend, event).status_code == 200
    settle(backend, lambda: True)
    assert state_of(owner, account["id"]) == before
    assert len(before["receipts"]) == 2


def _sepa_id(owner, account) -> str:
    methods = ok(owner.get(f"/v1/accounts/{account['id']}/payment_methods"))["data"]
    return next(m["id"] for m in methods if m["type"] == "sepa_debit")


@pytest.mark.parametrize(
    "case",
    ["tampered body", "wrong secret", "stale timestamp", "missing header", "base64 body", "not json"],
)
def test_bad_webhook_signatures_answer_400_and_change_nothing(backend, anonymous, case):
    event = {
        "id": f"evt_refused_{case.replace(' ', '_')}",
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(time.time()),
        "data": {"object": {"id": "pi_x", "object": "payment_intent", "amount": 100, "currency": "eur"}},
    }
    payload = json.dumps(event).encode()
    secret = backend.resources["stripe-webhook-secret"]
    headers = {"Stripe-Signature": sign(payload, secret)}
    if case == "tampered body":
        payload = payload.replace(b'"amount": 100', b'"amount": 999')
    elif case == "wrong secret":
        headers = {"Stripe-Signature": sign(payload, "whsec_not_ours")}
    elif case == "stale timestamp":
        headers = {"Stripe-Signature": sign(payload, secret, int(time.time()) - 400)}
    elif case == "missing header":
        headers = {}
    elif case == "base64 body":
        payload = base64.b64encode(payload)
    elif case == "not json":
        payload = b"not json"
        headers = {"Stripe-Signature": sign(payload, secret)}
    refused = anonymous.post("/webhooks/stripe", data=payload, headers=headers)
    assert refused.status_code == 400, refused.text
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] in {"invalid_signature", "missing_signature", "invalid_payload"}
    # Nothing was remembered: the genuine delivery is still new.
    genuine = deliver(anonymous, backend, event)
    assert (genuine.status_code, genuine.json()["duplicate"]) == (200, False)
    settle(backend, lambda: True)


def test_a_charge_that_succeeds_while_our_write_fails_is_recovered_without_charging_twice(
    backend, as_operator, client_for, catalog
):
    from billing.adapters.dynamodb_accounts import DynamoAccountRepository
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.stripe_payments import StripeGateway
    from billing.clock import SystemClock
    from billing.payments.charge_invoice import charge_invoice
    from billing.payments.record_payment import PaymentServices

    class FailingOnce(DynamoBillingStore):
        failed = False

        def commit(self, batch):
            if batch.payments and not self.failed:
                self.failed = True
                raise ConnectionError("DynamoDB unreachable")
            return super().commit(batch)

    account, owner = new_customer(as_operator, client_for)
    save_method(backend, owner, account["id"])
    subscription = ok(
        owner.post("/v1/subscriptions", json={"account": account["id"], "items": [{"price": catalog.seat["id"]}]}),
        201,
    )
    invoice = ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize"))
    assert (invoice["collection_method"], invoice["status"]) == ("charge_automatically", "open")
    keys = ("sk_test_local", backend.resources["stripe-webhook-secret"])
    gateway = StripeGateway(lambda: keys, backend.stripe_endpoint_url)
    failing = PaymentServices(FailingOnce(), DynamoAccountRepository(), SystemClock(), gateway)
    with pytest.raises(ConnectionError):
        charge_invoice(failing, invoice["id"], 1)
    payment = charge_invoice(failing, invoice["id"], 1)  # the retry: same attempt, same idempotency key
    assert payment is not None
    assert payment.status.value == "succeeded"
    settle(backend, lambda: ok(owner.get(f"/v1/invoices/{invoice['id']}"))["status"] == "paid")
    charges = browser(backend).v1.charges.list({"customer": _customer_of(backend, payment)})
    assert [charge.amount for charge in charges.data] == [invoice["total"]]
    assert gateway.calls == 2  # one charge, replayed once: Stripe saw the same key twice


def _customer_of(backend, payment) -> str:
    return browser(backend).v1.payment_intents.retrieve(payment.provider_id).customer


def test_a_base64_body_flagged_by_api_gateway_is_decoded_before_verifying(backend):
    event = {
        "id": "evt_flagged_base64",
        "object": "event",
        "type": "customer.updated",  # no handler: acknowledged and logged
        "created": int(time.time()),
        "data": {"object": {"id": "cus_x", "object": "customer"}},
    }
    payload = json.dumps(event).encode()
    signature = sign(payload, backend.resources["stripe-webhook-secret"])
    proxy = {
        "httpMethod": "POST",
        "path": "/webhooks/stripe",
        "resource": "/webhooks/stripe",
        "headers": {"Stripe-Signature": signature},
        "body": base64.b64encode(payload).decode(),
        "isBase64Encoded": True,
        "requestContext": {"requestId": "test-base64"},
    }
    answer = backend.triggers.gateway.functions["stripe_webhook"].invoke(proxy)
    assert (answer["statusCode"], json.loads(answer["body"])) == (200, {"received": True, "duplicate": False})
    broken = proxy | {"body": "%%% not base64 %%%", "requestContext": {"requestId": "test-base64-2"}}
    refused = backend.triggers.gateway.functions["stripe_webhook"].invoke(broken)
    assert refused["statusCode"] == 400
    settle(backend, lambda: True)


def test_a_card_asking_for_3d_secure_waits_for_the_customer_then_is_booked_by_the_webhook(
    backend, as_operator, client_for, catalog
):
    account, owner = new_customer(as_operator, client_for)
    (invoice,) = open_invoices(as_operator, owner, account["id"], catalog, 1)
    card = {"number": "4000002500003155", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    method = browser(backend).v1.payment_methods.create({"type": "card", "card": card})  # Stripe.js
    payment = ok(
        owner.post(
            "/v1/payments",
            json={"account": account["id"], "amount": 3600, "currency": "EUR", "payment_method": method.id},
        ),
        201,
    )
    assert (payment["status"], payment["receipt"]) == ("requires_action", None)
    assert payment["client_secret"].startswith(payment["provider_id"])
    assert ok(owner.get(f"/v1/payments/{payment['id']}"))["client_secret"] is None  # never stored
    assert ok(owner.get(f"/v1/invoices/{invoice['id']}"))["status"] == "open"
    # The customer passes 3-D Secure in the browser (localstripe's stand-in for the bank's page).
    authenticated = requests.post(
        f"{backend.stripe_endpoint_url}/v1/payment_intents/{payment['provider_id']}/_authenticate",
        data={"client_secret": payment["client_secret"], "success": "true"},
        headers={"Authorization": "Bearer sk_test_local"},
        timeout=10,
    )
    assert authenticated.status_code == 200, authenticated.text
    settle(backend, lambda: ok(owner.get(f"/v1/invoices/{invoice['id']}"))["status"] == "paid")
    booked = ok(owner.get(f"/v1/payments/{payment['id']}"))
    assert booked["status"] == "succeeded"
    assert booked["receipt"] is not None
