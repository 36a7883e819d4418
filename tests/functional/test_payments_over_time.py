"""Automatic charges and dunning over days: a declined card retried on the policy's days, then
succeeding on a new card; an account sliding warning → restricted, restored by paying everything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api_setup import make_catalog, new_customer, ok
from tests.functional.payments_setup import save_method, settle


def advance(client, instant: datetime) -> dict:
    return ok(client.post("/_local/clock", json={"advance_to": instant.astimezone(UTC).isoformat()}, timeout=600))


def subscribe_and_finalize(as_operator, owner, account_id: str, price_id: str) -> tuple[dict, dict]:
    subscription = ok(
        owner.post("/v1/subscriptions", json={"account": account_id, "items": [{"price": price_id}]}), 201
    )
    invoice = ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize"))
    return subscription, invoice


def payments_of(owner, account_id: str) -> list[tuple[int, str, str | None]]:
    found = ok(owner.get("/v1/payments", params={"account": account_id}))["data"]
    return sorted((p["attempt"], p["status"], (p["failure"] or {}).get("code")) for p in found)


def test_declined_automatic_charge_is_retried_and_dunning_restricts_then_restores(
    world, as_operator, client_for, server_now, event_tap
):
    # Given two customers paying automatically with a card that is declined, each with a finalized invoice
    catalog = make_catalog(as_operator)
    saved_later, owner = new_customer(as_operator, client_for)
    save_method(world, owner, saved_later["id"], "pm_card_chargeCustomerFail")
    never_pays, stubborn = new_customer(as_operator, client_for)
    save_method(world, stubborn, never_pays["id"], "pm_card_chargeCustomerFail")
    first_sub, first = subscribe_and_finalize(as_operator, owner, saved_later["id"], catalog.seat["id"])
    second_sub, second = subscribe_and_finalize(as_operator, stubborn, never_pays["id"], catalog.seat["id"])
    start = server_now()

    # When the first charges are tried
    settle(world, lambda: payments_of(owner, saved_later["id"]) == [(1, "failed", "card_declined")])
    # Then they fail, and the failure notice says when the next attempt is
    failed = [e for e in event_tap() if e["detail-type"] == "payment.failed"]
    notice = next(e for e in failed if e["detail"]["invoice"] == first["id"])
    assert notice["detail"]["next_attempt_at"] is not None  # the failure notice says when

    # When one customer saves a working card as default and a day passes
    # The customer saves a working card and makes it the default; the retry a day later succeeds.
    card = save_method(world, owner, saved_later["id"])
    ok(owner.post(f"/v1/accounts/{saved_later['id']}/payment_methods/{card['id']}/default"))
    advance(as_operator, start + timedelta(days=1, hours=1))
    # Then the retry succeeds: paid, account active, one receipt
    settle(world, lambda: ok(owner.get(f"/v1/invoices/{first['id']}"))["status"] == "paid")
    assert payments_of(owner, saved_later["id"]) == [(1, "failed", "card_declined"), (2, "succeeded", None)]
    assert ok(owner.get(f"/v1/accounts/{saved_later['id']}"))["status"] == "active"
    assert len(ok(owner.get("/v1/receipts", params={"account": saved_later["id"]}))["data"]) == 1

    # When the other keeps failing for 16 days
    # The other account keeps failing: warning after a day, restricted after 15 (retries stop after 4).
    assert ok(stubborn.get(f"/v1/accounts/{never_pays['id']}"))["status"] == "warning"
    advance(as_operator, start + timedelta(days=16))
    settle(world, lambda: True)
    # Then it went warning, then restricted after five attempts, and may buy nothing new
    assert ok(stubborn.get(f"/v1/accounts/{never_pays['id']}"))["status"] == "restricted"
    assert [attempt for attempt, status, _ in payments_of(stubborn, never_pays["id"])] == [1, 2, 3, 4, 5]
    changes = [
        e["detail"]["status"]
        for e in event_tap()
        if e["detail-type"] == "account.status_changed" and e["detail"]["account"] == never_pays["id"]
    ]
    assert changes == ["warning", "restricted"]
    refused = stubborn.post(
        "/v1/subscriptions", json={"account": never_pays["id"], "items": [{"price": catalog.seat["id"]}]}
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "account_restricted")  # no new purchases

    # When it pays everything by bank transfer, then it is active again
    # Paying everything (a bank transfer) returns the account to active.
    transfer = {"method": "bank_transfer", "reference": "VIR-DUNNING-1", "received_at": server_now().isoformat()}
    ok(
        as_operator.post(
            "/v1/payments",
            json={"account": never_pays["id"], "amount": second["total"], "currency": "EUR", "manual": transfer},
        ),
        201,
    )
    assert ok(stubborn.get(f"/v1/accounts/{never_pays['id']}"))["status"] == "active"
    for owner_key, subscription in ((owner, first_sub), (stubborn, second_sub)):
        ok(owner_key.post(f"/v1/subscriptions/{subscription['id']}/cancel", json={}))


def test_monthly_receipt_setting_sends_one_digest_on_the_first(world, as_operator, client_for, server_now, event_tap):
    from billing.payments.models import ReceiptDigest

    # Given a customer who wants receipts monthly, and two cheques booked this month
    account, owner = new_customer(as_operator, client_for, receipt_settings={"email_receipts": "monthly"})
    for reference in ("CHQ-A", "CHQ-B"):
        cheque = {"method": "cheque", "reference": reference, "received_at": server_now().isoformat()}
        ok(
            as_operator.post(
                "/v1/payments", json={"account": account["id"], "amount": 1000, "currency": "EUR", "manual": cheque}
            ),
            201,
        )

    def receipts() -> list[dict]:
        return ok(owner.get("/v1/receipts", params={"account": account["id"]}))["data"]

    # When their receipts are ready and the month is over
    settle(world, lambda: all(r["pdf_ready"] for r in receipts()))
    now = server_now()
    digest = ReceiptDigest.for_instant(account["id"], now)
    advance(as_operator, digest.due_at + timedelta(hours=1))
    settle(world, lambda: True)
    # Then one digest is sent for the month, and no receipt by itself
    sent = [
        e["detail"]["month"]
        for e in event_tap()
        if e["detail-type"] == "receipts.digest_due" and e["detail"]["account"] == account["id"]
    ]
    assert sent == [f"{now:%Y-%m}"]

    def claimed(name: str) -> bool:
        return name in world.store.tables.claims

    assert claimed(f"email:digest:{account['id']}:{now:%Y-%m}")  # one email for the month
    assert not any(claimed(f"email:{r['id']}") for r in receipts())  # and none per payment


def test_collection_starts_once_however_often_payments_hear_the_invoice_was_finalized(world, as_operator, client_for):
    # Given an invoice charged automatically, declined twice, its dunning under way
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"], "pm_card_chargeCustomerFail")
    subscription, invoice = subscribe_and_finalize(as_operator, owner, account["id"], catalog.seat["id"])
    advance(as_operator, datetime.fromisoformat(invoice["finalized_at"]) + timedelta(days=1, hours=1))
    declined = [(1, "failed", "card_declined"), (2, "failed", "card_declined")]
    settle(world, lambda: payments_of(owner, account["id"]) == declined)
    collecting = world.store.get_invoice(invoice["id"])  # as stored: its attempts and dunning step
    assert (collecting.charge_attempts, collecting.dunning_step) == (2, 2)
    # When the bus delivers invoice.finalized to payments twice more
    finalized = next(
        e for e in world.publisher.published if e.type == "invoice.finalized" and e.detail["invoice"] == invoice["id"]
    )
    for _ in range(2):
        world.deliver_event(finalized)
    world.settle()
    # Then collection was started once: no new attempt, no new charge at Stripe, the invoice unchanged
    assert payments_of(owner, account["id"]) == declined
    assert len(world.gateway.intents) == 2
    assert world.store.get_invoice(invoice["id"]) == collecting
    ok(owner.post(f"/v1/subscriptions/{subscription['id']}/cancel", json={}))
