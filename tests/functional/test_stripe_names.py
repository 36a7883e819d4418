"""Stripe's field names, accepted where the concept is the same (docs/decisions.md says what differs)."""

from __future__ import annotations

import pytest

from tests.api_setup import make_catalog, new_customer, ok
from tests.builders import french_company


@pytest.fixture
def catalog(as_operator):
    return make_catalog(as_operator)


def test_email_is_the_billing_contact_as_in_stripe(as_operator):
    profile = french_company()
    profile["email"] = profile.pop("billing_email")
    account = ok(as_operator.post("/v1/accounts", json=profile), 201)
    assert account["billing_email"] == "compta@exemple.fr"
    changed = ok(as_operator.patch(f"/v1/accounts/{account['id']}", json={"email": "factures@exemple.fr"}))
    assert changed["billing_email"] == "factures@exemple.fr"


def test_a_metered_price_may_say_so_under_recurring_as_in_stripe(as_operator, catalog):
    body = {
        "product": catalog.product["id"],
        "currency": "EUR",
        "unit_amount": 5,
        "recurring": {"interval": "month", "usage_type": "metered", "meter": {"event_name": "api_calls"}},
    }
    price = ok(as_operator.post("/v1/prices", json=body), 201)
    assert (price["usage_type"], price["recurring"]["usage_type"]) == ("metered", "metered")
    assert price["meter"]["event_name"] == "api_calls"
    # The same field in both places, with different values, is refused and stores nothing
    conflicting = body | {"usage_type": "licensed"}
    answer = as_operator.post("/v1/prices", json=conflicting)
    assert (answer.status_code, answer.json()["code"]) == (400, "conflicting_parameters")
    # The same value in both places is no conflict
    assert ok(as_operator.post("/v1/prices", json=body | {"usage_type": "metered"}), 201)["usage_type"] == "metered"


def test_a_preview_takes_stripe_s_subscription_details(as_operator, client_for, catalog):
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(
        owner.post("/v1/subscriptions", json={"account": account["id"], "items": [{"price": catalog.seat["id"]}]}),
        201,
    )
    item = subscription["items"][0]["id"]
    ours = {"subscription": subscription["id"], "items": [{"id": item, "quantity": 3}]}
    preview = ok(owner.post("/v1/invoices/preview", json=ours))
    stripe_shaped = {
        "subscription": subscription["id"],
        "subscription_details": {
            "items": [{"id": item, "quantity": 3}],
            "proration_date": preview["proration_date"],
        },
    }
    again = ok(owner.post("/v1/invoices/preview", json=stripe_shaped))
    assert again["total"] == preview["total"] > 0
    assert (again["subtotal"], again["proration_date"]) == (preview["subtotal"], preview["proration_date"])
