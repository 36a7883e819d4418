"""Crashes during renewals: the hourly billing run, the worker renewing and finalizing, the documents and
the charges it sets off, each month with one fault injected (local/faults.py) somewhere in the month's
work of every subscription renewing. After each month, every account holds: each invoice paid once, one
charge and one email per invoice, gapless numbers, a balance of zero.

A backend of its own (`make run`'s, the clock moves), on moto (the faults are our moto wrapper's).
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta

import pytest
import requests

from local.replay_seed_stories import Local
from tests.budgets import soaking
from tests.integration.conftest import OPERATOR_KEY

pytestmark = pytest.mark.integration

# (operation, when, which call of the month): spread over the renewal's writes and side effects.
FAULTS = [
    ("dynamodb:TransactWriteItems", "after", 0),
    ("dynamodb:TransactWriteItems", "after", 4),
    ("sqs:SendMessageBatch", "after", 0),
    ("events:PutEvents", "before", 1),
    ("ses:SendRawEmail", "before", 0),
    ("dynamodb:TransactWriteItems", "after", 9),
    ("s3:PutObject", "before", 0),
    ("dynamodb:PutItem", "after", 0),
    ("dynamodb:BatchWriteItem", "before", 0),  # events published, their outbox items not yet deleted
    ("events:PutEvents", "after", 0),
]


@pytest.mark.skipif(bool(os.environ.get("AWS_ENDPOINT_URL")), reason="faults are injected by our moto wrapper")
def test_renewals_with_a_crash_each_month_keep_every_account_whole(running_backend, properties):
    local = Local(running_backend, OPERATOR_KEY)
    local.endpoints = requests.get(f"{local.url}/_local/endpoints", timeout=10).json()
    faults_url = f"{local.endpoints['aws']}/_faults"
    product = local.call("POST", "/v1/products", json={"name": "Hébergement"}, expect=201)
    price = local.price(product["id"], "Mensuel", 1500)
    customers: list[tuple[dict, str]] = []
    months = FAULTS if soaking() else FAULTS[:5]
    properties.load(
        "a crash during renewals: every account whole",
        f"{len(months)} months, a fault each, up to {len(months)} subscriptions renewing",
    )
    for operation, when, skip in months:
        account, key = local.customer(f"Renouvellement {len(customers) + 1} SAS")
        local.save_card(account["id"], key)
        body = {"account": account["id"], "items": [{"price": price["id"]}]}
        local.call("POST", "/v1/subscriptions", key, json=body, expect=201)
        customers.append((account, key))
        requests.post(faults_url, json={"operation": operation, "when": when, "skip": skip}, timeout=10)
        local.advance_to(local.now() + timedelta(days=31, hours=2))
        seen = requests.get(faults_url, timeout=10).json()
        fired = seen["armed"]["fired"]
        requests.delete(faults_url, timeout=10)
        local.settle(lambda: all(_paid(local, a["id"], k) for a, k in customers), "every invoice paid", timeout=60)
        broken = [_whole(local, account, key) for account, key in customers]
        numbers = [i["number"] for account, key in customers for i in _invoices(local, account["id"], key)]
        properties.check("gapless numbers", _gapless(numbers), str(sorted(numbers)))
        properties.check(
            "a crash during renewals: every account whole",
            fired and not any(broken),
            f"{when} {operation} #{skip + 1}: fired={fired} {[b for b in broken if b]}"
            + ("" if fired else f" (calls seen: {seen['calls']})"),
        )
    properties.load("gapless numbers", "invoices of renewals crashed and retried")
    properties.verify()


def _invoices(local: Local, account_id: str, key: str) -> list[dict]:
    return local.call("GET", "/v1/invoices", key, params={"account": account_id, "limit": 100})["data"]


def _paid(local: Local, account_id: str, key: str) -> bool:
    return all(invoice["status"] == "paid" for invoice in _invoices(local, account_id, key))


def _whole(local: Local, account: dict, key: str) -> dict:
    """What is wrong with the account, if anything."""
    invoices = _invoices(local, account["id"], key)
    payments = local.call("GET", "/v1/payments", key, params={"account": account["id"], "limit": 100})["data"]
    emails = requests.get(f"{local.url}/_local/emails", params={"to": account["billing_email"]}, timeout=10).json()
    subjects = [e["subject"] for e in emails["data"]]
    wrong: dict = {}
    paid = Counter(p["invoice"] for p in payments if p["status"] == "succeeded")
    for invoice in invoices:
        if invoice["status"] != "paid" or paid[invoice["id"]] != 1:
            wrong[invoice["number"] or invoice["id"]] = (invoice["status"], paid[invoice["id"]])
        mailed = [subject for subject in subjects if invoice["number"] in subject]
        if len(mailed) != 1:
            wrong[f"{invoice['number']} emails"] = mailed  # their subjects: which email came twice, or none
    balance = local.call("GET", f"/v1/accounts/{account['id']}/balance", key)["balance"]
    if balance:
        wrong["balance"] = balance
    return wrong


def _gapless(numbers: list[str]) -> bool:
    series: dict[str, list[int]] = {}
    for number in numbers:
        prefix, n = number.rsplit("-", 1)
        series.setdefault(prefix, []).append(int(n))
    return all(sorted(n) == list(range(min(n), min(n) + len(n))) for n in series.values())
