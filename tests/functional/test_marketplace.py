"""AWS Marketplace, the third caller: a buyer registers through the fulfillment URL and the purchase is
linked to an account; bad, expired or replayed tokens are refused and change nothing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.api_setup import new_customer, ok

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def register(anonymous, token):
    return anonymous.post("/marketplace/register", data=f"x-amzn-marketplace-token={token}", headers=FORM)


def landing(answer):
    assert answer.status_code == 303, answer.text
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://app.example.com/aws/welcome"
    query = parse_qs(location.query)
    return query["registration"][0], query["link_token"][0]


def test_a_buyer_registers_and_the_owner_links_the_purchase_to_their_account(
    world, anonymous, as_operator, client_for, event_tap
):
    token, buyer = world.marketplace.new_buyer("prod-cloud", {"seats": 5})
    registration, link_token = landing(register(anonymous, token))
    account, owner = new_customer(as_operator, client_for)
    path = f"/v1/marketplace/registrations/{registration}/link"

    linked = ok(owner.post(path, json={"link_token": link_token}))
    assert (linked["account"], linked["license_arn"], linked["aws_account_id"]) == (
        account["id"],
        buyer.license_arn,
        buyer.aws_account_id,
    )
    assert ok(owner.post(path, json={"link_token": link_token}))["linked_at"] == linked["linked_at"]  # once
    registered = [e["detail"] for e in event_tap() if e["detail-type"] == "marketplace.customer_registered"]
    assert [(e["account"], e["product_code"]) for e in registered] == [(account["id"], "prod-cloud")]

    # The same link token in another owner's hands: that purchase is someone else's
    _, intruder = new_customer(as_operator, client_for)
    taken = intruder.post(path, json={"link_token": link_token})
    assert (taken.status_code, taken.json()["code"]) == (409, "marketplace_already_registered")


def test_bad_expired_and_replayed_tokens_are_refused_and_change_nothing(world, anonymous, as_operator, client_for):
    token, _ = world.marketplace.new_buyer("prod-cloud", {"seats": 1})
    expired, _ = world.marketplace.new_buyer("prod-cloud", {"seats": 1})
    world.marketplace.expired.add(expired)
    before = world.snapshot()
    for bad in ("forged", expired, ""):
        refused = register(anonymous, bad)
        assert (refused.status_code, refused.json()["code"]) == (400, "marketplace_token_invalid"), bad
    assert world.snapshot() == before

    registration, _ = landing(register(anonymous, token))
    replayed = register(anonymous, token)
    assert (replayed.status_code, replayed.json()["code"]) == (409, "marketplace_already_registered")

    account, owner = new_customer(as_operator, client_for)
    path = f"/v1/marketplace/registrations/{registration}/link"
    wrong = owner.post(path, json={"link_token": "x" * 43})
    assert (wrong.status_code, wrong.json()["code"]) == (403, "link_token_invalid")
    missing = owner.post("/v1/marketplace/registrations/mpreg_00000000000000000000/link", json={"link_token": "x" * 43})
    assert (missing.status_code, missing.json()["code"]) == (404, "registration_not_found")
    # An operator links it to the account it created for the buyer
    assert ok(as_operator.post(path, json={"account": account["id"]}))["account"] == account["id"]
