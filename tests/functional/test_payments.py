"""Payments through the API and Stripe's webhooks, on the fake Stripe: methods, one-time and partial
payments, SEPA, top-ups, manual transfers, refunds and disputes, 3-D Secure, replays in any order.
(Stripe itself, through localstripe: tests/integration/test_payments.py and tests/contracts.)"""

from __future__ import annotations

import io
import random
from datetime import timedelta

import pytest
from pypdf import PdfReader

from tests.api_setup import make_catalog, new_customer, ok
from tests.functional.payments_setup import deliver, save_method, state_of

SEPA = {"type": "sepa_debit", "sepa_debit": {"iban": "FR1420041010050500013M02606"}}


@pytest.fixture
def catalog(as_operator):
    return make_catalog(as_operator)


def open_invoices(world, as_operator, owner, account_id: str, catalog, count: int) -> list[dict]:
    """Invoices sent for payment (no automatic charge), finalized a second apart, oldest first."""
    invoices = []
    for _ in range(count):
        body = {"account": account_id, "items": [{"price": catalog.seat["id"]}], "collection_method": "send_invoice"}
        subscription = ok(owner.post("/v1/subscriptions", json=body | {"days_until_due": 30}), 201)
        invoices.append(ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize")))
        world.clock.advance_to(world.clock.now().replace(microsecond=0) + _SECOND)
    return invoices


_SECOND = timedelta(seconds=1)


def receipt_pdf_text(world, client, receipt_id: str) -> str:
    redirect = client.get(f"/v1/receipts/{receipt_id}/pdf")
    assert redirect.status_code == 302, redirect.text
    pdf = world.documents.fetch(redirect.headers["Location"])
    assert pdf.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def events_for(world, key: str, value: str) -> list[dict]:
    return [e for e in world.gateway.events if e["data"]["object"].get("metadata", {}).get(key) == value]


def test_setup_intent_offers_methods_by_country_and_saves_the_confirmed_card(world, as_operator, client_for):
    # Given a French customer
    account, owner = new_customer(as_operator, client_for)
    # When it starts saving a payment method
    intent = ok(owner.post(f"/v1/accounts/{account['id']}/setup_intents"), 201)
    # Then it is offered card, SEPA debit and PayPal
    assert intent["client_secret"].startswith(intent["id"])
    assert intent["payment_method_types"] == ["card", "sepa_debit", "paypal"]
    # When it saves a card, then a SEPA mandate
    card = save_method(world, owner, account["id"])
    # Then the first saved is the default
    assert (card["type"], card["last4"], card["default"]) == ("card", "4242", True)
    sepa = save_method(world, owner, account["id"], SEPA)
    assert (sepa["type"], sepa["last4"], sepa["default"]) == ("sepa_debit", "2606", False)
    # When it makes the mandate the default, then removes it
    listed = ok(owner.post(f"/v1/accounts/{account['id']}/payment_methods/{sepa['id']}/default"))
    assert listed["default_payment_method"] == sepa["id"]
    # Then the card is the default again, and the mandate is detached at Stripe too
    left = ok(owner.delete(f"/v1/accounts/{account['id']}/payment_methods/{sepa['id']}"))
    assert (left["default_payment_method"], [m["id"] for m in left["data"]]) == (card["id"], [card["id"]])
    assert world.gateway.methods[sepa["id"]]["customer"] is None  # detached at Stripe too
    # The customer is told by email that a method was added (the documents function).
    assert any("4242" in mail.text for mail in world.mailer.sent)


def test_partial_card_payment_pays_the_oldest_invoice_and_leaves_the_rest_open(
    world, as_operator, client_for, anonymous, catalog
):
    # Given two open invoices of 36 € and a saved card
    account, owner = new_customer(as_operator, client_for, receipt_settings={"extra_text": "PO 2026-77"})
    first, second = open_invoices(world, as_operator, owner, account["id"], catalog, 2)
    save_method(world, owner, account["id"])
    # When the customer pays 50 €
    pay = {"account": account["id"], "amount": 5000, "currency": "EUR"}
    payment = ok(owner.post("/v1/payments", json=pay, headers={"Idempotency-Key": "pay-5000"}), 201)
    # Then the oldest invoice is paid, the other one partly, and the receipt says so
    assert payment["status"] == "succeeded"
    assert payment["allocations"] == [
        {"invoice": first["id"], "amount": 3600},
        {"invoice": second["id"], "amount": 1400},
    ]
    assert ok(owner.get(f"/v1/invoices/{first['id']}"))["status"] == "paid"
    remaining = ok(owner.get(f"/v1/invoices/{second['id']}"))
    assert (remaining["status"], remaining["amount_remaining"]) == ("open", 2200)
    receipt = ok(owner.get(f"/v1/receipts/{payment['receipt']}"))
    assert (receipt["amount"], receipt["balance_after"], receipt["extra_text"]) == (5000, 2200, "PO 2026-77")
    assert [line["invoice_number"] for line in receipt["invoices_paid"]] == [first["number"], second["number"]]
    assert receipt["pdf_ready"]
    text = receipt_pdf_text(world, owner, payment["receipt"])
    for printed in (receipt["number"], first["number"], "PO 2026-77"):
        assert printed in text

    # The same request again (a client retry) answers the same payment: charged once.
    again = ok(owner.post("/v1/payments", json=pay, headers={"Idempotency-Key": "pay-5000"}), 201)
    assert again["id"] == payment["id"]
    assert len(world.gateway.intents) == 1
    # Stripe's own webhook for it changes nothing, however often it comes.
    before = state_of(owner, account["id"])
    mine = events_for(world, "payment", payment["id"])
    assert [e["type"] for e in mine] == ["payment_intent.succeeded"]
    for event in mine * 3:
        assert deliver(anonymous, event).status_code == 200
    assert state_of(owner, account["id"]) == before
    assert len(before["receipts"]) == 1


def test_sepa_debit_stays_processing_until_its_webhook(world, as_operator, client_for, catalog):
    # Given an open invoice and a saved SEPA mandate
    account, owner = new_customer(as_operator, client_for)
    (invoice,) = open_invoices(world, as_operator, owner, account["id"], catalog, 1)
    save_method(world, owner, account["id"], SEPA)
    # When the customer pays it
    payment = ok(owner.post("/v1/payments", json={"account": account["id"], "amount": 3600, "currency": "EUR"}), 201)
    # Then the debit is processing, with no receipt, and the invoice stays open
    assert (payment["status"], payment["receipt"], payment["method_type"]) == ("processing", None, "sepa_debit")
    assert ok(owner.get(f"/v1/invoices/{invoice['id']}"))["status"] == "open"
    # When the debit clears days later
    world.gateway.settle_debit(payment["provider_id"])
    world.settle()
    # Then the payment succeeded, the invoice is paid, one receipt was issued
    assert ok(owner.get(f"/v1/payments/{payment['id']}"))["status"] == "succeeded"
    assert ok(owner.get(f"/v1/invoices/{invoice['id']}"))["status"] == "paid"
    assert len(ok(owner.get("/v1/receipts", params={"account": account["id"]}))["data"]) == 1


def test_a_bounced_debit_is_a_failed_payment_and_the_invoice_stays_open(world, as_operator, client_for, catalog):
    # Given an open invoice and a saved SEPA mandate
    account, owner = new_customer(as_operator, client_for)
    (invoice,) = open_invoices(world, as_operator, owner, account["id"], catalog, 1)
    save_method(world, owner, account["id"], SEPA)
    # When the customer pays it and the debit bounces
    payment = ok(owner.post("/v1/payments", json={"account": account["id"], "amount": 3600, "currency": "EUR"}), 201)
    world.gateway.settle_debit(payment["provider_id"], succeeded=False)
    world.settle()
    # Then the payment failed for lack of funds and the invoice is still open
    failed = ok(owner.get(f"/v1/payments/{payment['id']}"))
    assert (failed["status"], failed["failure"]["code"]) == ("failed", "insufficient_funds")
    assert ok(owner.get(f"/v1/invoices/{invoice['id']}"))["status"] == "open"


def test_declined_card_answers_402_and_keeps_the_failure_in_the_history(world, as_operator, client_for, catalog):
    # Given an open invoice and a card that will be declined
    account, owner = new_customer(as_operator, client_for)
    open_invoices(world, as_operator, owner, account["id"], catalog, 1)
    save_method(world, owner, account["id"], "pm_card_chargeCustomerFail")
    # When the customer pays
    declined = owner.post("/v1/payments", json={"account": account["id"], "amount": 3600, "currency": "EUR"})
    # Then the answer is 402 with the decline, the failure is in the history, nothing is paid
    assert (declined.status_code, declined.json()["code"]) == (402, "card_declined")
    payments = ok(owner.get("/v1/payments", params={"account": account["id"]}))["data"]
    assert [(p["status"], p["failure"]["code"]) for p in payments] == [("failed", "card_declined")]
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["amount_owed"] == 3600


def test_a_card_declined_when_saved_is_refused_and_nothing_is_saved(world, as_operator, client_for):
    # Given a customer with no saved method
    account, owner = new_customer(as_operator, client_for)
    # When it tops up with a card that is declined
    body = {
        "amount": 1000,
        "currency": "EUR",
        "payment_method": "pm_card_visa_chargeDeclined",
        "save_payment_method": True,
    }
    refused = owner.post(f"/v1/accounts/{account['id']}/top_ups", json=body)
    # Then the answer is 402 and the card is not saved
    assert (refused.status_code, refused.json()["code"]) == (402, "card_declined")
    assert ok(owner.get(f"/v1/accounts/{account['id']}/payment_methods"))["data"] == []


def test_top_up_credits_the_balance_and_pays_the_next_invoice(world, as_operator, client_for, catalog):
    # Given a customer with no invoice yet
    account, owner = new_customer(as_operator, client_for)
    # When it tops up 100 € with a new card it asks to keep
    # A method just created by Stripe.js (here: Stripe's test card), handed over with the payment.
    body = {"amount": 10000, "currency": "EUR", "payment_method": "pm_card_visa", "save_payment_method": True}
    top_up = ok(owner.post(f"/v1/accounts/{account['id']}/top_ups", json=body), 201)
    # Then the balance holds 100 € of credit
    assert (top_up["purpose"], top_up["credit_added"], top_up["method_label"]) == ("top_up", 10000, "visa •••• 4242")
    saved = ok(owner.get(f"/v1/accounts/{account['id']}/payment_methods"))
    assert saved["default_payment_method"] == top_up["payment_method"]
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["credit_available"] == 10000
    # When an invoice of 36 € is finalized
    (invoice,) = open_invoices(world, as_operator, owner, account["id"], catalog, 1)
    # Then the credit pays it at once and 64 € are left
    assert (invoice["status"], invoice["credit_applied"], invoice["amount_due"]) == ("paid", 3600, 0)
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["credit_available"] == 6400


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"amount": 100_000_001, "currency": "EUR"}, 400, "invalid_amount"),
        ({"amount": 100, "currency": "USD"}, 400, "currency_mismatch"),
        ({"amount": 100, "currency": "EUR"}, 409, "no_payment_method"),
        ({"amount": 100, "currency": "EUR", "payment_method": "pm_nobody_knows"}, 400, "invalid_payment_method"),
    ],
)
def test_payments_refused_before_any_charge(world, as_operator, client_for, catalog, body, status, code):
    # Given an open invoice
    account, owner = new_customer(as_operator, client_for)
    open_invoices(world, as_operator, owner, account["id"], catalog, 1)
    # When a payment is asked with a wrong amount, currency or method
    refused = owner.post("/v1/payments", json={"account": account["id"]} | body)
    # Then it is refused with its reason, and Stripe was never called
    assert (refused.status_code, refused.json()["code"]) == (status, code)
    assert world.gateway.intents == {}


