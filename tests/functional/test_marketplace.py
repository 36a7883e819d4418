"""AWS Marketplace, the third caller: a buyer registers through the fulfillment URL and the purchase is
linked to an account; bad, expired or replayed tokens are refused and change nothing."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from billing.marketplace.meter_usage import meter_usage
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


FIXTURES = Path(__file__).parent.parent / "fixtures" / "marketplace"


def notice(name, buyer, agreement="agmt-test0001", event_id=None):
    """A recorded payload with this buyer's ids in place of the placeholders."""
    text = (FIXTURES / f"{name}.json").read_text()
    for placeholder, value in (
        ("EVENT_ID", event_id or f"{name}-{buyer.customer_identifier}"),
        ("AGREEMENT_ID", agreement),
        ("ACCEPTOR_ACCOUNT", buyer.aws_account_id),
        ("LICENSE_ARN", buyer.license_arn),
        ("PRODUCT_CODE", buyer.product_code),
        ("CUSTOMER_IDENTIFIER", buyer.customer_identifier),
    ):
        text = text.replace(placeholder, value)
    return json.loads(text)


@pytest.fixture
def seats_price(as_operator):
    product = ok(as_operator.post("/v1/products", json={"name": "Plateforme"}))
    body = {
        "product": product["id"],
        "currency": "EUR",
        "unit_amount": 3000,
        "recurring": {"interval": "month"},
        "nickname": "Siège",
        "lookup_key": "seats",
    }
    return ok(as_operator.post("/v1/prices", json=body))


def registered(world, anonymous, owner, token):
    registration, link_token = landing(register(anonymous, token))
    return ok(owner.post(f"/v1/marketplace/registrations/{registration}/link", json={"link_token": link_token}))


def purchase_state(as_operator, account_id):
    """What the seller sees of the purchase: the account's subscriptions, in a comparable form."""
    subscriptions = ok(as_operator.get("/v1/subscriptions", params={"account": account_id}))["data"]
    return sorted(
        (s["status"], s["managed_by"], tuple(sorted((i["price"], i["quantity"]) for i in s["items"])))
        for s in subscriptions
    )


def test_events_in_order_start_follow_and_end_a_subscription_managed_by_aws(
    world, anonymous, as_operator, client_for, seats_price, event_tap
):
    token, buyer = world.marketplace.new_buyer("prod-cloud", {"seats": 5})
    account, owner = new_customer(as_operator, client_for)
    registration = registered(world, anonymous, owner, token)
    assert registration["subscription"] is None  # nothing from AWS yet

    world.deliver_marketplace(notice("purchase_agreement_created", buyer))
    world.deliver_marketplace(notice("license_updated", buyer))
    assert purchase_state(as_operator, account["id"]) == [("active", "aws_marketplace", ((seats_price["id"], 5),))]
    (subscription,) = ok(as_operator.get("/v1/subscriptions", params={"account": account["id"]}))["data"]
    assert subscription["latest_invoice"] is None  # AWS bills it
    assert subscription["marketplace"] == {
        "license_arn": buyer.license_arn,
        "entitlements": {"seats": 5},
        "free_trial": False,
    }
    refused = owner.patch(f"/v1/subscriptions/{subscription['id']}", json={"items": [{"price": seats_price["id"]}]})
    assert (refused.status_code, refused.json()["code"]) == (409, "managed_by_marketplace")

    # A contract upgrade: the entitlements change, the agreement is amended
    world.marketplace.licenses[buyer.license_arn] = {"seats": 12}
    world.deliver_marketplace(notice("purchase_agreement_amended", buyer))
    assert purchase_state(as_operator, account["id"]) == [("active", "aws_marketplace", ((seats_price["id"], 12),))]
    upgraded = ok(owner.get(f"/v1/subscriptions/{subscription['id']}"))
    assert upgraded["marketplace"]["entitlements"] == {"seats": 12}

    world.deliver_marketplace(notice("license_deprovisioned", buyer))
    assert purchase_state(as_operator, account["id"])[0][0] == "canceled"
    types = [e["detail-type"] for e in event_tap() if e["detail-type"].startswith(("subscription.", "entitlement."))]
    assert types == ["subscription.created", "subscription.updated", "entitlement.updated", "subscription.ended"]
    assert ok(as_operator.get("/v1/invoices", params={"account": account["id"]}))["data"] == []


