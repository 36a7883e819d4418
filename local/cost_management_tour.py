"""Cost management as a customer meets it, against a running local backend (`make run`), through HTTP only.

    BILLING_OPERATOR_KEY=bk_... make run &
    BILLING_OPERATOR_KEY=bk_... make costs          # or: .venv/bin/python -m local.cost_management_tour

An account with two tagged subscriptions (one on a graduated tiered build-minutes price, one on storage
per GB) reports ten days of usage with team tags; the tour reads the account-wide daily CSV and the
forecast, sets a budget warned at 50 % and 100 %, sends more usage (once, then again, then a late event)
and sees each threshold announced exactly once, with its email; then it moves the clock past the period's
end and prints the chargeback by team, whose rows add up to the invoices' total. Each step checks its
figures; the exit status says whether all held.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

from local.replay_seed_stories import TIMEOUT, Local, euros, run_script

TIERS = [
    {"up_to": 5, "unit_amount_decimal": "700"},
    {"up_to": 10, "unit_amount_decimal": "650"},
    {"up_to": None, "unit_amount_decimal": "600"},
]


def catalog(local: Local) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    product = local.call("POST", "/v1/products", json={"name": "Plateforme de build"}, expect=201)
    seat = local.price(product["id"], "Siège développeur", 3000)
    tiered = {
        "product": product["id"],
        "currency": "EUR",
        "nickname": "Minutes de build",
        "recurring": {"interval": "month", "usage_type": "metered", "meter": {"event_name": "build_minutes"}},
        "billing_scheme": "tiered",
        "tiers_mode": "graduated",
        "tiers": TIERS,
    }
    builds = local.call("POST", "/v1/prices", json=tiered, expect=201)
    storage = local.price(product["id"], "Stockage (Go)", 10, usage_type="metered", meter={"event_name": "storage_gb"})
    return seat, builds, storage


def usage_day(subscription: str, meter: str, at: datetime, day: int, quantity: int, team: str) -> dict[str, Any]:
    return {
        "id": f"{meter}-{day}-{team}",
        "subscription": subscription,
        "meter": meter,
        "quantity": quantity,
        "timestamp": at.isoformat(),
        "tags": {"team": team},
    }


def tour(url: str, operator_key: str) -> Local:
    local = Local(url.rstrip("/"), operator_key)
    local.endpoints = requests.get(f"{local.url}/_local/endpoints", timeout=TIMEOUT).json()
    seat, builds, storage = catalog(local)
    account, key = local.customer("Forge Numérique SAS")
    base = f"/v1/accounts/{account['id']}"

    def subscribe(prices: list[dict[str, Any]], team: str) -> dict[str, Any]:
        body = {"account": account["id"], "items": [{"price": p["id"]} for p in prices], "tags": {"team": team}}
        return local.call("POST", "/v1/subscriptions", key, json=body, expect=201)

    platform = subscribe([seat, builds], "platform")
    data = subscribe([storage], "data")
    start = datetime.fromisoformat(platform["usage_period_start"])
    end = datetime.fromisoformat(platform["usage_period_end"])
    print("1. Two tagged subscriptions: team platform (a seat, tiered build minutes), team data (storage)")

    print("2. Ten days of usage, each day as it ends")
    for day in range(10):
        at = start + timedelta(days=day, hours=2)
        local.advance_to(at + timedelta(minutes=1))
        events = [
            usage_day(platform["id"], "build_minutes", at, day, 1, "platform"),
            usage_day(platform["id"], "build_minutes", at, day, 1, "data"),  # data's jobs on platform's runners
            usage_day(data["id"], "storage_gb", at, day, 50, "data"),
        ]
        result = local.call("POST", "/v1/usage_events", key, json={"events": events})
        assert result["accepted"] == 3, result

    # Days are the account's (Paris): late in the UTC evening, an event's day there is already the next one.
    zone = ZoneInfo(account["time_zone"])
    first_day = (start + timedelta(hours=2)).astimezone(zone).date().isoformat()
    last_day = (start + timedelta(days=9, hours=2)).astimezone(zone).date().isoformat()
    answer = requests.get(
        f"{local.url}{base}/usage_summaries",
        headers={"Authorization": f"Bearer {key}", "Accept": "text/csv"},
        params={"from": first_day, "to": last_day, "group_by": "meter,tag:team"},
        timeout=TIMEOUT,
    )
    print("3. The account-wide daily CSV (by meter and team):")
    print("    " + answer.text.strip().replace("\n", "\n    "))
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    local.check("CSV rows (10 days × builds for 2 teams + storage)", len(rows), 30)
    builds_cost = sum(round(float(r["cost"]) * 100) for r in rows if r["meter"] == "build_minutes")
    local.check("builds so far: 20 minutes on the tiers", euros(builds_cost), euros(5 * 700 + 5 * 650 + 10 * 600))

    forecast = local.call("GET", f"{base}/forecast", key)
    print("4. The forecast of the period (excluding tax → including tax):")
    for scenario in ("to_date", "linear", "trailing_7_days"):
        cost = forecast["totals"][0][scenario]
        print(f"    {scenario:16} {euros(cost['excluding_tax']):>12} → {euros(cost['including_tax'])}")
    local.check("projection above the period so far", forecast["totals"][0]["linear"]["excluding_tax"] > 0, True)

    # 50 % of 400 € (200 €) and 100 % are both passed by the next day's heavy builds.
    budget = {"name": "Build et stockage", "amount": 40000, "thresholds": [{"percent": 50}, {"percent": 100}]}
    created = local.call("POST", f"{base}/budgets", key, json=budget, expect=201)
    print(f"5. A budget of {euros(created['amount'])} HT a month, warned at 50 % and 100 %")
    at = start + timedelta(days=10, hours=2)
    local.advance_to(at + timedelta(minutes=1))
    heavy = [usage_day(platform["id"], "build_minutes", at, 10, 40, "platform")]
    local.call("POST", "/v1/usage_events", key, json={"events": heavy})
    local.call("POST", "/v1/usage_events", key, json={"events": heavy})  # sent twice
    late = [usage_day(platform["id"], "build_minutes", start + timedelta(days=3), 99, 2, "platform")]
    local.call("POST", "/v1/usage_events", key, json={"events": late})  # and one arriving late
    local.settle(lambda: len(_emails(local, account)) >= 2, "the budget emails")

    def crossings() -> list[dict[str, Any]]:
        listed = local.call("GET", "/v1/events", params={"type": "budget.threshold_crossed", "limit": 100})["data"]
        return [e["data"]["object"] for e in listed if e["account"] == account["id"]]

    # The events are listed once the billing run has published them from the outbox: wait for both (a third
    # one, a duplicate, would still fail the check below).
    local.settle(lambda: len(crossings()) >= 2, "the budget events")
    crossed = crossings()
    for event in sorted(crossed, key=lambda e: e["percent"]):
        print(f"    budget.threshold_crossed: {event['percent']} % ({event['basis']}), {euros(event['value'])} HT")
    local.check("one event per threshold", sorted(e["percent"] for e in crossed), [50, 100])
    mails = _emails(local, account)
    for mail in mails:
        print(f"    email to {mail['to'][0]}: {mail['subject']}")
    local.check("one email per threshold", len(mails), 2)

    print("6. The period ends: the invoices are finalized, then the chargeback by team")
    local.advance_to(end + timedelta(hours=2))
    month = (end + timedelta(hours=2)).astimezone(ZoneInfo(account["time_zone"])).strftime("%Y-%m")
    allocation = local.call("GET", f"{base}/cost_allocation", key, params={"period": month, "by": "tag:team"})
    invoices = [local.invoice(i, key) for i in allocation["invoices"]]
    for invoice in invoices:
        print(f"    invoice {invoice['number']}: {euros(invoice['total'])} TTC")
    for row in allocation["chargeback"]:
        team = row["value"] or "(sans équipe)"
        print(
            f"    {team:12} {euros(row['excluding_tax']):>12} HT  {euros(row['tax']):>10} TVA  "
            f"{euros(row['including_tax']):>12} TTC"
        )
    total = sum(row["including_tax"] for row in allocation["chargeback"])
    print(f"    {'total':12} {'':>12}     {'':>10}      {euros(total):>12} TTC")
    local.check("chargeback rows add up to the invoices", euros(total), euros(sum(i["total"] for i in invoices)))
    return local


def _emails(local: Local, account: dict[str, Any]) -> list[dict[str, Any]]:
    emails = requests.get(
        f"{local.url}/_local/emails", params={"to": account["billing_email"]}, timeout=TIMEOUT
    ).json()["data"]
    return [e for e in emails if e["subject"].startswith("Budget")]


def main() -> None:
    run_script(__doc__ or "", tour)


if __name__ == "__main__":
    main()
