"""Money under concurrent requests, through HTTP: the local gateway runs a function's concurrent requests in
containers of their own (up to the backend's concurrency, as Lambda does), so these requests really race
on the emulated table and on Stripe's emulator.

After each burst the money invariants hold: the balance is the sum of its transactions, no invoice is paid
or credited beyond its total, one receipt per succeeded payment, each usage id counted once; and no
request is answered 409 ``concurrent_update`` for a race the client did not cause (it is retried inside).
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.api_setup import make_catalog, new_customer, ok
from tests.integration.payments_setup import save_method, settle

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def catalog(as_operator):
    return make_catalog(as_operator)


def at_once(calls: list) -> list[Any]:
    """Run every call in a thread of its own, released together; their answers in order."""
    start = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def until_settled(call):
    """What a client does with ``idempotency_key_in_progress``: ask again shortly."""

    def retried():
        while True:
            answer = call()
            if answer.status_code != 409 or answer.json().get("code") != "idempotency_key_in_progress":
                return answer
            threading.Event().wait(0.2)

    return retried


def all_pages(client, path, **params) -> list[dict]:
    found, cursor = [], None
    while True:
        page = ok(client.get(path, params={**params, "limit": 100, **({"cursor": cursor} if cursor else {})}))
        found += page["data"]
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def check_money(properties, as_operator, owner, account_id: str) -> None:
    for name in ("balance = Σ balance transactions", "one receipt per payment", "no invoice paid twice"):
        properties.load(name, "after each concurrent burst (HTTP)")
    balance = ok(owner.get(f"/v1/accounts/{account_id}/balance"))["balance"]
    entries = all_pages(owner, f"/v1/accounts/{account_id}/balance_transactions")
    total = sum(e["amount"] for e in entries)
    properties.check("balance = Σ balance transactions", balance == total, f"{balance} != {total}")
    payments = all_pages(owner, "/v1/payments", account=account_id)
    succeeded = Counter(p["id"] for p in payments if p["status"] == "succeeded")
    receipts = Counter(r["payment"] for r in all_pages(owner, "/v1/receipts", account=account_id))
    properties.check("one receipt per payment", receipts == succeeded, f"{receipts} vs {succeeded}")
    notes = all_pages(as_operator, "/v1/credit_notes", account=account_id)
    for invoice in all_pages(owner, "/v1/invoices", account=account_id):
        credited = sum(n["amount"] for n in notes if n["invoice"] == invoice["id"])
        properties.check("no invoice paid twice", invoice["amount_paid"] <= invoice["total"], invoice["id"])
        properties.check("Σ credit notes ≤ invoice total", credited <= invoice["total"], invoice["id"])


def no_inner_conflict(properties, answers) -> None:
    properties.load("no 409 for a race the client did not cause", "every answer of the concurrent bursts")
    properties.load("no 5xx", "every answer of the concurrent bursts")
    for answer in answers:
        inner = answer.status_code == 409 and answer.json().get("code") == "concurrent_update"
        properties.check("no 409 for a race the client did not cause", not inner, answer.text[:200])
        properties.check("no 5xx", answer.status_code < 500, answer.text[:200])


def test_twenty_concurrent_payments_and_top_ups_charge_each_once(backend, as_operator, client_for, properties):
    account, owner = new_customer(as_operator, client_for)
    save_method(backend, owner, account["id"])
    calls = []
    for n in range(5):  # distinct keys: five payments and five top-ups
        calls.append(
            lambda n=n: owner.post(
                "/v1/payments",
                json={"account": account["id"], "amount": 1000 + n, "currency": "EUR"},
                headers={"Idempotency-Key": f"pay-{n}"},
            )
        )
        calls.append(
            lambda n=n: owner.post(
                f"/v1/accounts/{account['id']}/top_ups",
                json={"amount": 2000 + n, "currency": "EUR"},
                headers={"Idempotency-Key": f"top-up-{n}"},
            )
        )
    for _ in range(5):  # one key each, sent five times at once: one payment and one top-up
        calls.append(
            until_settled(
                lambda: owner.post(
                    "/v1/payments",
                    json={"account": account["id"], "amount": 3000, "currency": "EUR"},
                    headers={"Idempotency-Key": "pay-same"},
                )
            )
        )
        calls.append(
            until_settled(
                lambda: owner.post(
                    f"/v1/accounts/{account['id']}/top_ups",
                    json={"amount": 4000, "currency": "EUR"},
                    headers={"Idempotency-Key": "top-up-same"},
                )
            )
        )
    answers = at_once(calls)
    properties.load("one charge per Idempotency-Key", "20 concurrent payments and top-ups, 12 keys")
    no_inner_conflict(properties, answers)
    ids = [a.json().get("id") if a.status_code == 201 else None for a in answers]
    for answer in answers:
        properties.check("one charge per Idempotency-Key", answer.status_code == 201, answer.text[:200])
    properties.check("one charge per Idempotency-Key", len(set(ids[10::2])) == 1, f"payments {ids[10::2]}")
    properties.check("one charge per Idempotency-Key", len(set(ids[11::2])) == 1, f"top-ups {ids[11::2]}")

    def receipted() -> bool:
        payments = all_pages(owner, "/v1/payments", account=account["id"])
        receipts = all_pages(owner, "/v1/receipts", account=account["id"])
        return len(receipts) >= len([p for p in payments if p["status"] == "succeeded"])

    settle(backend, receipted)
    payments = all_pages(owner, "/v1/payments", account=account["id"])
    properties.check("one charge per Idempotency-Key", len(payments) == 12, f"{len(payments)} payments")
    charged = sum(p["amount"] for p in payments if p["status"] == "succeeded")
    expected = sum(1000 + n + 2000 + n for n in range(5)) + 3000 + 4000
    properties.check("one charge per Idempotency-Key", charged == expected, f"{charged} != {expected}")
    balance = ok(owner.get(f"/v1/accounts/{account['id']}/balance"))["balance"]
    properties.check("balance = Σ balance transactions", balance == -expected, f"credit {balance} != -{expected}")
    check_money(properties, as_operator, owner, account["id"])
    properties.verify()


def finalized_invoice(as_operator, owner, account_id: str, catalog) -> dict:
    body = {
        "account": account_id,
        "items": [{"price": catalog.seat["id"], "quantity": 3}],
        "collection_method": "send_invoice",
    }
    subscription = ok(owner.post("/v1/subscriptions", json=body), 201)
    return ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize"))


def test_concurrent_credit_notes_together_exceeding_an_invoice_credit_it_at_most_once(
    as_operator, client_for, catalog, properties
):
    account, owner = new_customer(as_operator, client_for)
    invoice = finalized_invoice(as_operator, owner, account["id"], catalog)
    third = invoice["total"] // 3
    body = {"invoice": invoice["id"], "amount": third, "reason": "goodwill"}
    answers = at_once([lambda: as_operator.post("/v1/credit_notes", json=body) for _ in range(8)])
    properties.load("Σ credit notes ≤ invoice total", "8 concurrent credit notes of a third")
    no_inner_conflict(properties, answers)
    issued = [a.json() for a in answers if a.status_code in (200, 201)]
    refused = [a.json().get("code") for a in answers if a.status_code >= 400]
    properties.check("Σ credit notes ≤ invoice total", len(issued) == 3, f"{len(issued)} issued, {refused}")
    properties.check("Σ credit notes ≤ invoice total", set(refused) <= {"credit_exceeds_invoice"}, str(refused))
    numbers = sorted(int(note["number"].rsplit("-", 1)[1]) for note in issued)
    gapless = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else False
    properties.load("gapless numbers", "credit notes issued concurrently")
    properties.check("gapless numbers", gapless, str(numbers))
    check_money(properties, as_operator, owner, account["id"])
    properties.verify()


def test_concurrent_changes_of_one_subscription_each_apply_once(as_operator, client_for, catalog, properties):
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(
        owner.post(
            "/v1/subscriptions",
            json={"account": account["id"], "items": [{"price": catalog.seat["id"], "quantity": 1}]},
        ),
        201,
    )
    seat = subscription["items"][0]["id"]
    path = f"/v1/subscriptions/{subscription['id']}"
    answers = at_once(
        [lambda q=q: owner.patch(path, json={"items": [{"id": seat, "quantity": q}]}) for q in range(2, 10)]
    )
    properties.load("every change applied once", "8 concurrent PATCHes of one subscription")
    no_inner_conflict(properties, answers)
    for answer in answers:
        properties.check("every change applied once", answer.status_code == 200, answer.text[:200])
    final = ok(owner.get(path))["items"][0]["quantity"]
    properties.check("every change applied once", final in range(2, 10), f"quantity {final}")
    check_money(properties, as_operator, owner, account["id"])
    properties.verify()


def test_overlapping_usage_batches_count_each_id_once(as_operator, client_for, catalog, server_now, properties):
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(
        owner.post("/v1/subscriptions", json={"account": account["id"], "items": [{"price": catalog.minutes["id"]}]}),
        201,
    )
    at = server_now() + timedelta(seconds=1)  # inside the period that began with the subscription

    def batch(first: int):
        events = [
            {
                "id": f"call-{n}",
                "subscription": subscription["id"],
                "meter": "outbound_minutes",
                "timestamp": (at + timedelta(milliseconds=n)).isoformat(),
                "quantity": 1,
            }
            for n in range(first, first + 50)
        ]
        return lambda: owner.post("/v1/usage_events", json={"events": events})

    answers = at_once([batch(25 * k) for k in range(8)])  # 400 events, 225 distinct ids
    properties.load("each usage id counted once", "8 concurrent batches of 50, 225 distinct ids")
    no_inner_conflict(properties, answers)
    results = [a.json() for a in answers if a.status_code == 200]
    accepted = sum(r["accepted"] for r in results)
    properties.check("each usage id counted once", len(results) == 8, str([a.status_code for a in answers]))
    properties.check("each usage id counted once", accepted == 225, f"{accepted} accepted")
    summary = ok(
        owner.get(
            "/v1/usage_summaries",
            params={
                "subscription": subscription["id"],
                "from": (at - timedelta(days=1)).isoformat(),
                "to": (at + timedelta(days=1)).isoformat(),
            },
        )
    )
    counted = sum(Decimal(row["quantity"]) for row in summary["data"])
    properties.check("each usage id counted once", counted == 225, f"summary counts {counted}")
    check_money(properties, as_operator, owner, account["id"])
    properties.verify()