@pytest.mark.parametrize("order", list(itertools.permutations(["created", "license", "register"])))
def test_any_order_and_duplicates_end_in_the_same_state(
    world, anonymous, as_operator, client_for, seats_price, event_tap, order
):
    token, buyer = world.marketplace.new_buyer("prod-cloud", {"seats": 3})
    account, owner = new_customer(as_operator, client_for)
    steps = {
        "created": lambda: world.deliver_marketplace(notice("purchase_agreement_created", buyer)),
        "license": lambda: world.deliver_marketplace(notice("license_updated", buyer)),
        "register": lambda: registered(world, anonymous, owner, token),
    }
    for step in order:
        steps[step]()
        if step != "register":
            steps[step]()  # delivered twice
    assert purchase_state(as_operator, account["id"]) == [("active", "aws_marketplace", ((seats_price["id"], 3),))]
    created = [e for e in event_tap() if e["detail-type"] == "subscription.created"]
    assert len(created) == 1


def test_legacy_sns_messages_start_and_end_the_purchase(world, anonymous, as_operator, client_for, seats_price):
    token, buyer = world.marketplace.new_buyer("prod-cloud", {"seats": 2})
    account, owner = new_customer(as_operator, client_for)
    subscribed = notice("sns_subscribe_success", buyer)
    subscribed["Message"] = subscribed["Message"].replace('"false"', '"true"')  # a free trial term
    world.deliver_marketplace(subscribed)  # before the registration: it waits
    registered(world, anonymous, owner, token)
    assert purchase_state(as_operator, account["id"]) == [("active", "aws_marketplace", ((seats_price["id"], 2),))]
    (subscription,) = ok(as_operator.get("/v1/subscriptions", params={"account": account["id"]}))["data"]
    assert subscription["marketplace"]["free_trial"] is True
    world.deliver_marketplace(notice("sns_unsubscribe_success", buyer))
    assert purchase_state(as_operator, account["id"])[0][0] == "canceled"


@pytest.fixture
def api_calls_price(as_operator, seats_price):
    body = {
        "product": seats_price["product"],
        "currency": "EUR",
        "unit_amount_decimal": "0.5",
        "recurring": {"interval": "month", "usage_type": "metered", "meter": {"event_name": "api_calls"}},
        "nickname": "Appels API",
        "lookup_key": "api_calls",
    }
    return ok(as_operator.post("/v1/prices", json=body))


