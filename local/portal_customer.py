"""A customer to open the billing portal as, against a running local backend (`make run`).

    BILLING_OPERATOR_KEY=bk_... make run &
    BILLING_OPERATOR_KEY=bk_... .venv/bin/python -m local.portal_customer [--story NAME] [--json]

Each story is a seed's situation, bought through the API as the seller's server would (the card confirmed as
Stripe.js would), then a portal session asked with the owner's key; the script prints the one-time URL
(``--json``: everything, for the browser tests in portal/e2e).
- cloudcraft (seed 000): the monthly plan of "Cloudcraft Pro" with 2 seats, paid by card, half-way through its
  month, the same plan offered yearly;
- ibm (seed 001, IBM Cloud's "Payments"): an invoice sent for payment by transfer, still owed,
  and a saved card to pay any part of it;
- alwaysdata (seed 002): a prepaid hosting plan invoiced monthly, a saved card to top the account up with;
- aircall (seed 003): 3 licences and metered outbound minutes, renewed once: its invoice's sections;
- azure (seed 004): compute hours metered day by day over three days;
- restricted (seed 002's restricted mode): the same plan as alwaysdata's, its invoice 16 days overdue.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime, timedelta

import requests

from local.replay_seed_stories import TIMEOUT, Local, run_script

PRODUCT = "Cloudcraft Pro"


def cloudcraft_customer(local: Local) -> dict[str, str]:
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
    local.check("the first month is paid", local.invoice(first["id"], key)["status"], "paid")
    return {
        "portal_url": portal_url(local, account["id"], key),
        "account": account["id"],
        "subscription": subscription["id"],
        "first_invoice": first["number"],
    }


def invoiced_customer(
    local: Local, legal_name: str, product_name: str, unit_amount: int, overdue_days: int = 0
) -> dict[str, str]:
    """A plan whose invoices are sent for payment (30 days), its first one finalized and owed, and a card;
    ``overdue_days``: the invoice was due at once and is that many days late (dunning has acted)."""
    product = local.call("POST", "/v1/products", json={"name": product_name}, expect=201)
    monthly = local.price(product["id"], "Mensuel", unit_amount)
    account, key = local.customer(legal_name)
    local.save_card(account["id"], key)
    subscription = local.call(
        "POST",
        "/v1/subscriptions",
        key,
        json={
            "account": account["id"],
            "items": [{"price": monthly["id"]}],
            "collection_method": "send_invoice",
            "days_until_due": 0 if overdue_days else 30,
        },
        expect=201,
    )
    local.advance_to(local.now() + timedelta(hours=2, days=overdue_days))
    first = local.invoice(subscription["latest_invoice"], key)
    local.check("the first invoice is owed", (first["status"], first["amount_remaining"] > 0), ("open", True))
    return {
        "portal_url": portal_url(local, account["id"], key),
        "account": account["id"],
        "subscription": subscription["id"],
        "first_invoice": first["number"],
        "period_end": subscription["current_period_end"],
    }


def metered_customer(local: Local) -> dict[str, str]:
    """Azure's cost views: compute hours metered day by day, each tagged with its team, under a 5 € monthly
    budget."""
    product = local.call("POST", "/v1/products", json={"name": "Machines virtuelles"}, expect=201)
    hours = local.price(
        product["id"], "Heures de calcul", 12, usage_type="metered", meter={"event_name": "compute_hours"}
    )
    account, key = local.customer("Calcul Nuage SAS")
    local.save_card(account["id"], key)
    subscription = local.call(
        "POST",
        "/v1/subscriptions",
        key,
        json={"account": account["id"], "items": [{"price": hours["id"]}], "tags": {"team": "data"}},
        expect=201,
    )
    budget = {"name": "Calcul", "amount": 500, "thresholds": [{"percent": 80}, {"percent": 100}]}
    local.call("POST", f"/v1/accounts/{account['id']}/budgets", key, json=budget, expect=201)
    daily_hours = [24, 30, 18]
    for day, quantity in enumerate(daily_hours, start=1):
        local.advance_to(local.now() + timedelta(days=1))
        at = (local.now() - timedelta(hours=1)).isoformat()
        events = [
            {
                "id": f"vm-{day}-{n}",
                "subscription": subscription["id"],
                "meter": "compute_hours",
                "timestamp": at,
                "tags": {"team": "data" if n % 3 else "web"},  # two hours in three for the data team
            }
            for n in range(quantity)
        ]
        local.call("POST", "/v1/usage_events", key, json={"events": events})
    return {
        "portal_url": portal_url(local, account["id"], key),
        "account": account["id"],
        "subscription": subscription["id"],
        "daily_hours": ",".join(map(str, daily_hours)),
    }


def aircall_customer(local: Local) -> dict[str, str]:
    """Aircall's invoice: 3 licences and the month's outbound minutes, renewed once, paid by card."""
    product = local.call("POST", "/v1/products", json={"name": "Aircall Professional"}, expect=201)
    licence = local.price(product["id"], "Licence", 4000)
    minutes = local.price(
        product["id"], "Minutes sortantes", 5, usage_type="metered", meter={"event_name": "outbound_minutes"}
    )
    account, key = local.customer("Centre d'Appels SAS")
    local.save_card(account["id"], key)
    items = [{"price": licence["id"], "quantity": 3}, {"price": minutes["id"]}]
    subscription = local.call(
        "POST", "/v1/subscriptions", key, json={"account": account["id"], "items": items}, expect=201
    )
    local.advance_to(local.now() + timedelta(days=10))
    at = (local.now() - timedelta(hours=1)).isoformat()
    calls = [
        {"id": f"call-{n}", "subscription": subscription["id"], "meter": "outbound_minutes", "timestamp": at}
        for n in range(40)
    ]
    local.call("POST", "/v1/usage_events", key, json={"events": calls})
    period_end = datetime.fromisoformat(subscription["current_period_end"].replace("Z", "+00:00"))
    local.advance_to(period_end + timedelta(hours=2))
    renewed = local.call("GET", f"/v1/subscriptions/{subscription['id']}", key)
    renewal = local.invoice(renewed["latest_invoice"], key)
    local.check(
        "the renewal bills licences and minutes",
        sorted(name for name, lines in renewal["sections"].items() if lines),
        ["recurring", "usage"],
    )
    return {
        "portal_url": portal_url(local, account["id"], key),
        "account": account["id"],
        "renewal_invoice": renewal["number"],
    }


def portal_url(local: Local, account_id: str, key: str) -> str:
    session = local.call(
        "POST",
        "/v1/portal_sessions",
        key,
        json={"account": account_id, "return_url": "https://app.example.com/account", "locale": "fr"},
        expect=201,
    )
    return str(session["url"])


STORIES: dict[str, Callable[[Local], dict[str, str]]] = {
    "cloudcraft": cloudcraft_customer,
    "ibm": lambda local: invoiced_customer(local, "Calcul Partiel SAS", "IBM Cloud Virtual Server", 9900),
    "alwaysdata": lambda local: invoiced_customer(local, "Hébergement Prépayé SARL", "alwaysdata Pack 10 Go", 1500),
    "azure": metered_customer,
    # alwaysdata's restricted mode: an invoice 16 days overdue (restricted from the 15th day)
    "restricted": lambda local: invoiced_customer(
        local, "Hébergement en Retard SARL", "alwaysdata Pack 10 Go", 1500, overdue_days=16
    ),
    "aircall": aircall_customer,
}


def main() -> None:
    chosen = argparse.ArgumentParser(add_help=False)
    chosen.add_argument("--story", choices=sorted(STORIES), default="cloudcraft")
    chosen.add_argument("--json", action="store_true")
    options, sys.argv[1:] = chosen.parse_known_args()

    def play(url: str, key: str) -> Local:
        local = Local(url.rstrip("/"), key)
        local.endpoints = requests.get(f"{local.url}/_local/endpoints", timeout=TIMEOUT).json()
        found = STORIES[options.story](local)
        print(json.dumps(found) if options.json else f"Open within 5 minutes: {found['portal_url']}", flush=True)
        return local

    run_script(__doc__ or "", play)


if __name__ == "__main__":
    main()