def test_operator_records_a_bank_transfer_once(world, as_operator, client_for, catalog):
    # Given two open invoices and a bank transfer of 40 €
    account, owner = new_customer(as_operator, client_for)
    open_invoices(world, as_operator, owner, account["id"], catalog, 2)
    transfer = {
        "account": account["id"],
        "amount": 4000,
        "currency": "EUR",
        "manual": {"method": "bank_transfer", "reference": "VIR-2026-0042", "received_at": "2026-01-05T10:00:00Z"},
    }
    # When the customer records it, then an operator
    assert owner.post("/v1/payments", json=transfer).status_code == 403
    # Then only the operator may, and it settles the oldest invoice first
    payment = ok(as_operator.post("/v1/payments", json=transfer), 201)
    assert (payment["method_type"], payment["reference"], payment["status"]) == (
        "bank_transfer",
        "VIR-2026-0042",
        "succeeded",
    )
    assert [a["amount"] for a in payment["allocations"]] == [3600, 400]
    # When the same transfer is recorded again
    twice = as_operator.post("/v1/payments", json=transfer)
    # Then it is refused and nothing is booked twice; the receipt names the transfer
    assert (twice.status_code, twice.json()["code"]) == (409, "payment_already_recorded")
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["amount_owed"] == 3200
    assert ok(owner.get(f"/v1/receipts/{payment['receipt']}"))["payment_method"] == "bank transfer"


