"""The billing API end to end, in one process on the fakes: catalog, subscriptions, previews, usage,
invoices, credit notes, balance, promotion codes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.api_setup import make_catalog, minutes_events, new_customer, ok
from tests.functional.payments_setup import save_method


@pytest.fixture
def catalog(as_operator):
    return make_catalog(as_operator)


def subscribe(client, account_id, catalog, seats=3, **extra):
    body = {
        "account": account_id,
        "items": [{"price": catalog.seat["id"], "quantity": seats}, {"price": catalog.minutes["id"]}],
    } | extra
    return ok(client.post("/v1/subscriptions", json=body), 201)


def seat_item(subscription, catalog):
    return next(item for item in subscription["items"] if item["price"] == catalog.seat["id"])


def test_story_seats_preview_then_patch_usage_twice_and_next_invoice(as_operator, client_for, catalog):
    # Given a customer subscribed to 3 seats and metered minutes
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account["id"], catalog)
    # Then the first invoice bills the seats with 20 % VAT
    assert subscription["status"] == "active"
    first = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert (first["billing_reason"], first["subtotal"], first["total"]) == ("subscription_create", 9000, 10800)

    # When the owner previews a fourth seat, then applies it at the preview's proration date
    change = [{"id": seat_item(subscription, catalog)["id"], "quantity": 4}]
    preview = ok(owner.post("/v1/invoices/preview", json={"subscription": subscription["id"], "items": change}))
    assert preview["proration_date"]
    patched = ok(
        owner.patch(
            f"/v1/subscriptions/{subscription['id']}",
            json={"items": change, "proration_date": preview["proration_date"]},
        )
    )
    # Then the subscription has 4 seats and the next invoice carries exactly the previewed proration
    assert seat_item(patched, catalog)["quantity"] == 4
    next_invoice = ok(owner.post("/v1/invoices/preview", json={"subscription": subscription["id"]}))
    assert next_invoice["sections"]["proration"] == preview["sections"]["proration"]

    # When 120 minutes of usage are sent, then sent again
    time.sleep(0.01)
    events = minutes_events(subscription["id"], 120)
    assert ok(owner.post("/v1/usage_events", json={"events": events})) | {"errors": []} == {
        "object": "usage_ingestion",
        "accepted": 120,
        "duplicates": 0,
        "rejected": 0,
        "errors": [],
    }
    # Then the second batch is recognised as duplicates
    again = ok(owner.post("/v1/usage_events", json={"events": events}))
    assert (again["accepted"], again["duplicates"]) == (0, 120)

    # Then the upcoming invoice bills 4 seats, the two proration lines, the minutes split by team, 20 % VAT
    upcoming = ok(owner.post("/v1/invoices/preview", json={"subscription": subscription["id"]}))
    sections = upcoming["sections"]
    assert [line["amount"] for line in sections["recurring"]] == [12000]
    assert len(sections["proration"]) == 2
    assert [(line["quantity"], line["amount"]) for line in sections["usage"]] == [("120", 600)]
    assert {share["tags"]["team"] for share in sections["usage"][0]["tag_shares"]} == {"sales", "support"}
    assert [(tax["rate"], tax["category"]) for tax in upcoming["taxes"]] == [("20", "S")]


def test_finalize_numbers_consecutively_and_credit_notes_never_exceed(as_operator, client_for, catalog):
    # Given a customer with two subscriptions whose drafts an operator finalizes
    account, owner = new_customer(as_operator, client_for)
    numbers = []
    for _ in range(2):
        subscription = subscribe(owner, account["id"], catalog, seats=1)
        invoice = ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize"))
        numbers.append(invoice["number"])
        assert (invoice["status"], invoice["amount_remaining"]) == ("open", 3600)
    # Then the invoice numbers follow each other with no gap, and only operators may finalize
    year, first = numbers[0].rsplit("-", 1)
    assert numbers[1] == f"{year}-{int(first) + 1:06d}"
    assert ok(owner.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize"), 403) is not None

    # When a customer, then an operator, credits more than the invoice
    too_much = owner.post("/v1/credit_notes", json={"invoice": invoice["id"], "amount": 1, "reason": "x"})
    assert too_much.status_code == 403  # operators only
    refused = as_operator.post("/v1/credit_notes", json={"invoice": invoice["id"], "amount": 3601, "reason": "Erreur"})
    assert (refused.status_code, refused.json()["code"]) == (422, "credit_exceeds_invoice")
    # When an operator credits 6 € of it
    note = ok(
        as_operator.post("/v1/credit_notes", json={"invoice": invoice["id"], "amount": 600, "reason": "Geste"}), 201
    )
    # Then the credit note has its own series, names the invoice, and lowers what is owed
    assert note["number"].startswith("AV-")
    assert note["invoice_number"] == invoice["number"]
    assert ok(owner.get(f"/v1/invoices/{invoice['id']}"))["amount_remaining"] == 3000
    balance = ok(owner.get(f"/v1/accounts/{account['id']}/balance"))
    assert (balance["balance"], balance["amount_owed"]) == (3600 + 3000, 3600 + 3000)

    # When the operator voids the invoice, twice
    voided = ok(as_operator.post(f"/v1/invoices/{invoice['id']}/void"))
    # Then it is void once, the second time is refused, and the balance forgets it
    assert voided["status"] == "void"
    again = as_operator.post(f"/v1/invoices/{invoice['id']}/void")
    assert (again.status_code, again.json()["code"]) == (409, "invoice_not_open")
    assert ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["amount_owed"] == 3600
    listed = ok(owner.get(f"/v1/invoices?account={account['id']}&status=void"))["data"]
    assert [i["id"] for i in listed] == [invoice["id"]]


def test_balance_adjustment_credits_and_settles_the_oldest_invoice(as_operator, client_for, catalog):
    # Given a customer with one finalized 36 € invoice
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account["id"], catalog, seats=1)
    invoice = ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize"))
    # When the customer, then an operator, credits the balance with 50 €
    forbidden = owner.post(
        f"/v1/accounts/{account['id']}/balance_transactions", json={"amount": -1000, "currency": "EUR", "reason": "x"}
    )
    assert forbidden.status_code == 403
    ok(
        as_operator.post(
            f"/v1/accounts/{account['id']}/balance_transactions",
            json={"amount": -5000, "currency": "EUR", "reason": "Compensation incident"},
        ),
        201,
    )
    # Then only the operator may: the invoice is paid, 14 € of credit is left, both movements are listed
    assert ok(owner.get(f"/v1/invoices/{invoice['id']}"))["status"] == "paid"
    balance = ok(owner.get(f"/v1/accounts/{account['id']}/balance"))
    assert (balance["balance"], balance["credit_available"]) == (-1400, 1400)
    kinds = [t["type"] for t in ok(owner.get(f"/v1/accounts/{account['id']}/balance_transactions"))["data"]]
    assert kinds == ["adjustment", "invoice_finalized"]


def test_one_off_items_wait_for_the_next_invoice_or_bill_now(as_operator, client_for, catalog):
    # Given a subscribed customer whose first invoice is finalized, and a one-off item added by an operator
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account["id"], catalog, seats=1)
    ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize"))
    ok(
        as_operator.post(
            "/v1/invoice_items",
            json={
                "account": account["id"],
                "unit_amount_decimal": "9000",
                "currency": "EUR",
                "description": "Intervention sur site",
            },
        ),
        201,
    )
    # Then the item waits for the next invoice
    upcoming = ok(owner.post("/v1/invoices/preview", json={"subscription": subscription["id"]}))
    assert [line["description"] for line in upcoming["sections"]["one_off"]] == ["Intervention sur site"]
    # When another item is added to be billed now
    now = ok(
        as_operator.post(
            "/v1/invoice_items",
            json={
                "account": account["id"],
                "unit_amount_decimal": "15000",
                "currency": "EUR",
                "description": "Formation",
                "invoice_now": True,
            },
        ),
        201,
    )
    # Then it is invoiced at once, alone, with VAT
    invoice = ok(owner.get(f"/v1/invoices/{now['invoice']}"))
    assert (invoice["billing_reason"], invoice["total"]) == ("manual", 18000)


def test_monthly_to_annual_switch_credits_the_unused_month(as_operator, client_for, catalog):
    # Given a monthly seat, invoiced and paid by transfer
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(
        owner.post(
            "/v1/subscriptions",
            json={"account": account["id"], "items": [{"price": catalog.seat["id"], "quantity": 1}]},
        ),
        201,
    )
    ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize"))
    ok(
        as_operator.post(
            f"/v1/accounts/{account['id']}/balance_transactions",
            json={"amount": -3600, "currency": "EUR", "reason": "Paid by transfer"},
        ),
        201,
    )
    # When the owner switches it to the annual price on its first day
    item = seat_item(subscription, catalog)
    switched = ok(
        owner.patch(
            f"/v1/subscriptions/{subscription['id']}",
            json={"items": [{"id": item["id"], "price": catalog.annual_seat["id"]}]},
        )
    )
    # Then the annual invoice credits the whole unused month and the period lasts a year
    annual = ok(owner.get(f"/v1/invoices/{switched['latest_invoice']}"))
    assert annual["billing_reason"] == "subscription_update"
    assert annual["total"] == 36000
    assert annual["credit_applied"] == 3600  # the whole month was unused: all of it comes back
    assert switched["current_period_end"][:4] == str(int(switched["current_period_start"][:4]) + 1)


def test_usage_events_are_checked_one_by_one(as_operator, client_for, catalog):
    # Given a customer's subscription, another customer's, and a batch mixing good events with four bad ones
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account["id"], catalog, seats=1)
    now = datetime.now(UTC)
    other_account, other_owner = new_customer(as_operator, client_for)
    foreign = subscribe(other_owner, other_account["id"], catalog, seats=1)
    good = minutes_events(subscription["id"], 2, prefix="ok")
    bad = [
        {
            "id": "old",
            "subscription": subscription["id"],
            "meter": "outbound_minutes",
            "timestamp": (now - timedelta(days=36)).isoformat(),
        },
        {
            "id": "ahead",
            "subscription": subscription["id"],
            "meter": "outbound_minutes",
            "timestamp": (now + timedelta(minutes=10)).isoformat(),
        },
        {"id": "meter", "subscription": subscription["id"], "meter": "sms", "timestamp": now.isoformat()},
        {"id": "foreign", "subscription": foreign["id"], "meter": "outbound_minutes", "timestamp": now.isoformat()},
    ]
    # When the batch is sent
    result = ok(owner.post("/v1/usage_events", json={"events": good + bad}))
    # Then the good ones are kept and each bad one gets its own reason; over 1,000 events is refused whole
    assert (result["accepted"], result["rejected"]) == (2, 4)
    assert [(e["index"], e["code"]) for e in result["errors"]] == [
        (2, "timestamp_too_old"),
        (3, "timestamp_in_future"),
        (4, "unknown_meter"),
        (5, "subscription_not_found"),
    ]
    too_many = owner.post("/v1/usage_events", json={"events": minutes_events(subscription["id"], 1001)})
    assert too_many.status_code == 400

    # When the usage is summarized by tag, as JSON and as CSV
    window = {
        "subscription": subscription["id"],
        "from": (now - timedelta(days=1)).isoformat(),
        "to": (now + timedelta(days=1)).isoformat(),
        "group_by": "tag",
    }
    # Then both count the two minutes, and the CSV prices them
    summary = ok(owner.get("/v1/usage_summaries", params=window))
    assert sum(int(row["quantity"]) for row in summary["data"]) == 2
    csv_text = owner.get("/v1/usage_summaries", params=window, headers={"Accept": "text/csv"})
    assert csv_text.headers["Content-Type"].startswith("text/csv")
    lines = csv_text.text.splitlines()
    assert lines[0] == "date,meter,tags,quantity,events,cost,currency"
    assert sum(float(line.split(",")[5]) for line in lines[1:]) == pytest.approx(0.10)  # 2 minutes at 0.05 €


def test_marketplace_subscriptions_are_read_only(as_operator, client_for, catalog):
    # When a customer creates a marketplace-managed subscription
    account, owner = new_customer(as_operator, client_for)
    refused = owner.post(
        "/v1/subscriptions",
        json={"account": account["id"], "items": [{"price": catalog.seat["id"]}], "managed_by": "aws_marketplace"},
    )
    # Then only an operator may
    assert refused.status_code == 403
    # Given one created by an operator
    subscription = subscribe(as_operator, account["id"], catalog, managed_by="aws_marketplace")
    # When the customer changes or cancels it, then it is refused, pointing at AWS Marketplace
    for response in (
        owner.patch(
            f"/v1/subscriptions/{subscription['id']}",
            json={"items": [{"id": seat_item(subscription, catalog)["id"], "quantity": 9}]},
        ),
        owner.post(f"/v1/subscriptions/{subscription['id']}/cancel", json={}),
    ):
        assert (response.status_code, response.json()["code"]) == (409, "managed_by_marketplace")
        assert "AWS Marketplace" in response.json()["detail"]


def test_marketplace_subscriptions_are_never_invoiced_charged_or_dunned_here(
    world, as_operator, client_for, catalog, server_now
):
    # Given a customer with a saved card and a subscription bought on AWS Marketplace (AWS bills it)
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"])
    body = {
        "account": account["id"],
        "items": [{"price": catalog.seat["id"], "quantity": 3}, {"price": catalog.minutes["id"]}],
        "managed_by": "aws_marketplace",
    }
    subscription = ok(as_operator.post("/v1/subscriptions", json=body), 201)
    # When usage is reported and two months go by
    accepted = ok(owner.post("/v1/usage_events", json={"events": minutes_events(subscription["id"], 5, server_now())}))
    assert accepted["accepted"] == 5  # kept, for the marketplace's hourly metering
    world.advance_to(server_now() + timedelta(days=62))
    # Then nothing was invoiced, charged or dunned here, and the subscription is still AWS's
    assert subscription["latest_invoice"] is None
    assert ok(as_operator.get("/v1/invoices", params={"account": account["id"]}))["data"] == []
    assert ok(as_operator.get("/v1/payments", params={"account": account["id"]}))["data"] == []
    assert world.gateway.intents == {}  # no PaymentIntent ever asked of Stripe
    after = ok(owner.get(f"/v1/subscriptions/{subscription['id']}"))
    assert (after["status"], after["managed_by"]) == ("active", "aws_marketplace")
    assert ok(owner.get(f"/v1/accounts/{account['id']}"))["status"] == "active"


def test_cancel_at_period_end_then_lists_and_pagination(as_operator, client_for, catalog):
    # Given a customer with two subscriptions
    account, owner = new_customer(as_operator, client_for)
    first = subscribe(owner, account["id"], catalog, seats=1)
    second = subscribe(owner, account["id"], catalog, seats=2)
    # When the first is canceled at period end
    canceled = ok(owner.post(f"/v1/subscriptions/{first['id']}/cancel", json={"at_period_end": True}))
    # Then it stays active until then
    assert (canceled["status"], canceled["cancel_at_period_end"]) == ("active", True)
    # When the subscriptions are listed one per page
    page_one = ok(owner.get("/v1/subscriptions", params={"account": account["id"], "limit": 1}))
    page_two = ok(
        owner.get("/v1/subscriptions", params={"account": account["id"], "limit": 1, "cursor": page_one["next_cursor"]})
    )
    # Then each comes once across the pages, and a forged cursor is refused
    # Newest first; two created in the same second may come in either order, but each comes once.
    assert {page_one["data"][0]["id"], page_two["data"][0]["id"]} == {second["id"], first["id"]}
    bad = owner.get("/v1/subscriptions", params={"account": account["id"], "cursor": "not-a-cursor"})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_cursor")


def test_promotion_code_discounts_the_first_invoice(as_operator, client_for, catalog):
    # Given a 20 % once coupon behind a promotion code
    coupon = ok(
        as_operator.post("/v1/coupons", json={"percent_off": "20", "duration": "once", "name": "Bienvenue"}), 201
    )
    code = ok(
        as_operator.post(
            "/v1/promotion_codes", json={"code": f"WELCOME{int(time.time() * 1000)}", "coupon": coupon["id"]}
        ),
        201,
    )
    # When a customer subscribes with the code typed in lower case
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account["id"], catalog, seats=1, promotion_code=code["code"].lower())
    # Then the first invoice is discounted, the discount is spent, and the coupon counts one redemption
    invoice = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert (invoice["discounts"][0]["amount"], invoice["total"]) == (600, 2880)
    assert ok(owner.get(f"/v1/subscriptions/{subscription['id']}"))["discount"] is None  # once: spent
    listed = ok(as_operator.get("/v1/coupons"))["data"]
    assert next(c for c in listed if c["id"] == coupon["id"])["times_redeemed"] == 1
