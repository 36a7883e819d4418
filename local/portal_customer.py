"""A customer to open the billing portal as, against a running local backend (`make run`).

    BILLING_OPERATOR_KEY=bk_... make run &
    BILLING_OPERATOR_KEY=bk_... .venv/bin/python -m local.portal_customer   # prints the portal link

Cloudcraft's situation (seed 005): a company on the monthly plan of "Cloudcraft Pro" with 2 seats, paid by a
saved card, half-way through its month, and the same plan offered yearly. The script buys it through the
API as the seller's server would (the card confirmed as Stripe.js would), moves the clock to mid-month, asks
for a portal session with the owner's key and prints the one-time URL (``--json``: everything, for the
browser tests in portal/e2e).
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

import requests

from local.replay_seed_stories import TIMEOUT, Local, run_script

PRODUCT = "Cloudcraft Pro"


def cloudcraft_customer(url: str, operator_key: str) -> tuple[Local, dict[str, str]]:
    local = Local(url.rstrip("/"), operator_key)
    local.endpoints = requests.get(f"{local.url}/_local/endpoints", timeout=TIMEOUT).json()
    product = local.call("POST", "/v1/products", json={"name": PRODUCT}, expect=201)
    monthly = local.price(product["id"], "Mensuel", 4900)
    local.price(product["id"], "Annuel", 49000, recurring={"interval": "year"})
    account, key = local.customer("Studio Nuage SAS")
    local.save_card(account["id"], key)
    subscription = local.call(
        "POST",
        "/v1/subscriptions",
        key,
        json={"account": account["id"], "items": [{"price": monthly["id"], "quantity": 2}]},
        expect=201,
    )
    # The first month is invoiced and charged within the hour; the switch happens mid-month.
    local.advance_to(local.now() + timedelta(hours=2))
    first = local.invoice(subscription["latest_invoice"], key)
    local.settle(lambda: local.invoice(first["id"], key)["status"] == "paid", "the first invoice's payment")
    local.advance_to(local.now() + timedelta(days=15))
    session = local.call(
        "POST",
        "/v1/portal_sessions",
        key,
        json={"account": account["id"], "return_url": "https://app.example.com/account", "locale": "fr"},
        expect=201,
    )
    local.check("the first month is paid", local.invoice(first["id"], key)["status"], "paid")
    found = {
        "portal_url": session["url"],
        "account": account["id"],
        "subscription": subscription["id"],
        "first_invoice": first["number"],
    }
    return local, found


def main() -> None:
    as_json = "--json" in sys.argv
    if as_json:
        sys.argv.remove("--json")

    def play(url: str, key: str) -> Local:
        local, found = cloudcraft_customer(url, key)
        print(json.dumps(found) if as_json else f"Open within 5 minutes: {found['portal_url']}", flush=True)
        return local

    run_script(__doc__ or "", play)


if __name__ == "__main__":
    main()