def test_refund_and_dispute_at_stripe_are_booked_once(world, as_operator, client_for, anonymous, catalog):
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"])
    payment = ok(owner.post(f"/v1/accounts/{account['id']}/top_ups", json={"amount": 5000, "currency": "EUR"}), 201)
    # Given a refund made in Stripe's dashboard
    world.gateway.refund(payment["provider_id"], 1500, "dashboard-refund")
    world.settle()
    assert ok(owner.get(f"/v1/payments/{payment['id']}"))["amount_refunded"] == 1500
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["balance"] == -3500
    # When the cardholder disputes the rest, and Stripe sends it three times under three ids
    dispute = world.gateway.dispute(payment["provider_id"], 3500)
    world.settle()
    for n in range(3):
        assert deliver(anonymous, dispute | {"id": f"evt_dispute_test_{n}"}).status_code == 200
    # Then it is booked once
    assert ok(owner.get(f"/v1/payments/{payment['id']}"))["disputed"]
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["balance"] == 0


def test_every_webhook_three_times_in_any_order_leaves_the_same_state(
    world, as_operator, client_for, anonymous, catalog
):
    # Given two open invoices, a SEPA mandate then a card, and two debits that cleared
    account, owner = new_customer(as_operator, client_for)
    open_invoices(world, as_operator, owner, account["id"], catalog, 2)
    save_method(world, owner, account["id"], SEPA)
    card = save_method(world, owner, account["id"])
    # The default method is the first one saved: the SEPA mandate
    first = ok(owner.post("/v1/payments", json={"account": account["id"], "amount": 2000, "currency": "EUR"}), 201)
    sepa_id = next(m["id"] for m in ok(owner.get(f"/v1/accounts/{account['id']}/payment_methods"))["data"]
                   if m["type"] == "sepa_debit")  # fmt: skip
    body = {"account": account["id"], "amount": 3000, "currency": "EUR", "payment_method": sepa_id}
    sepa = ok(owner.post("/v1/payments", json=body), 201)
    for debit in (first, sepa):
        world.gateway.settle_debit(debit["provider_id"])
    world.settle()
    assert ok(owner.get(f"/v1/payments/{sepa['id']}"))["status"] == "succeeded"
    assert not card["default"]  # the first method saved stays the default
    # Given the account's state and every Stripe event about it
    before = state_of(owner, account["id"])
    mine = events_for(world, "account", account["id"])
    assert {"payment_intent.succeeded", "payment_intent.processing", "setup_intent.succeeded"} <= {
        e["type"] for e in mine
    }
    # When every event is delivered again three times, and under three new ids, shuffled
    # The same deliveries (same ids: remembered at intake), then copies under new ids (the handlers
    # themselves must hold), all shuffled.
    deliveries = mine * 3 + [e | {"id": f"{e['id']}_copy{n}"} for e in mine for n in range(3)]
    random.Random(7).shuffle(deliveries)
    for event in deliveries:
        assert deliver(anonymous, event).status_code == 200
    # Then the state is the same: two receipts, nothing booked twice
    assert state_of(owner, account["id"]) == before
    assert len(before["receipts"]) == 2


