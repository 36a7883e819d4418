"""An AWS Marketplace purchase against a running local backend (`make run`), through HTTP only.

    BILLING_OPERATOR_KEY=bk_... make run &
    BILLING_OPERATOR_KEY=bk_... make marketplace     # or: .venv/bin/python -m local.marketplace_tour

The local emulator plays AWS: it creates a buyer with a registration token and entitlements
(`/_local/marketplace/buyers`), and delivers AWS's notices to the marketplace queue
(`/_local/marketplace/events`). The tour posts the token to the fulfillment URL as the buyer's browser does
(a redirect to the landing page), links the purchase to a new account with the one-time link token,
delivers the agreement and license events (the second time, twice), reads the subscription AWS manages
(read-only, items following the entitlements, nothing invoiced), upgrades the contract, and ends it with
License Deprovisioned after reporting three hours of tagged usage to AWS (BatchMeterUsage, through the
billing run and the worker). Each step checks its figures; the exit status says whether all held.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from local.replay_seed_stories import TIMEOUT, Local, run_script

FIXTURES = Path(__file__).parent.parent / "tests" / "fixtures" / "marketplace"
PRODUCT_CODE = "prod-local-cloud"


def notice(name: str, buyer: dict[str, Any], agreement: str) -> dict[str, Any]:
    """A recorded AWS payload with this buyer's ids (tests/fixtures/marketplace/README.md says whence)."""
    text = (FIXTURES / f"{name}.json").read_text()
    for placeholder, value in (
        ("EVENT_ID", str(uuid.uuid4())),
        ("AGREEMENT_ID", agreement),
        ("ACCEPTOR_ACCOUNT", buyer["CustomerAWSAccountId"]),
        ("LICENSE_ARN", buyer["LicenseArn"]),
        ("PRODUCT_CODE", buyer["ProductCode"]),
        ("CUSTOMER_IDENTIFIER", buyer["CustomerIdentifier"]),
    ):
        text = text.replace(placeholder, value)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def tour(url: str, operator_key: str) -> Local:
    local = Local(url.rstrip("/"), operator_key)
    local.endpoints = requests.get(f"{local.url}/_local/endpoints", timeout=TIMEOUT).json()
    product = local.call("POST", "/v1/products", json={"name": "Plateforme cloud (AWS Marketplace)"}, expect=201)
    seats = local.price(product["id"], "Siège (AWS)", 3000, lookup_key="seats")
    storage = local.price(product["id"], "Stockage To (AWS)", 2000, lookup_key="storage_tb")
    calls = local.price(
        product["id"], "Appels API (AWS)", 1, lookup_key="api_calls", usage_type="metered",
        meter={"event_name": "api_calls"},
    )  # fmt: skip

    print("1. AWS: a buyer subscribes; the emulator gives their registration token and entitlements")
    buyer = requests.post(
        f"{local.url}/_local/marketplace/buyers",
        json={"product_code": PRODUCT_CODE, "entitlements": {"seats": 5, "storage_tb": 2}},
        timeout=TIMEOUT,
    ).json()
    print(f"    AWS account {buyer['CustomerAWSAccountId']}, license {buyer['LicenseArn']}")

    print("2. The buyer's browser posts the token to the fulfillment URL")
    answer = requests.post(
        f"{local.url}/marketplace/register",
        data={"x-amzn-marketplace-token": buyer["token"]},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    location = answer.headers.get("Location", "")
    print(f"    {answer.status_code} → {location.split('?')[0]}?registration=…&link_token=…")
    local.check("redirected to the landing page", answer.status_code, 303)
    query = parse_qs(urlsplit(location).query)
    registration, link_token = query["registration"][0], query["link_token"][0]
    replayed = requests.post(
        f"{local.url}/marketplace/register", data={"x-amzn-marketplace-token": buyer["token"]}, timeout=TIMEOUT
    )
    local.check(
        "the same token again", (replayed.status_code, replayed.json()["code"]), (409, "marketplace_already_registered")
    )

    print("3. The seller's sign-up page opens an account; its owner links the purchase with the link token")
    account, key = local.customer("Nuage Acheteur SAS")
    linked = local.call(
        "POST", f"/v1/marketplace/registrations/{registration}/link", key, json={"link_token": link_token}
    )
    local.check("linked to the account", linked["account"], account["id"])

    print("4. AWS's notices: agreement created, license updated (delivered twice)")
    agreement = f"agmt-{uuid.uuid4().hex[:20]}"
    license_updated = notice("license_updated", buyer, agreement)
    for message in (notice("purchase_agreement_created", buyer, agreement), license_updated, license_updated):
        requests.post(f"{local.url}/_local/marketplace/events", json=message, timeout=TIMEOUT).raise_for_status()

    def subscriptions() -> list[dict[str, Any]]:
        return local.call("GET", "/v1/subscriptions", key, params={"account": account["id"]})["data"]

    local.settle(lambda: bool(subscriptions()), "the subscription AWS manages")
    (subscription,) = subscriptions()
    names = {seats["id"]: "seats", storage["id"]: "storage_tb", calls["id"]: "api_calls"}
    items = sorted((names[i["price"]], i["quantity"]) for i in subscription["items"])
    print(f"    {subscription['id']}: {subscription['status']}, managed_by {subscription['managed_by']}, items {items}")
    print(f"    as AWS gives it: {subscription['marketplace']}")
    local.check("items follow the entitlements", items, [("api_calls", 1), ("seats", 5), ("storage_tb", 2)])
    local.check("entitlements shown", subscription["marketplace"]["entitlements"], {"seats": 5, "storage_tb": 2})
    local.check("nothing invoiced here", subscription["latest_invoice"], None)
    refused = requests.patch(
        f"{local.url}/v1/subscriptions/{subscription['id']}",
        headers={"Authorization": f"Bearer {key}"},
        json={"items": [{"price": seats["id"], "quantity": 9}]},
        timeout=TIMEOUT,
    )
    print(f"    PATCH → {refused.status_code} {refused.json()['code']}: {refused.json()['detail']}")
    local.check("read-only here", refused.status_code, 409)

    print("5. A contract upgrade: 12 seats, the agreement amended")
    requests.post(
        f"{local.url}/_local/marketplace/entitlements",
        json={"license_arn": buyer["LicenseArn"], "entitlements": {"seats": 12, "storage_tb": 2}},
        timeout=TIMEOUT,
    ).raise_for_status()
    amended = notice("purchase_agreement_amended", buyer, agreement)
    requests.post(f"{local.url}/_local/marketplace/events", json=amended, timeout=TIMEOUT).raise_for_status()

    def seats_now() -> int:
        current = local.call("GET", f"/v1/subscriptions/{subscription['id']}", key)
        return next(i["quantity"] for i in current["items"] if i["price"] == seats["id"])

    local.settle(lambda: seats_now() == 12, "the upgrade")
    local.check("seats after the upgrade", seats_now(), 12)

    print("6. Three hours of API calls, tagged by team; the clock moves three hours: each hour reported to AWS")
    start = local.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    for n in range(3):
        at = start + timedelta(hours=n, minutes=10)
        local.advance_to(at)
        events = [
            {"id": f"h{n}-{k}", "subscription": subscription["id"], "meter": "api_calls", "quantity": 10 * (n + 1),
             "timestamp": at.isoformat(), "tags": {"team": "data" if k else "web"}}
            for k in range(2)
        ]  # fmt: skip
        local.call("POST", "/v1/usage_events", key, json={"events": events})
    local.advance_to(start + timedelta(hours=3, minutes=5))
    window = {"from": start.isoformat(), "to": (start + timedelta(hours=3)).isoformat()}
    metering = f"/v1/subscriptions/{subscription['id']}/marketplace_metering"
    hours = local.call("GET", metering, key, params=window)["data"]
    for hour in hours:
        (sent,) = hour["dimensions"]
        shares = ", ".join(f"{a['tags']}={a['quantity']}" for a in sent["allocations"])
        outcome = f"{hour['status']}, {sent['status']}"
        print(f"    {hour['hour']}: {sent['dimension']} {sent['quantity']} ({shares}) → {outcome}")
    local.check("three hours sent", [(h["status"], h["dimensions"][0]["quantity"]) for h in hours],
                [("sent", 20), ("sent", 40), ("sent", 60)])  # fmt: skip
    local.check("allocations add up", all(
        sum(a["quantity"] for a in h["dimensions"][0]["allocations"]) == h["dimensions"][0]["quantity"] for h in hours
    ), True)  # fmt: skip

    print("7. AWS ends the license; two more hours pass: the final hour is reported, nothing after")
    ended = notice("license_deprovisioned", buyer, agreement)
    requests.post(f"{local.url}/_local/marketplace/events", json=ended, timeout=TIMEOUT).raise_for_status()

    def status() -> str:
        return str(local.call("GET", f"/v1/subscriptions/{subscription['id']}", key)["status"])

    local.settle(lambda: status() == "canceled", "the end")
    local.check("ended", status(), "canceled")
    invoices = local.call("GET", "/v1/invoices", key, params={"account": account["id"]})["data"]
    local.check("invoices issued here for it", len(invoices), 0)
    ended_at = local.now()
    local.advance_to(ended_at + timedelta(hours=2, minutes=5))
    later = {"from": start.isoformat(), "to": (ended_at + timedelta(hours=3)).isoformat()}
    reported = [h["hour"] for h in local.call("GET", metering, key, params=later)["data"]]
    final = ended_at.replace(minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(f"    hours reported: {len(reported)}, the last {reported[-1]} (the license ended in {final})")
    local.check("nothing after the final hour", reported[-1], final)
    return local


def main() -> None:
    run_script(__doc__ or "", tour)


if __name__ == "__main__":
    main()
