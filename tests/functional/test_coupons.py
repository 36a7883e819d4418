"""Coupons as the seller manages them: read one back with its redemptions."""

from __future__ import annotations

from tests.api_setup import make_catalog, new_customer, ok


def test_an_operator_reads_a_coupon_with_its_redemptions(as_operator, client_for):
    # Given a 20 % coupon redeemed once by a subscription
    catalog = make_catalog(as_operator)
    coupon = ok(as_operator.post("/v1/coupons", json={"duration": "once", "percent_off": "20", "name": "Lancement"}))
    account, owner = new_customer(as_operator, client_for)
    subscribe = {"account": account["id"], "items": [{"price": catalog.seat["id"]}], "coupon": coupon["id"]}
    ok(owner.post("/v1/subscriptions", json=subscribe), 201)
    # When the operator reads it
    read = ok(as_operator.get(f"/v1/coupons/{coupon['id']}"))
    # Then it shows its terms and the redemption
    assert (read["id"], read["name"], read["percent_off"]) == (coupon["id"], "Lancement", "20")
    assert read["times_redeemed"] == 1


def test_a_customer_key_may_not_read_coupons_and_an_unknown_one_is_a_404(as_operator, client_for):
    # Given a coupon, and a customer
    coupon = ok(as_operator.post("/v1/coupons", json={"duration": "once", "percent_off": "10"}))
    _, owner = new_customer(as_operator, client_for)
    # When the customer reads it, then it is refused: coupons are for operators
    refused = owner.get(f"/v1/coupons/{coupon['id']}")
    assert (refused.status_code, refused.json()["code"]) == (403, "operator_only")
    # When an operator reads one that does not exist, or a malformed id, then 404 and 400
    missing = as_operator.get("/v1/coupons/coupon_doesnotexist")
    assert (missing.status_code, missing.json()["code"]) == (404, "coupon_not_found")
    malformed = as_operator.get("/v1/coupons/not-a-coupon")
    assert malformed.status_code == 400