def test_credit_note_with_refund_gives_the_money_back_on_the_card(world, as_operator, client_for, catalog):
    # Given an open invoice and a saved card
    account, owner = new_customer(as_operator, client_for)
    (invoice,) = open_invoices(world, as_operator, owner, account["id"], catalog, 1)
    save_method(world, owner, account["id"])
    # When a refund credit note is asked before it is paid
    unpaid = as_operator.post(
        "/v1/credit_notes", json={"invoice": invoice["id"], "amount": 600, "reason": "Geste", "refund": True}
    )
    # Then it is refused: nothing to refund yet
    assert (unpaid.status_code, unpaid.json()["code"]) == (409, "invoice_not_paid")
    # When the invoice is paid by card, and the customer, then an operator, asks too much
    payment = ok(owner.post("/v1/payments", json={"account": account["id"], "amount": 3600, "currency": "EUR"}), 201)
    by_owner = owner.post(
        "/v1/credit_notes", json={"invoice": invoice["id"], "amount": 600, "reason": "x", "refund": True}
    )
    assert by_owner.status_code == 403
    too_much = as_operator.post(
        "/v1/credit_notes", json={"invoice": invoice["id"], "amount": 3601, "reason": "x", "refund": True}
    )
    assert too_much.status_code in (409, 422)
    # When an operator issues a 6 € credit note with a refund
    note = ok(
        as_operator.post(
            "/v1/credit_notes",
            json={"invoice": invoice["id"], "amount": 600, "reason": "Panne du 3 mars", "refund": True},
        ),
        201,
    )
    # Then the card gets 6 € back, no credit is kept, Stripe's own refund webhook changes nothing, and its PDF is out
    assert (note["amount"], note["amount_refunded"]) == (600, 600)
    refunded = ok(owner.get(f"/v1/payments/{payment['id']}"))
    assert refunded["amount_refunded"] == 600
    balance = ok(owner.get(f"/v1/accounts/{account['id']}/balance"))
    assert (balance["balance"], balance["credit_available"]) == (0, 0)  # credit given back, not kept
    # Stripe's charge.refunded webhook for the same refund (delivered by now) changed nothing.
    assert any(e["type"] == "charge.refunded" for e in world.gateway.events)
    assert ok(owner.get(f"/v1/payments/{payment['id']}"))["amount_refunded"] == 600
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["balance"] == 0
    # The credit note's PDF is published
    assert as_operator.get(f"/v1/credit_notes/{note['id']}/pdf").status_code == 302