def test_every_hour_is_metered_to_aws_once_with_allocations_through_failures_until_the_final_hour(
    world, anonymous, as_operator, client_for, seats_price, api_calls_price
):
    token, buyer = world.marketplace.new_buyer("prod-cloud", {"seats": 2})
    account, owner = new_customer(as_operator, client_for)
    registered(world, anonymous, owner, token)
    world.deliver_marketplace(notice("license_updated", buyer))
    (subscription,) = ok(as_operator.get("/v1/subscriptions", params={"account": account["id"]}))["data"]
    start = datetime.fromisoformat(subscription["created"]).replace(minute=0, second=0)

    # 48 hours: 3 calls an hour (two tagged team=a, one team=b) on even hours, none on odd ones;
    # AWS throttles or leaves records unprocessed now and then
    for n in range(48):
        hour = start + timedelta(hours=n)
        if n % 2 == 0:
            at = max(hour + timedelta(minutes=20), world.clock.now())
            world.advance_to(at)
            events = [
                {"id": f"c{n}-{k}", "subscription": subscription["id"], "meter": "api_calls",
                 "timestamp": at.isoformat(), "tags": {"team": "a" if k < 2 else "b"}}
                for k in range(3)
            ]  # fmt: skip
            assert ok(owner.post("/v1/usage_events", json={"events": events}))["accepted"] == 3
        if n in (5, 17, 30):
            world.marketplace.failures = 2
        world.advance_to(hour + timedelta(hours=1, minutes=5))
    window = {"from": start.isoformat(), "to": (start + timedelta(hours=48)).isoformat()}
    path = f"/v1/subscriptions/{subscription['id']}/marketplace_metering"
    hours = ok(owner.get(path, params=window))["data"]
    assert [h["hour"] for h in hours] == [
        (start + timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M:%SZ") for n in range(48)
    ]
    assert {h["status"] for h in hours} == {"sent"}
    assert max(h["attempts"] for h in hours) > 1  # some were sent again after a failure
    quantities = [h["dimensions"][0]["quantity"] for h in hours]
    assert quantities == [3 if n % 2 == 0 else 0 for n in range(48)]  # every hour, 0 included
    for h in hours:
        (dimension,) = h["dimensions"]
        assert sum(a["quantity"] for a in dimension["allocations"]) == dimension["quantity"]
    # AWS got each hour once
    assert len([k for k in world.marketplace.metered if k[1] == "api_calls"]) == 48

    # AWS ends the license: the hour it ends in is still reported, nothing after
    world.deliver_marketplace(notice("license_deprovisioned", buyer))
    end = world.clock.now()
    world.advance_to(end + timedelta(hours=5))
    after = ok(owner.get(path, params={"from": start.isoformat(), "to": (end + timedelta(hours=5)).isoformat()}))
    last = datetime.fromisoformat(after["data"][-1]["hour"])
    assert last == end.replace(minute=0, second=0, microsecond=0)
    assert len(after["data"]) == len({h["hour"] for h in after["data"]})


def test_a_month_of_hours_is_metered_exactly_once_through_throttling_and_unprocessed_records(
    world, anonymous, as_operator, client_for, seats_price, api_calls_price
):
    token, buyer = world.marketplace.new_buyer("prod-cloud", {"seats": 1})
    account, owner = new_customer(as_operator, client_for)
    registered(world, anonymous, owner, token)
    world.deliver_marketplace(notice("license_updated", buyer))
    (subscription,) = ok(as_operator.get("/v1/subscriptions", params={"account": account["id"]}))["data"]
    start = datetime.fromisoformat(subscription["created"]).replace(minute=0, second=0)
    for day in range(30):
        at = max(start + timedelta(days=day, hours=9), world.clock.now())
        world.advance_to(at)
        event = {"id": f"d{day}", "subscription": subscription["id"], "meter": "api_calls", "quantity": day + 1,
                 "timestamp": at.isoformat(), "tags": {"team": "a"}}  # fmt: skip
        ok(owner.post("/v1/usage_events", json={"events": [event]}))
        if day % 3 == 0:
            world.marketplace.failures = 3  # three passes in a row refused: hours wait, then go
        world.advance_to(start + timedelta(days=day + 1))
    path = f"/v1/subscriptions/{subscription['id']}/marketplace_metering"
    hours = []
    for week in range(5):
        window = {"from": (start + timedelta(days=7 * week)).isoformat(),
                  "to": min(start + timedelta(days=7 * week + 7), start + timedelta(days=30)).isoformat()}  # fmt: skip
        hours += ok(owner.get(path, params=window))["data"]
    assert len(hours) == 30 * 24
    assert {h["status"] for h in hours} == {"sent"}
    assert sum(h["dimensions"][0]["quantity"] for h in hours) == sum(range(1, 31))
    assert len([k for k in world.marketplace.metered if k[1] == "api_calls"]) == 30 * 24


def test_an_outage_longer_than_six_hours_reports_the_hours_aws_would_refuse_as_expired(
    world, anonymous, as_operator, client_for, seats_price, api_calls_price
):
    token, buyer = world.marketplace.new_buyer("prod-cloud", {"seats": 1})
    account, owner = new_customer(as_operator, client_for)
    registration = registered(world, anonymous, owner, token)
    world.deliver_marketplace(notice("license_updated", buyer))
    (subscription,) = ok(as_operator.get("/v1/subscriptions", params={"account": account["id"]}))["data"]
    start = datetime.fromisoformat(subscription["created"]).replace(minute=0, second=0)
    # The hourly passes, one an hour (as the billing run hands them to the worker); AWS refuses eight calls
    world.marketplace.failures = 8
    for n in range(1, 13):
        meter_usage(
            world.store, world.usage, world.marketplace, registration["id"], start + timedelta(hours=n, minutes=5)
        )
    hours = world.store.metering_hours(subscription["id"], start, start + timedelta(hours=12))
    statuses = [h.status.value for h in hours]
    assert len(statuses) == 12  # every hour accounted for, none lost silently
    assert statuses[:3] == ["expired"] * 3  # retried until AWS would refuse them (6 hours late)
    assert set(statuses[3:]) == {"sent"}
    assert len([k for k in world.marketplace.metered if k[1] == "api_calls"]) == 9
