"""Tenant isolation: every route, called with another account's owner key on this account's objects,
answers 404 (or 403 where only operators may go) and returns none of this account's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from infra.manifest import ROUTES
from tests.api_setup import make_catalog, new_customer, ok
from tests.builders import french_company
from tests.functional.payments_setup import save_method

# Readable by every key on purpose: the price list a customer chooses a plan from.
PUBLIC_CATALOG = {
    ("GET", "/v1/products"),
    ("GET", "/v1/products/{product_id}"),
    ("GET", "/v1/prices"),
    ("GET", "/v1/prices/{price_id}"),
}


@pytest.fixture
def victim(world, as_operator, client_for):
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for, legal_name="Victime Confidentielle SAS")
    subscription = ok(
        owner.post(
            "/v1/subscriptions",
            json={
                "account": account["id"],
                "items": [{"price": catalog.seat["id"], "quantity": 2}, {"price": catalog.minutes["id"]}],
            },
        )
    )
    invoice = ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize"))
    credit_note = ok(
        as_operator.post("/v1/credit_notes", json={"invoice": invoice["id"], "amount": 100, "reason": "x"})
    )
    keys = ok(owner.get(f"/v1/accounts/{account['id']}/api_keys"))["data"]
    method = save_method(world, owner, account["id"])
    transfer = {"method": "cheque", "reference": "CHQ-1", "received_at": "2026-01-02T00:00:00Z"}
    payment = ok(
        as_operator.post(
            "/v1/payments", json={"account": account["id"], "amount": 100, "currency": "EUR", "manual": transfer}
        ),
        201,
    )
    return {
        "method": method,
        "payment": payment,
        "account": account,
        "subscription": subscription,
        "invoice": invoice,
        "key": keys[0],
        "credit_note": credit_note,
        "catalog": catalog,
        "coupon": ok(as_operator.post("/v1/coupons", json={"percent_off": "5", "duration": "once"})),
        "endpoint": ok(
            as_operator.post(
                "/v1/webhook_endpoints", json={"url": "https://example.com/hook", "enabled_events": ["*"]}
            ),
            201,
        ),
        "event": ok(as_operator.get("/v1/events"))["data"][0],
        "registration": _linked_registration(world, owner),
        "portal_session": ok(owner.post("/v1/portal_sessions", json={"account": account["id"]}), 201),
        "budget": ok(
            owner.post(
                f"/v1/accounts/{account['id']}/budgets",
                json={"name": "Ops", "amount": 10000, "thresholds": [{"percent": 80}]},
            ),
            201,
        ),
    }


def _linked_registration(world, owner):
    """The victim's AWS Marketplace purchase, registered and linked with its one-time token."""
    token, _ = world.marketplace.new_buyer("prod-victim", {"seats": 1})
    answer = world.request(
        "POST", "/marketplace/register", None, data=f"x-amzn-marketplace-token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    registration, link_token = query["registration"][0], query["link_token"][0]
    return ok(owner.post(f"/v1/marketplace/registrations/{registration}/link", json={"link_token": link_token}))


def test_every_route_refuses_a_foreign_owner(as_operator, client_for, victim, properties):
    # Given the victim's objects of every kind, and the owner key of another account
    _, intruder = new_customer(as_operator, client_for, legal_name="Intrus SARL")
    account, subscription, invoice = victim["account"]["id"], victim["subscription"], victim["invoice"]
    seat = victim["catalog"].seat["id"]
    now = datetime.now(UTC)
    params = {
        "account_id": account,
        "subscription_id": subscription["id"],
        "invoice_id": invoice["id"],
        "key_id": victim["key"]["id"],
        "price_id": seat,
        "coupon_id": victim["coupon"]["id"],
        "credit_note_id": victim["credit_note"]["id"],
        "payment_method_id": victim["method"]["id"],
        "payment_id": victim["payment"]["id"],
        "receipt_id": victim["payment"]["receipt"],
        "endpoint_id": victim["endpoint"]["id"],
        "event_id": victim["event"]["id"],
        "budget_id": victim["budget"]["id"],
        "registration_id": victim["registration"]["id"],
        "session_id": victim["portal_session"]["id"],
    }
    # What each route must answer the intruder
    # route → (json body, query, expected status)
    calls = {
        ("POST", "/v1/accounts"): (french_company(), None, 403),
        ("GET", "/v1/accounts"): (None, None, 403),
        ("GET", "/v1/accounts/{account_id}"): (None, None, 404),
        ("PATCH", "/v1/accounts/{account_id}"): ({"locale": "en"}, None, 404),
        ("POST", "/v1/accounts/{account_id}/api_keys"): ({"role": "owner"}, None, 404),
        ("GET", "/v1/accounts/{account_id}/api_keys"): (None, None, 404),
        ("DELETE", "/v1/accounts/{account_id}/api_keys/{key_id}"): (None, None, 404),
        ("GET", "/v1/accounts/{account_id}/balance"): (None, None, 404),
        ("GET", "/v1/accounts/{account_id}/balance_transactions"): (None, None, 404),
        ("POST", "/v1/accounts/{account_id}/balance_transactions"): (
            {"amount": -100, "currency": "EUR", "reason": "steal"},
            None,
            403,
        ),
        ("POST", "/v1/products"): ({"name": "x"}, None, 403),
        ("POST", "/v1/prices"): (
            {"product": victim["catalog"].product["id"], "currency": "EUR", "unit_amount": 1},
            None,
            403,
        ),
        ("POST", "/v1/coupons"): ({"percent_off": "100", "duration": "forever"}, None, 403),
        ("GET", "/v1/coupons"): (None, None, 403),
        ("GET", "/v1/coupons/{coupon_id}"): (None, None, 403),
        ("POST", "/v1/promotion_codes"): ({"code": "FREE100", "coupon": "coupon_x1"}, None, 403),
        ("GET", "/v1/promotion_codes"): (None, None, 403),
        # Outgoing webhooks concern every account: operators only.
        ("POST", "/v1/webhook_endpoints"): ({"url": "https://intrus.example/h", "enabled_events": ["*"]}, None, 403),
        ("GET", "/v1/webhook_endpoints"): (None, None, 403),
        ("GET", "/v1/webhook_endpoints/{endpoint_id}"): (None, None, 403),
        ("PATCH", "/v1/webhook_endpoints/{endpoint_id}"): ({"url": "https://intrus.example/h"}, None, 403),
        ("DELETE", "/v1/webhook_endpoints/{endpoint_id}"): (None, None, 403),
        ("POST", "/v1/webhook_endpoints/{endpoint_id}/roll_secret"): (None, None, 403),
        ("GET", "/v1/webhook_endpoints/{endpoint_id}/deliveries"): (None, None, 403),
        ("GET", "/v1/events"): (None, None, 403),
        ("GET", "/v1/events/{event_id}"): (None, None, 403),
        ("POST", "/v1/events/{event_id}/resend"): ({}, None, 403),
        ("POST", "/v1/subscriptions"): ({"account": account, "items": [{"price": seat}]}, None, 404),
        ("GET", "/v1/subscriptions"): (None, {"account": account}, 404),
        ("GET", "/v1/subscriptions/{subscription_id}"): (None, None, 404),
        ("PATCH", "/v1/subscriptions/{subscription_id}"): ({"items": [{"price": seat, "quantity": 1}]}, None, 404),
        ("POST", "/v1/subscriptions/{subscription_id}/cancel"): ({}, None, 404),
        ("POST", "/v1/subscriptions/{subscription_id}/discount"): ({"coupon": victim["coupon"]["id"]}, None, 404),
        ("DELETE", "/v1/subscriptions/{subscription_id}/discount"): (None, None, 404),
        ("POST", "/v1/subscriptions/{subscription_id}/collection_method"): (
            {"collection_method": "send_invoice"},
            None,
            404,
        ),
        ("POST", "/v1/invoices/preview"): ({"subscription": subscription["id"]}, None, 404),
        ("GET", "/v1/invoices"): (None, {"account": account}, 404),
        ("GET", "/v1/invoices/{invoice_id}"): (None, None, 404),
        ("POST", "/v1/invoices/{invoice_id}/finalize"): (None, None, 403),
        ("POST", "/v1/invoices/{invoice_id}/void"): (None, None, 403),
        ("POST", "/v1/credit_notes"): ({"invoice": invoice["id"], "amount": 1, "reason": "x"}, None, 403),
        ("GET", "/v1/credit_notes"): (None, {"account": account}, 404),
        ("GET", "/v1/credit_notes/{credit_note_id}"): (None, None, 404),
        ("POST", "/v1/invoice_items"): (
            {"account": account, "unit_amount_decimal": "1", "currency": "EUR", "description": "x"},
            None,
            403,
        ),
        ("GET", "/v1/invoices/{invoice_id}/pdf"): (None, None, 404),
        ("GET", "/v1/invoices/{invoice_id}/xml"): (None, None, 404),
        ("GET", "/v1/credit_notes/{credit_note_id}/pdf"): (None, None, 404),
        ("GET", "/v1/credit_notes/{credit_note_id}/xml"): (None, None, 404),
        ("GET", "/v1/reports/e_reporting"): (None, {"period": now.strftime("%Y-%m")}, 403),
        ("GET", "/v1/accounts/{account_id}/documents.zip"): (
            None,
            {"from": (now - timedelta(days=1)).isoformat(), "to": now.isoformat()},
            404,
        ),
        ("POST", "/v1/accounts/{account_id}/setup_intents"): (None, None, 404),
        ("GET", "/v1/accounts/{account_id}/payment_methods"): (None, None, 404),
        ("POST", "/v1/accounts/{account_id}/payment_methods/{payment_method_id}/default"): (None, None, 404),
        ("DELETE", "/v1/accounts/{account_id}/payment_methods/{payment_method_id}"): (None, None, 404),
        ("POST", "/v1/payments"): ({"account": account, "amount": 100, "currency": "EUR"}, None, 404),
        ("GET", "/v1/payments"): (None, {"account": account}, 404),
        ("GET", "/v1/payments/{payment_id}"): (None, None, 404),
        ("POST", "/v1/accounts/{account_id}/top_ups"): ({"amount": 100, "currency": "EUR"}, None, 404),
        ("GET", "/v1/receipts"): (None, {"account": account}, 404),
        ("GET", "/v1/receipts/{receipt_id}"): (None, None, 404),
        ("GET", "/v1/receipts/{receipt_id}/pdf"): (None, None, 404),
        ("GET", "/v1/accounts/{account_id}/usage_summaries"): (
            None,
            {"from": now.isoformat(), "to": (now + timedelta(days=1)).isoformat()},
            404,
        ),
        ("GET", "/v1/accounts/{account_id}/forecast"): (None, None, 404),
        ("POST", "/v1/portal_sessions"): ({"account": account}, None, 404),
        ("DELETE", "/v1/accounts/{account_id}/portal_sessions/{session_id}"): (None, None, 404),
        ("GET", "/v1/subscriptions/{subscription_id}/marketplace_metering"): (
            None,
            {"from": now.isoformat(), "to": (now + timedelta(days=1)).isoformat()},
            404,
        ),
        # Without the one-time token the intruder cannot claim the victim's marketplace purchase.
        ("POST", "/v1/marketplace/registrations/{registration_id}/link"): ({"link_token": "x" * 43}, None, 403),
        ("GET", "/v1/accounts/{account_id}/cost_allocation"): (None, {"period": "2026-11", "by": "tag:team"}, 404),
        ("POST", "/v1/accounts/{account_id}/budgets"): (
            {"name": "x", "amount": 1, "thresholds": [{"percent": 1}]},
            None,
            404,
        ),
        ("GET", "/v1/accounts/{account_id}/budgets"): (None, None, 404),
        ("GET", "/v1/accounts/{account_id}/budgets/{budget_id}"): (None, None, 404),
        ("PATCH", "/v1/accounts/{account_id}/budgets/{budget_id}"): ({"amount": 1}, None, 404),
        ("DELETE", "/v1/accounts/{account_id}/budgets/{budget_id}"): (None, None, 404),
        ("GET", "/v1/usage_summaries"): (
            None,
            {"subscription": subscription["id"], "from": now.isoformat(), "to": (now + timedelta(days=1)).isoformat()},
            404,
        ),
    }
    # A batch answers per event: another account's subscription is "not found" for that event.
    usage = {
        "events": [
            {"id": "x1", "subscription": subscription["id"], "meter": "outbound_minutes", "timestamp": now.isoformat()}
        ]
    }
    # When the intruder calls every authorized route on the victim's objects
    walked = set()
    for route in ROUTES:
        key = (route.method, route.path)
        if not route.authorized or key in PUBLIC_CATALOG:
            continue
        walked.add(key)
        path = route.path.format(**params)
        if key == ("POST", "/v1/usage_events"):
            result = ok(intruder.post(path, json=usage))
            assert (result["accepted"], result["errors"][0]["code"]) == (0, "subscription_not_found")
            continue
        assert key in calls, f"{key} is not in the isolation walk: add it"
        body, query, expected = calls[key]
        response = getattr(intruder, route.method.lower())(path, json=body, params=query)
        refused = response.status_code == expected and response.headers["Content-Type"] == "application/problem+json"
        properties.check("another tenant's ids: 404 (403 operators' routes)", refused, f"{key}: {response.text}")
        properties.check("another tenant's ids: none of its data", "Victime" not in response.text, str(key))
    # Then every route was walked, each refused without a word of the victim's data, and nothing changed
    properties.load("another tenant's ids: 404 (403 operators' routes)", f"every authorized route ({len(walked)})")
    properties.verify()
    assert walked == set(calls) | {("POST", "/v1/usage_events")}
    # Nothing changed for the victim.
    assert ok(as_operator.get(f"/v1/accounts/{account}"))["locale"] == "fr"
    assert ok(as_operator.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "active"


def test_a_read_only_member_key_may_change_nothing(world, victim, as_operator, client_for, properties):
    """Every write route, called by a member key of the account itself holding only billing.read,
    answers 403 with the rule it broke, and nothing is stored; previewing an invoice is a read."""
    account, subscription, invoice = victim["account"]["id"], victim["subscription"], victim["invoice"]
    key = {"role": "member", "permissions": ["billing.read"]}
    member = client_for(ok(as_operator.post(f"/v1/accounts/{account}/api_keys", json=key), 201)["secret"])
    seat, coupon = victim["catalog"].seat["id"], victim["coupon"]["id"]
    now = datetime.now(UTC) - timedelta(minutes=1)
    writes = {
        ("POST", "/v1/accounts"): french_company(),
        ("PATCH", f"/v1/accounts/{account}"): {"locale": "en"},
        ("POST", f"/v1/accounts/{account}/api_keys"): {"role": "member"},
        ("POST", f"/v1/accounts/{account}/balance_transactions"): {"amount": -100, "currency": "EUR", "reason": "x"},
        ("POST", "/v1/products"): {"name": "x"},
        ("POST", "/v1/prices"): {
            "product": victim["catalog"].product["id"], "currency": "EUR", "unit_amount": 1,
            "recurring": {"interval": "month"}},
        ("POST", "/v1/coupons"): {"percent_off": "5", "duration": "once"},
        ("POST", "/v1/promotion_codes"): {"code": "MEMBRE", "coupon": coupon},
        ("POST", "/v1/subscriptions"): {"account": account, "items": [{"price": seat}]},
        ("PATCH", f"/v1/subscriptions/{subscription['id']}"): {
            "items": [{"id": subscription["items"][0]["id"], "quantity": 9}]},
        ("POST", f"/v1/subscriptions/{subscription['id']}/cancel"): {},
        ("POST", f"/v1/subscriptions/{subscription['id']}/discount"): {"coupon": coupon},
        ("DELETE", f"/v1/subscriptions/{subscription['id']}/discount"): None,
        ("POST", f"/v1/subscriptions/{subscription['id']}/collection_method"): {"collection_method": "send_invoice"},
        ("POST", f"/v1/invoices/{invoice['id']}/finalize"): None,
        ("POST", f"/v1/invoices/{invoice['id']}/void"): None,
        ("POST", "/v1/credit_notes"): {"invoice": invoice["id"], "amount": 1, "reason": "x"},
        ("POST", "/v1/invoice_items"): {
            "account": account, "unit_amount_decimal": "100", "currency": "EUR", "description": "x"},
        ("POST", "/v1/usage_events"): {"events": [{
            "id": "member-1", "subscription": subscription["id"], "meter": "outbound_minutes",
            "timestamp": now.isoformat()}]},
        ("POST", f"/v1/accounts/{account}/setup_intents"): None,
        ("POST", f"/v1/accounts/{account}/payment_methods/{victim['method']['id']}/default"): None,
        ("DELETE", f"/v1/accounts/{account}/payment_methods/{victim['method']['id']}"): None,
        ("POST", "/v1/payments"): {"account": account, "amount": 100, "currency": "EUR"},
        ("POST", f"/v1/accounts/{account}/top_ups"): {"amount": 100, "currency": "EUR"},
        ("POST", "/v1/webhook_endpoints"): {"url": "https://intrus.example/h", "enabled_events": ["*"]},
    }  # fmt: skip
    answers = {}
    for (method, path), body in writes.items():
        before = world.snapshot()
        answer = getattr(member, method.lower())(path, json=body)
        answers[(method, path)] = (answer.status_code, answer.json().get("code") if answer.content else None)
        if path == "/v1/usage_events":  # a batch answers per event, with its own status: 200
            refusal = answer.json()["errors"][0]["code"]
            answers[(method, path)] = (403 if refusal == "permission_denied" else answer.status_code, refusal)
        properties.check("a member key on a write route: 403", answers[(method, path)][0] == 403, f"{method} {path}")
        properties.check("a member key on a write route: nothing written", world.snapshot() == before, path)
    properties.load("a member key on a write route: 403", f"every write route ({len(writes)})")
    properties.verify()
    assert {code for _, code in answers.values()} <= {"operator_only", "owner_only", "permission_denied"}
    preview = member.post("/v1/invoices/preview", json={"subscription": subscription["id"]})
    assert preview.status_code == 200  # a read