def test_a_card_asking_for_3d_secure_waits_for_the_customer_then_is_booked_by_the_webhook(
    world, as_operator, client_for, catalog
):
    # Given an open invoice and a card that asks for 3-D Secure
    account, owner = new_customer(as_operator, client_for)
    (invoice,) = open_invoices(world, as_operator, owner, account["id"], catalog, 1)
    card = {"number": "4000002500003155", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    method_id = world.gateway.create_method({"type": "card", "card": card})  # Stripe.js
    # When the customer pays with it
    body = {"account": account["id"], "amount": 3600, "currency": "EUR", "payment_method": method_id}
    payment = ok(owner.post("/v1/payments", json=body), 201)
    # Then the payment waits for the customer, its client secret is given once and never stored
    assert (payment["status"], payment["receipt"]) == ("requires_action", None)
    assert payment["client_secret"].startswith(payment["provider_id"])
    assert ok(owner.get(f"/v1/payments/{payment['id']}"))["client_secret"] is None  # never stored
    assert ok(owner.get(f"/v1/invoices/{invoice['id']}"))["status"] == "open"
    # When the customer passes 3-D Secure in the browser
    # The customer passes 3-D Secure in the browser.
    world.gateway.authenticate(payment["provider_id"])
    world.settle()
    # Then the webhook books it: paid, with a receipt
    assert ok(owner.get(f"/v1/invoices/{invoice['id']}"))["status"] == "paid"
    booked = ok(owner.get(f"/v1/payments/{payment['id']}"))
    assert booked["status"] == "succeeded"
    assert booked["receipt"] is not None
