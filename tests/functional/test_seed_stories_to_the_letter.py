"""Seed stories to the letter: each defect found by walking the five sellers' features as a customer,
one test per numbered point of the issue, through the API of the whole backend (the in-memory world)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from pypdf import PdfReader

from tests.api_setup import make_catalog, new_customer, ok
from tests.functional.payments_setup import deliver, save_method


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


def invoice_pdf_text(world, client, invoice_id: str) -> str:
    redirect = client.get(f"/v1/invoices/{invoice_id}/pdf")
    assert redirect.status_code == 302, redirect.text
    pdf = world.documents.fetch(redirect.headers["Location"])
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def reduced_rate_price(as_operator, catalog, rate: str = "10") -> dict:
    body = {
        "product": catalog.product["id"],
        "currency": "EUR",
        "unit_amount": 5000,
        "recurring": {"interval": "month"},
        "nickname": "Formation",
        "tax_rate": rate,
    }
    return ok(as_operator.post("/v1/prices", json=body), 201)


def test_point_02_a_recurring_price_is_taxed_at_its_own_rate_for_french_buyers_only(
    world, as_operator, client_for, catalog
):
    # Given a recurring price at the reduced rate of 10 %, beside a seat at the standard 20 %
    training = reduced_rate_price(as_operator, catalog)
    assert training["tax_rate"] == "10"
    assert ok(as_operator.get(f"/v1/prices/{training['id']}"))["tax_rate"] == "10"
    items = [{"price": catalog.seat["id"]}, {"price": training["id"]}]
    # When a French company subscribes to both
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(owner.post("/v1/subscriptions", json={"account": account["id"], "items": items}), 201)
    invoice = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    # Then 30 € are taxed at 20 % and 50 € at 10 %: 36 + 55 = 91 €
    assert [(t["rate"], t["taxable_amount"], t["amount"]) for t in invoice["taxes"]] == [
        ("10", 5000, 500),
        ("20", 3000, 600),
    ]
    assert invoice["total"] == 9100
    assert sorted(line["tax_rate"] for line in invoice["sections"]["recurring"]) == ["10", "20"]
    # When a German company with a VAT number subscribes to the reduced-rate price
    german = {"vat_number": "DE136695976", "siren": None, "locale": "en"}
    german["address"] = {"line1": "Unter den Linden 1", "postal_code": "10117", "city": "Berlin", "country": "DE"}
    account, owner = new_customer(as_operator, client_for, **german)
    subscription = ok(owner.post("/v1/subscriptions", json={"account": account["id"], "items": items[1:]}), 201)
    invoice = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    # Then reverse charge still wins: no VAT at all
    assert [(t["rate"], t["category"], t["amount"]) for t in invoice["taxes"]] == [("0", "AE", 0)]
    assert invoice["total"] == 5000


def test_point_03_the_pdf_prints_each_line_at_its_own_vat_rate(world, as_operator, client_for, catalog):
    # Given an invoice with a line at 10 % and a line at 20 %
    training = reduced_rate_price(as_operator, catalog)
    account, owner = new_customer(as_operator, client_for)
    items = [{"price": catalog.seat["id"]}, {"price": training["id"]}]
    subscription = ok(owner.post("/v1/subscriptions", json={"account": account["id"], "items": items}), 201)
    # When it is finalized and printed
    invoice = finalized(world, owner, subscription)
    text = invoice_pdf_text(world, owner, invoice["id"])
    # Then the seat's row says 20 % and the training's row says 10 % (a row's cells: name, period,
    # quantity, unit price, VAT, amount)
    cells = [cell.strip().replace("\u202f", " ").replace("\xa0", " ") for cell in text.splitlines()]

    def rate_of(row: str) -> str:  # the row's first cell ending in %: the period may wrap on two lines
        return next(cell for cell in cells[cells.index(row) :] if cell.endswith("%"))

    assert rate_of("1 × Seat") == "20 %"
    assert rate_of("1 × Formation") == "10 %"


def test_point_04_the_referrer_is_credited_once_when_the_referees_first_invoice_is_paid(
    world, as_operator, client_for, anonymous, catalog
):
    # Given a referrer and its referral code: 10 % off for the referee, 20 € of credit for the referrer
    referrer, referrer_owner = new_customer(as_operator, client_for, legal_name="Parrain SARL")
    coupon = ok(as_operator.post("/v1/coupons", json={"duration": "once", "percent_off": "10"}), 201)
    referral = {"code": "PARRAIN-2026", "coupon": coupon["id"], "referrer_account": referrer["id"]}
    unpriced = as_operator.post("/v1/promotion_codes", json=referral)
    assert (unpriced.status_code, unpriced.json()["code"]) == (400, "referrer_credit_required")
    nobody = referral | {"referrer_account": "acct_doesnotexist1", "referrer_credit": 2000, "referrer_currency": "EUR"}
    unknown = as_operator.post("/v1/promotion_codes", json=nobody)
    assert (unknown.status_code, unknown.json()["code"]) == (422, "referrer_not_found")
    code = ok(as_operator.post("/v1/promotion_codes", json=referral | nobody | {"referrer_account": referrer["id"]}))
    assert (code["referrer_credit"], code["referrer_currency"]) == (2000, "EUR")
    # When a referee subscribes with the code and pays its first invoice by card
    referee, owner = new_customer(as_operator, client_for, legal_name="Filleul SAS")
    save_method(world, owner, referee["id"])
    subscription = subscribe(owner, referee["id"], catalog.seat["id"], promotion_code="parrain-2026")
    invoice = finalized(world, owner, subscription)
    assert (invoice["status"], invoice["total"]) == ("paid", 3240)  # 36 € less 10 %
    # Then the referrer has 20 € of credit
    assert ok(referrer_owner.get(f"/v1/accounts/{referrer['id']}/balance"))["credit_available"] == 2000
    # When Stripe's webhooks come again, and the referee's next invoice is paid too
    for event in [e for e in world.gateway.events if e["type"] == "payment_intent.succeeded"] * 2:
        assert deliver(anonymous, event).status_code == 200
    world.advance_to(datetime.fromisoformat(subscription["current_period_end"]) + timedelta(hours=2))
    invoices = ok(owner.get("/v1/invoices", params={"account": referee["id"]}))["data"]
    assert [i["status"] for i in invoices] == ["paid", "paid"]
    # Then the referrer was credited once
    assert ok(referrer_owner.get(f"/v1/accounts/{referrer['id']}/balance"))["credit_available"] == 2000
    credited = [e for e in world.event_log() if e["detail-type"] == "referral.credited"]
    assert [e["detail"]["referee"] for e in credited] == [referee["id"]]


def usd_price(as_operator, catalog) -> dict:
    body = {
        "product": catalog.product["id"],
        "currency": "USD",
        "unit_amount": 4000,
        "recurring": {"interval": "month"},
    }
    return ok(as_operator.post("/v1/prices", json=body), 201)


def test_point_05_one_currency_per_account_and_per_coupon(world, as_operator, client_for, catalog):
    # Given an account billed in EUR (a draft, not yet finalized)
    account, owner = new_customer(as_operator, client_for)
    subscribe(owner, account["id"], catalog.seat["id"])
    # When it subscribes to a USD price
    refused = owner.post(
        "/v1/subscriptions",
        json={"account": account["id"], "items": [{"price": usd_price(as_operator, catalog)["id"]}]},
    )
    # Then it is refused, clearly, and nothing was created
    assert (refused.status_code, refused.json()["code"]) == (422, "account_currency_mismatch")
    assert len(ok(owner.get("/v1/subscriptions", params={"account": account["id"]}))["data"]) == 1
    # Given a coupon of 5 USD off
    coupon = ok(as_operator.post("/v1/coupons", json={"duration": "once", "amount_off": 500, "currency": "USD"}), 201)
    # When a new customer subscribes in EUR with it
    other, other_owner = new_customer(as_operator, client_for, legal_name="Autre SAS")
    body = {"account": other["id"], "items": [{"price": catalog.seat["id"]}], "coupon": coupon["id"]}
    refused = other_owner.post("/v1/subscriptions", json=body)
    # Then it is refused too, and the coupon was not redeemed
    assert (refused.status_code, refused.json()["code"]) == (422, "coupon_currency_mismatch")
    assert ok(as_operator.get(f"/v1/coupons/{coupon['id']}"))["times_redeemed"] == 0
    assert ok(other_owner.get("/v1/subscriptions", params={"account": other["id"]}))["data"] == []


def test_point_06_amount_fields_follow_stripes_definitions(world, as_operator, client_for, catalog):
    # Given a customer with 10 € of credit and a saved card
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"])
    ok(owner.post(f"/v1/accounts/{account['id']}/top_ups", json={"amount": 1000, "currency": "EUR"}), 201)
    # When it subscribes to a 36 € seat
    subscription = subscribe(owner, account["id"], catalog.seat["id"])
    draft = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    # Then the draft owes 26 €: the credit lowers what is due, nothing is paid yet
    amounts = ("status", "total", "credit_applied", "amount_due", "amount_paid", "amount_remaining")
    assert tuple(draft[k] for k in amounts) == ("draft", 3600, 1000, 2600, 0, 2600)
    # When it is finalized and the card pays the rest
    invoice = finalized(world, owner, subscription)
    # Then the card paid 26 €: the credit is not counted as paid
    assert tuple(invoice[k] for k in amounts) == ("paid", 3600, 1000, 2600, 2600, 0)


def test_point_07_a_suspended_account_is_not_renewed_nor_changed_and_is_told_at_each_step(
    world, as_operator, client_for, catalog
):
    # Given an account whose first invoice is never paid (no saved method), and a second subscription
    # taken ten days later, while the account is only in "warning"
    account, owner = new_customer(as_operator, client_for)
    start = world.clock.now()
    subscribe(owner, account["id"], catalog.seat["id"])
    world.advance_to(start + timedelta(days=10))
    assert ok(owner.get(f"/v1/accounts/{account['id']}"))["status"] == "warning"
    second = subscribe(owner, account["id"], catalog.seat["id"])
    # When 31 days have passed since the first invoice was due
    world.advance_to(start + timedelta(days=31, hours=2))
    # Then the account is suspended: no new subscription, no change of seats
    assert ok(owner.get(f"/v1/accounts/{account['id']}"))["status"] == "suspended"
    refused = owner.post("/v1/subscriptions", json={"account": account["id"], "items": [{"price": catalog.seat["id"]}]})
    assert (refused.status_code, refused.json()["code"]) == (422, "account_restricted")
    item = second["items"][0]["id"]
    refused = owner.patch(f"/v1/subscriptions/{second['id']}", json={"items": [{"id": item, "quantity": 3}]})
    assert (refused.status_code, refused.json()["code"]) == (422, "account_restricted")
    # When the second subscription's period ends while suspended
    world.advance_to(datetime.fromisoformat(second["current_period_end"]) + timedelta(hours=2))
    # Then it is not renewed: no invoice for a new period, billing stopped
    stopped = ok(owner.get(f"/v1/subscriptions/{second['id']}"))
    assert stopped["status"] == "unpaid"
    invoices = ok(owner.get("/v1/invoices", params={"account": account["id"], "limit": 100}))["data"]
    assert [i["billing_reason"] for i in invoices if i["subscription"] == second["id"]] == ["subscription_create"]
    # And the billing contact was told of each state, in French
    subjects = [mail.subject for mail in world.mailer.sent if mail.to == "compta@exemple.fr"]
    for subject in ("Facture impayée sur votre compte", "Votre compte est restreint", "Votre compte est suspendu"):
        assert subjects.count(subject) == 1, subjects
    # When the customer pays everything it owes with a card typed for it
    owed = ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["amount_owed"]
    body = {"account": account["id"], "amount": owed, "currency": "EUR", "payment_method": typed_card(world)}
    ok(owner.post("/v1/payments", json=body), 201)
    world.settle()
    # Then the account is active again, is told so, and the stopped subscription bills a new period
    assert ok(owner.get(f"/v1/accounts/{account['id']}"))["status"] == "active"
    assert "Votre compte est rétabli" in [mail.subject for mail in world.mailer.sent]
    resumed = ok(owner.get(f"/v1/subscriptions/{second['id']}"))
    assert resumed["status"] == "active"
    start_again = datetime.fromisoformat(resumed["current_period_start"])
    assert start_again >= datetime.fromisoformat(stopped["current_period_end"])
    invoices = ok(owner.get("/v1/invoices", params={"account": account["id"], "limit": 100}))["data"]
    reasons = [i["billing_reason"] for i in invoices if i["subscription"] == second["id"]]
    assert reasons == ["subscription_cycle", "subscription_create"]


def minutes(subscription_id: str, at: datetime, count: int, prefix: str) -> dict:
    event = {"subscription": subscription_id, "meter": "outbound_minutes", "quantity": 1}
    return {"events": [event | {"id": f"{prefix}-{n}", "timestamp": at.isoformat()} for n in range(count)]}


def test_point_08_a_draft_takes_items_and_late_usage_during_its_grace_hour(world, as_operator, client_for, catalog):
    # Given alwaysdata's customer: a seat and metered minutes, 100 minutes used in the first month
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"])
    items = [{"price": catalog.seat["id"]}, {"price": catalog.minutes["id"]}]
    subscription = ok(owner.post("/v1/subscriptions", json={"account": account["id"], "items": items}), 201)
    end = datetime.fromisoformat(subscription["current_period_end"])
    world.advance_to(end - timedelta(days=1))
    ok(owner.post("/v1/usage_events", json=minutes(subscription["id"], world.clock.now(), 100, "early")))
    # When the month ends, the renewal invoice is drafted, to be finalized an hour later
    world.advance_to(end + timedelta(minutes=5))
    draft = ok(owner.get(f"/v1/subscriptions/{subscription['id']}"))["latest_invoice"]
    drafted = ok(owner.get(f"/v1/invoices/{draft}"))
    assert drafted["status"] == "draft"
    grace = datetime.fromisoformat(drafted["automatically_finalizes_at"]) - datetime.fromisoformat(drafted["created"])
    assert grace == timedelta(hours=1)
    # And 20 minutes of the last hour of the month arrive late, while an operator adds a one-off item
    late = ok(owner.post("/v1/usage_events", json=minutes(subscription["id"], end - timedelta(minutes=30), 20, "late")))
    assert (late["accepted"], late["rejected"]) == (20, 0)
    body = {"account": account["id"], "unit_amount_decimal": "9000", "currency": "EUR", "description": "Migration"}
    item = ok(as_operator.post("/v1/invoice_items", json=body), 201)
    # Then both land on the draft: 120 minutes at 0.05 €, the item, the seat, VAT on all
    assert item["invoice"] == draft
    revised = ok(owner.get(f"/v1/invoices/{draft}"))
    assert [line["quantity"] for line in revised["sections"]["usage"]] == ["120"]
    assert [line["amount"] for line in revised["sections"]["one_off"]] == [9000]
    assert revised["total"] == (3000 + 600 + 9000) * 12 // 10
    # When the grace hour is over
    world.advance_to(end + timedelta(hours=1, minutes=5))
    # Then it is finalized with them, numbered and paid; usage after that is refused as invoiced
    final = ok(owner.get(f"/v1/invoices/{draft}"))
    assert (final["status"], final["total"], final["number"] is not None) == ("paid", revised["total"], True)
    again = ok(owner.post("/v1/usage_events", json=minutes(subscription["id"], end - timedelta(minutes=1), 1, "too")))
    assert [e["code"] for e in again["errors"]] == ["usage_period_closed"]


def test_point_08_a_draft_is_voided_without_a_number(world, as_operator, client_for, catalog):
    account, owner = new_customer(as_operator, client_for)
    draft = subscribe(owner, account["id"], catalog.seat["id"])["latest_invoice"]
    voided = ok(as_operator.post(f"/v1/invoices/{draft}/void"))
    assert (voided["status"], voided["number"], voided["amount_remaining"]) == ("void", None, 0)
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["amount_owed"] == 0
    world.advance_to(world.clock.now() + timedelta(hours=2))
    assert ok(owner.get(f"/v1/invoices/{draft}"))["status"] == "void"
    refused = as_operator.post(
        "/v1/invoice_items",
        json={
            "account": account["id"],
            "invoice": draft,
            "quantity": 1,
            "unit_amount_decimal": "100",
            "currency": "EUR",
            "description": "x",
        },
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "invoice_not_draft")


def test_point_10_latest_invoice_is_real_on_every_read(world, as_operator, client_for, catalog):
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"])
    subscription = subscribe(owner, account["id"], catalog.seat["id"])
    first = subscription["latest_invoice"]
    assert first is not None
    assert ok(owner.get(f"/v1/subscriptions/{subscription['id']}"))["latest_invoice"] == first
    listed = ok(owner.get("/v1/subscriptions", params={"account": account["id"]}))["data"]
    assert [s["latest_invoice"] for s in listed] == [first]
    # When the month renews, the renewal invoice becomes the latest
    world.advance_to(datetime.fromisoformat(subscription["current_period_end"]) + timedelta(minutes=5))
    renewed = ok(owner.get(f"/v1/subscriptions/{subscription['id']}"))["latest_invoice"]
    assert renewed not in (None, first)
    assert ok(owner.get(f"/v1/invoices/{renewed}"))["billing_reason"] == "subscription_cycle"
    # And a change that invoices a proration makes its invoice the latest
    item = subscription["items"][0]["id"]
    changed = ok(
        owner.patch(
            f"/v1/subscriptions/{subscription['id']}",
            json={"items": [{"id": item, "quantity": 2}], "proration_behavior": "always_invoice"},
        )
    )
    assert changed["latest_invoice"] not in (None, first, renewed)
    assert ok(owner.get(f"/v1/subscriptions/{subscription['id']}"))["latest_invoice"] == changed["latest_invoice"]


def test_point_11_trial_ending_is_visible_and_emailed_three_days_before(world, as_operator, client_for, catalog):
    # Given a 14-day trial on a seat, with a saved card
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"])
    subscription = subscribe(owner, account["id"], catalog.seat["id"], trial_period_days=14)
    assert (subscription["status"], subscription["trial_ending_notified"]) == ("trialing", False)
    trial_end = datetime.fromisoformat(subscription["trial_end"])
    # When 10 days have passed, nothing yet
    world.advance_to(trial_end - timedelta(days=4))
    assert not [m for m in world.mailer.sent if "essai" in m.subject]
    # When it is three days before the end
    world.advance_to(trial_end - timedelta(days=3) + timedelta(hours=1))
    # Then the subscription says so, and the billing contact was told once what starts, when and how
    assert ok(owner.get(f"/v1/subscriptions/{subscription['id']}"))["trial_ending_notified"] is True
    world.advance_to(trial_end - timedelta(days=2))
    notices = [m for m in world.mailer.sent if "essai" in m.subject]
    assert len(notices) == 1
    assert notices[0].to == "compta@exemple.fr"
    assert "30,00\u00a0€ HT par mois" in notices[0].text
    assert "visa •••• 4242" in notices[0].text
    assert "Seat" in notices[0].text


def test_point_09_overdue_is_visible_on_the_invoice_in_lists_and_filters(world, as_operator, client_for, catalog):
    # Given a customer paying by transfer, 30 days after each invoice
    account, owner = new_customer(as_operator, client_for)
    terms = {"collection_method": "send_invoice", "days_until_due": 30}
    invoice = finalized(world, owner, subscribe(owner, account["id"], catalog.seat["id"], **terms))
    assert (invoice["status"], invoice["overdue"], invoice["past_due_since"]) == ("open", False, None)
    overdue = {"account": account["id"], "overdue": "true"}
    assert ok(owner.get("/v1/invoices", params=overdue))["data"] == []
    # When its due date passes unpaid
    world.advance_to(datetime.fromisoformat(invoice["due_at"]) + timedelta(hours=1))
    # Then the invoice itself says it is overdue, since its due date, and the filter finds it
    late = ok(owner.get(f"/v1/invoices/{invoice['id']}"))
    assert (late["status"], late["overdue"], late["past_due_since"]) == ("open", True, invoice["due_at"])
    assert [i["id"] for i in ok(owner.get("/v1/invoices", params=overdue))["data"]] == [invoice["id"]]
    listed = ok(owner.get("/v1/invoices", params={"account": account["id"]}))["data"]
    assert [i["overdue"] for i in listed if i["id"] == invoice["id"]] == [True]
    not_overdue = ok(owner.get("/v1/invoices", params={"account": account["id"], "overdue": "false"}))["data"]
    assert invoice["id"] not in [i["id"] for i in not_overdue]
    # When it is paid by transfer
    body = {"amount": -invoice["amount_remaining"], "currency": "EUR", "reason": "Virement reçu"}
    ok(as_operator.post(f"/v1/accounts/{account['id']}/balance_transactions", json=body), 201)
    # Then it is no longer overdue
    paid = ok(owner.get(f"/v1/invoices/{invoice['id']}"))
    assert (paid["status"], paid["overdue"], paid["past_due_since"]) == ("paid", False, None)


def test_point_12_credit_notes_products_and_accounts_can_be_read(world, as_operator, client_for, catalog):
    # Given two credit notes on a finalized invoice
    account, owner = new_customer(as_operator, client_for, billing_email="Factures@Cloud.example")
    invoice = finalized(world, owner, subscribe(owner, account["id"], catalog.seat["id"]))
    notes = []
    for amount, reason in ((600, "Geste commercial"), (1200, "Siège retiré")):
        body = {"invoice": invoice["id"], "amount": amount, "reason": reason}
        notes.append(ok(as_operator.post("/v1/credit_notes", json=body), 201))
        world.advance_to(world.clock.now() + timedelta(minutes=1))
    # Then each reads on its own, and they are listed by account and by invoice, newest first
    one = ok(owner.get(f"/v1/credit_notes/{notes[0]['id']}"))
    assert (one["number"], one["amount"], one["invoice"], one["amount_refunded"]) == (
        notes[0]["number"],
        600,
        invoice["id"],
        0,
    )
    by_account = ok(owner.get("/v1/credit_notes", params={"account": account["id"]}))["data"]
    assert [n["amount"] for n in by_account] == [1200, 600]
    by_invoice = ok(owner.get("/v1/credit_notes", params={"account": account["id"], "invoice": invoice["id"]}))
    assert len(by_invoice["data"]) == 2
    other = ok(owner.get("/v1/credit_notes", params={"account": account["id"], "invoice": "in_0000000000"}))
    assert other["data"] == []
    # And a product reads on its own, by any key
    product = ok(owner.get(f"/v1/products/{catalog.product['id']}"))
    assert product["name"] == "Téléphonie cloud"
    assert owner.get("/v1/products/prod_missing").status_code == 404
    # And operators list accounts, newest first, by status and billing email (any case)
    found = ok(as_operator.get("/v1/accounts", params={"email": "factures@cloud.example"}))["data"]
    assert [a["id"] for a in found] == [account["id"]]
    active = ok(as_operator.get("/v1/accounts", params={"status": "active", "limit": 100}))["data"]
    assert account["id"] in [a["id"] for a in active]
    assert ok(as_operator.get("/v1/accounts", params={"status": "suspended", "limit": 100}))["data"] == []
    world.advance_to(world.clock.now() + timedelta(minutes=1))
    newer, _ = new_customer(as_operator, client_for)
    first = ok(as_operator.get("/v1/accounts", params={"limit": 1}))
    assert [a["id"] for a in first["data"]] == [newer["id"]]
    second = ok(as_operator.get("/v1/accounts", params={"limit": 1, "cursor": first["next_cursor"]}))
    assert [a["id"] for a in second["data"]] == [account["id"]]
    assert owner.get("/v1/accounts").status_code == 403


def test_point_12_a_coupon_is_added_to_and_removed_from_a_running_subscription(world, as_operator, client_for, catalog):
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account["id"], catalog.seat["id"])
    coupon = ok(as_operator.post("/v1/coupons", json={"duration": "forever", "percent_off": "50"}), 201)
    assert ok(as_operator.get(f"/v1/coupons/{coupon['id']}"))["times_redeemed"] == 0
    # When the customer adds it to the running subscription
    added = ok(owner.post(f"/v1/subscriptions/{subscription['id']}/discount", json={"coupon": coupon["id"]}))
    # Then the next invoice is half price, and the coupon counts one redemption
    assert added["discount"]["coupon"] == coupon["id"]
    upcoming = ok(owner.post("/v1/invoices/preview", json={"subscription": subscription["id"]}))
    assert (upcoming["subtotal"], upcoming["total"]) == (3000, 1800)
    assert ok(as_operator.get(f"/v1/coupons/{coupon['id']}"))["times_redeemed"] == 1
    # When it is removed
    removed = ok(owner.delete(f"/v1/subscriptions/{subscription['id']}/discount"))
    # Then the next invoice is at full price again
    assert removed["discount"] is None
    assert ok(owner.post("/v1/invoices/preview", json={"subscription": subscription["id"]}))["total"] == 3600
    refused = owner.post(f"/v1/subscriptions/{subscription['id']}/discount", json={})
    assert (refused.status_code, refused.json()["code"]) == (400, "discount_required")
    usd = ok(as_operator.post("/v1/coupons", json={"duration": "once", "amount_off": 500, "currency": "USD"}), 201)
    refused = owner.post(f"/v1/subscriptions/{subscription['id']}/discount", json={"coupon": usd["id"]})
    assert (refused.status_code, refused.json()["code"]) == (422, "coupon_currency_mismatch")


def test_point_12_a_subscription_switches_to_invoice_payments_and_back(world, as_operator, client_for, catalog):
    # Given Cloudcraft's customer paying by card
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"])
    subscription = subscribe(owner, account["id"], catalog.seat["id"])
    # When it switches to invoice payments, to pay by cheque or wire
    path = f"/v1/subscriptions/{subscription['id']}/collection_method"
    switched = ok(owner.post(path, json={"collection_method": "send_invoice"}))
    assert (switched["collection_method"], switched["days_until_due"]) == ("send_invoice", 30)
    # Then its next invoice is sent with 30 days to pay, not charged
    world.advance_to(datetime.fromisoformat(subscription["current_period_end"]) + timedelta(hours=2))
    latest = ok(owner.get(f"/v1/subscriptions/{subscription['id']}"))["latest_invoice"]
    renewal = ok(owner.get(f"/v1/invoices/{latest}"))
    assert (renewal["billing_reason"], renewal["status"], renewal["collection_method"]) == (
        "subscription_cycle",
        "open",
        "send_invoice",
    )
    due = datetime.fromisoformat(renewal["due_at"]) - datetime.fromisoformat(renewal["finalized_at"])
    assert due == timedelta(days=30)
    # When it switches back to the card
    back = ok(owner.post(path, json={"collection_method": "charge_automatically"}))
    assert (back["collection_method"], back["days_until_due"]) == ("charge_automatically", None)
    bad = owner.post(path, json={"collection_method": "cheque"})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_parameter")


def test_point_13_proration_granularity_per_subscription_and_per_change(world, as_operator, client_for, catalog):
    # Given a seat prorated by the second
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account["id"], catalog.seat["id"], proration_granularity="second")
    assert subscription["proration_granularity"] == "second"
    start = datetime.fromisoformat(subscription["current_period_start"])
    end = datetime.fromisoformat(subscription["current_period_end"])
    at = (start + timedelta(days=10, hours=12)).isoformat()
    item = subscription["items"][0]["id"]
    change = {"subscription": subscription["id"], "items": [{"id": item, "quantity": 2}], "proration_date": at}
    # When a second seat is previewed half-way through a day
    by_second = ok(owner.post("/v1/invoices/preview", json=change))["sections"]["proration"]
    by_day = ok(owner.post("/v1/invoices/preview", json=change | {"proration_granularity": "day"}))["sections"][
        "proration"
    ]
    # Then the subscription's own setting counts seconds, and a change may count days instead
    seconds = int((end - datetime.fromisoformat(at)).total_seconds())
    assert by_second[-1]["proration"] == {"remaining": seconds, "total": int((end - start).total_seconds())}
    days = (end.date() - datetime.fromisoformat(at).date()).days
    assert by_day[-1]["proration"] == {"remaining": days, "total": (end - start).days}
    # And the change made by the day leaves the subscription counting seconds
    body = {"items": [{"id": item, "quantity": 2}], "proration_date": at, "proration_granularity": "day"}
    world.advance_to(datetime.fromisoformat(at))
    changed = ok(owner.patch(f"/v1/subscriptions/{subscription['id']}", json=body))
    assert changed["proration_granularity"] == "second"
    # And a first partial period set by billing_cycle_anchor follows the setting too
    anchor = (world.clock.now() + timedelta(days=5, hours=6)).isoformat()
    other, other_owner = new_customer(as_operator, client_for)
    anchored = subscribe(
        other_owner, other["id"], catalog.seat["id"], billing_cycle_anchor=anchor, proration_granularity="second"
    )
    first = ok(other_owner.get(f"/v1/invoices/{anchored['latest_invoice']}"))
    lines = first["sections"]["recurring"] + first["sections"]["proration"]
    prorated = [line["proration"] for line in lines if line["proration"]]
    assert prorated
    assert prorated[0]["remaining"] == int((datetime.fromisoformat(anchor) - world.clock.now()).total_seconds())


def test_point_14_the_billing_contact_is_told_of_every_change_to_the_methods(world, as_operator, client_for):
    # Given IBM's customer saving a first card, then a second one
    account, owner = new_customer(as_operator, client_for)
    first = save_method(world, owner, account["id"])
    second = save_method(world, owner, account["id"], "pm_card_mastercard")
    methods = ok(owner.get(f"/v1/accounts/{account['id']}/payment_methods"))
    # Then the first one saved is the default
    assert methods["default_payment_method"] == first["id"]
    # When the customer makes the second one the default
    path = f"/v1/accounts/{account['id']}/payment_methods"
    ok(owner.post(f"{path}/{second['id']}/default"))
    ok(owner.post(f"{path}/{second['id']}/default"))  # again: nothing changes
    world.settle()
    # Then the billing contact is told once, naming the card
    told = [m for m in world.mailer.sent if m.subject == "Moyen de paiement par défaut modifié"]
    assert len(told) == 1
    assert "mastercard •••• 4444" in told[0].text
    # When it removes the default card
    ok(owner.delete(f"{path}/{second['id']}"))
    world.settle()
    # Then it is told which card was removed and which one is charged now
    removed = [m for m in world.mailer.sent if m.subject == "Moyen de paiement supprimé"]
    assert len(removed) == 1
    assert ("mastercard •••• 4444" in removed[0].text, "visa •••• 4242" in removed[0].text) == (True, True)
    # When the last one goes too, it is told that nothing is saved any more
    ok(owner.delete(f"{path}/{first['id']}"))
    world.settle()
    removed = [m for m in world.mailer.sent if m.subject == "Moyen de paiement supprimé"]
    assert "Aucun moyen de paiement" in removed[-1].text


def test_point_14_a_us_account_is_offered_ach_from_its_first_setup(world, as_operator, client_for):
    american = {"vat_number": None, "siren": None, "locale": "en", "billing_email": "ap@example.com"}
    american["address"] = {"line1": "1 Main St", "postal_code": "94105", "city": "San Francisco", "country": "US"}
    account, owner = new_customer(as_operator, client_for, **american)
    intent = ok(owner.post(f"/v1/accounts/{account['id']}/setup_intents"), 201)
    assert intent["payment_method_types"] == ["card", "us_bank_account"]
    french, french_owner = new_customer(as_operator, client_for)
    intent = ok(french_owner.post(f"/v1/accounts/{french['id']}/setup_intents"), 201)
    assert "us_bank_account" not in intent["payment_method_types"]
    assert "sepa_debit" in intent["payment_method_types"]


def test_point_15_the_payment_sentence_names_the_saved_method_and_promises_no_debit_without_one(
    world, as_operator, client_for, catalog
):
    # Given a customer with a saved card, and one with nothing saved, both charged automatically
    saved, saved_owner = new_customer(as_operator, client_for, billing_email="compta@carte.fr")
    save_method(world, saved_owner, saved["id"])
    finalized(world, saved_owner, subscribe(saved_owner, saved["id"], catalog.seat["id"]))
    bare, bare_owner = new_customer(as_operator, client_for, billing_email="compta@rien.fr")
    invoice = finalized(world, bare_owner, subscribe(bare_owner, bare["id"], catalog.seat["id"]))
    world.settle()
    # Then the first email names the card to be charged
    [with_card] = [m for m in world.mailer.sent if m.to == "compta@carte.fr" and m.subject.startswith("Votre facture")]
    assert "Le montant sera prélevé sur visa •••• 4242." in with_card.text
    # And the second promises no debit: it says nothing is saved, and how to pay instead
    [without] = [m for m in world.mailer.sent if m.to == "compta@rien.fr" and m.subject.startswith("Votre facture")]
    assert "Aucun moyen de paiement n'est enregistré" in without.text
    assert "prélevé" not in without.text
    # And so does its PDF, which gives the seller's bank details instead of a debit
    text = " ".join(invoice_pdf_text(world, bare_owner, invoice["id"]).split())
    assert "Aucun moyen de paiement enregistré" in text
    assert "IBAN" in text
    assert "prélèvement automatique" not in text
    # And the failure notice says why in French, not in the bank's English
    [failed] = [m for m in world.mailer.sent if m.to == "compta@rien.fr" and m.subject.startswith("Échec")]
    assert "n'a pas abouti : aucun moyen de paiement n'est enregistré" in failed.text


def test_point_15_the_emails_due_date_is_the_pdfs_in_the_buyers_time_zone(world, as_operator, client_for, catalog):
    # Given a New York customer whose invoice is finalized at 04:30 UTC: still the evening before in New York
    american = {"vat_number": None, "siren": None, "locale": "en", "billing_email": "ap@example.com"}
    american |= {"time_zone": "America/New_York"}
    american["address"] = {"line1": "1 Main St", "postal_code": "10001", "city": "New York", "country": "US"}
    tomorrow = (world.clock.now() + timedelta(days=1)).replace(hour=3, minute=29, second=0, microsecond=0)
    world.advance_to(tomorrow)
    account, owner = new_customer(as_operator, client_for, **american)
    save_method(world, owner, account["id"])
    invoice = finalized(world, owner, subscribe(owner, account["id"], catalog.seat["id"]))
    world.settle()
    # Then the email and the PDF name the same day, New York's
    new_york = datetime.fromisoformat(invoice["finalized_at"]).astimezone(ZoneInfo("America/New_York")).date()
    assert new_york < datetime.fromisoformat(invoice["finalized_at"]).date()
    [email] = [m for m in world.mailer.sent if m.to == "ap@example.com" and m.subject.startswith("Your invoice")]
    assert f"due on {format_date(new_york, 'long', locale='en')}" in email.text
    text = " ".join(invoice_pdf_text(world, owner, invoice["id"]).split())
    assert f"on {format_date(new_york, 'd MMM y', locale='en')}" in text


def test_point_15_amounts_and_line_wording_are_in_the_accounts_language(world, as_operator, client_for, catalog):
    # Given a French customer with a 5 € coupon, and an English one with the same
    coupon = {"duration": "forever", "amount_off": 500, "currency": "EUR", "name": "Bienvenue"}
    coupon = ok(as_operator.post("/v1/coupons", json=coupon), 201)
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account["id"], catalog.seat["id"], coupon=coupon["id"])
    seat = subscription["items"][0]["id"]
    english, english_owner = new_customer(as_operator, client_for, locale="en")
    english_subscription = subscribe(english_owner, english["id"], catalog.seat["id"], coupon=coupon["id"])
    # Then the invoice's JSON writes the coupon as each of them writes amounts
    invoice = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert [d["description"] for d in invoice["discounts"]] == ["Bienvenue (−5,00\xa0€)"]
    english_invoice = ok(english_owner.get(f"/v1/invoices/{english_subscription['latest_invoice']}"))
    assert [d["description"] for d in english_invoice["discounts"]] == ["Bienvenue (−€5.00)"]
    # When the French customer adds a seat mid-month
    world.advance_to(world.clock.now() + timedelta(days=10))
    ok(owner.patch(f"/v1/subscriptions/{subscription['id']}", json={"items": [{"id": seat, "quantity": 2}]}))
    # Then the proration lines read in French in the JSON, as on the PDF
    upcoming = ok(owner.post("/v1/invoices/preview", json={"subscription": subscription["id"]}))
    wording = [line["description"] for line in upcoming["sections"]["proration"]]
    assert wording
    assert all(w.startswith(("Temps restant : ", "Temps non utilisé : ")) for w in wording)
    assert all("jours)" in w for w in wording)


def test_point_15_the_last_owner_key_cannot_be_revoked(as_operator, client_for):
    # Given an account with its only owner key
    account, owner = new_customer(as_operator, client_for)
    [key] = ok(owner.get(f"/v1/accounts/{account['id']}/api_keys"))["data"]
    # When that key revokes itself, then it is refused and still works
    refused = owner.delete(f"/v1/accounts/{account['id']}/api_keys/{key['id']}")
    assert (refused.status_code, refused.json()["code"]) == (409, "last_owner_key")
    assert ok(owner.get(f"/v1/accounts/{account['id']}"))["id"] == account["id"]
    # When a second owner key exists, then the first one may go
    second = client_for(ok(owner.post(f"/v1/accounts/{account['id']}/api_keys", json={"role": "owner"}), 201)["secret"])
    assert owner.delete(f"/v1/accounts/{account['id']}/api_keys/{key['id']}").status_code == 204
    assert owner.get(f"/v1/accounts/{account['id']}").status_code == 401
    # And the remaining one is now the last
    [last] = ok(second.get(f"/v1/accounts/{account['id']}/api_keys"))["data"]
    refused = second.delete(f"/v1/accounts/{account['id']}/api_keys/{last['id']}")
    assert (refused.status_code, refused.json()["code"]) == (409, "last_owner_key")
