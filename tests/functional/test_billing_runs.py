"""Subscriptions billing themselves over months, on the world's clock (POST /_local/clock, as in local
mode): each hour at which something falls due runs the billing run, its worker and what the bus feeds."""

from __future__ import annotations

import calendar
import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from billing.runs.process_due import process_due
from billing.runs.run_billing import run_billing
from billing.runs.shards import DUE_SHARDS
from tests.api_setup import make_catalog, minutes_events, new_customer, ok
from tests.functional.payments_setup import save_method


@pytest.fixture
def catalog(as_operator):
    return make_catalog(as_operator)


def advance(client, instant: datetime) -> dict:
    # Every subscription of the session renews meanwhile: allow the months it takes.
    return ok(client.post("/_local/clock", json={"advance_to": instant.astimezone(UTC).isoformat()}, timeout=600))


def stop(owner, subscription: dict) -> None:
    """End a story's subscription so later clock jumps do not bill it again and again."""
    ok(owner.post(f"/v1/subscriptions/{subscription['id']}/cancel", json={}))


def invoices_of(client, account_id: str) -> list[dict]:
    return list(reversed(ok(client.get("/v1/invoices", params={"account": account_id, "limit": 100}))["data"]))


def pdf_text(client, invoice_id: str) -> str:
    redirect = client.get(f"/v1/invoices/{invoice_id}/pdf", allow_redirects=False)
    assert redirect.status_code == 302, redirect.text
    # A page holding a bearer asks for the same link as JSON (it cannot read a redirect's Location)
    link = ok(client.get(f"/v1/invoices/{invoice_id}/pdf", headers={"Accept": "application/json"}))
    assert link["object"] == "document_link"
    assert link["url"].split("?")[0] == redirect.headers["Location"].split("?")[0]
    pdf = client.world.documents.fetch(redirect.headers["Location"])
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_story_aircall_monthly_over_three_months(as_operator, client_for, catalog, server_now, event_tap):
    # Given an Aircall-like monthly plan: 3 seats and metered minutes, paid by a saved card
    account, owner = new_customer(as_operator, client_for)
    save_method(owner.world, owner, account["id"])  # unpaid, dunning would stop renewals after 30 days
    subscription = ok(
        owner.post(
            "/v1/subscriptions",
            json={
                "account": account["id"],
                "items": [{"price": catalog.seat["id"], "quantity": 3}, {"price": catalog.minutes["id"]}],
            },
        ),
        201,
    )
    start = datetime.fromisoformat(subscription["current_period_start"])
    seat = next(i for i in subscription["items"] if i["price"] == catalog.seat["id"])

    # When a user joins mid-month, 120 minutes are called, and three months pass
    advance(as_operator, start + timedelta(days=15))  # mid-month: a user joins, calls are made
    ok(owner.patch(f"/v1/subscriptions/{subscription['id']}", json={"items": [{"id": seat["id"], "quantity": 4}]}))
    ok(owner.post("/v1/usage_events", json={"events": minutes_events(subscription["id"], 120, server_now())}))
    advance(as_operator, start + timedelta(days=92, hours=2))

    # Then a creation invoice and three cycle invoices were finalized, numbered in order
    invoices = invoices_of(owner, account["id"])
    assert [i["billing_reason"] for i in invoices] == ["subscription_create"] + ["subscription_cycle"] * 3
    assert all(i["status"] == "paid" for i in invoices)  # finalized after their grace hour, then charged
    # One series per seller: other accounts' invoices interleave, so per account numbers only increase
    # (gaplessness across the series: test_fifty_concurrent_finalizations_take_fifty_consecutive_numbers).
    numbers = [(i["number"].rsplit("-", 2)[1], int(i["number"].rsplit("-", 1)[1])) for i in invoices]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == len(numbers)
    # And the second bills 4 seats, the mid-month proration and the minutes
    second = ok(owner.get(f"/v1/invoices/{invoices[1]['id']}"))
    assert [line["amount"] for line in second["sections"]["recurring"]] == [12000]
    assert len(second["sections"]["proration"]) == 2
    assert [(line["quantity"], line["amount"]) for line in second["sections"]["usage"]] == [("120", 600)]

    # And its PDF says all of it in French, with the legal mentions and the amount due
    text = pdf_text(owner, second["id"])
    assert second["number"] in text
    assert "Facture" in text
    assert "Exemple SAS" in text
    assert "303265045" in text
    assert "Prorata" in text
    assert "Consommations" in text
    assert "Temps restant" in text
    assert "TVA 20" in text
    assert "40 €" in text
    assert "BCE" in text
    amount_due = f"{second['amount_due'] / 100:.2f}".replace(".", ",")
    assert amount_due in text
    # And the bus heard the invoices and the renewals
    types = {e["detail-type"] for e in event_tap() if e["detail"]["account"] == account["id"]}
    assert {"invoice.created", "invoice.finalized", "subscription.renewed"} <= types
    stop(owner, subscription)


def test_story_annual_plan_with_monthly_usage_invoices(as_operator, client_for, catalog, server_now):
    # Given an annual plan with metered minutes, for an English-speaking customer, and 30 minutes used
    account, owner = new_customer(as_operator, client_for, locale="en")
    subscription = ok(
        owner.post(
            "/v1/subscriptions",
            json={
                "account": account["id"],
                "items": [{"price": catalog.annual_seat["id"], "quantity": 2}, {"price": catalog.minutes["id"]}],
            },
        ),
        201,
    )
    assert subscription["usage_period_end"] < subscription["current_period_end"]
    ok(
        owner.post(
            "/v1/usage_events",
            json={"events": minutes_events(subscription["id"], 30, server_now() + timedelta(seconds=1))},
        )
    )
    # When two months pass
    start = datetime.fromisoformat(subscription["current_period_start"])
    advance(as_operator, start + timedelta(days=62, hours=3))
    # Then the seats were billed once for the year, and the usage every month, in English
    invoices = invoices_of(owner, account["id"])
    assert [i["billing_reason"] for i in invoices] == [
        "subscription_create",
        "subscription_usage",
        "subscription_usage",
    ]
    assert invoices[0]["total"] == 2 * 30000 * 12 // 10  # yearly seats, VAT included
    first_usage = ok(owner.get(f"/v1/invoices/{invoices[1]['id']}"))
    assert [line["amount"] for line in first_usage["sections"]["usage"]] == [150]
    text = pdf_text(owner, invoices[1]["id"])
    assert "Invoice" in text
    assert "Usage" in text
    assert "VAT 20" in text
    stop(owner, subscription)


def test_story_alwaysdata_invoice_hours_later_thirty_days_to_pay_overdue_on_day_31(
    as_operator, client_for, catalog, server_now, event_tap
):
    # Given an alwaysdata-like subscription paid by sending the invoice
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(
        owner.post(
            "/v1/subscriptions",
            json={
                "account": account["id"],
                "items": [{"price": catalog.seat["id"]}],
                "collection_method": "send_invoice",
            },
        ),
        201,
    )
    created = datetime.fromisoformat(subscription["created"])
    draft = invoices_of(owner, account["id"])[0]
    assert draft["status"] == "draft"
    # When three hours pass
    advance(as_operator, created + timedelta(hours=3))
    # Then the draft was finalized after its grace hour, due 30 days later, with bank details on the PDF
    invoice = invoices_of(owner, account["id"])[0]
    assert invoice["status"] == "open"
    finalized_at = datetime.fromisoformat(invoice["finalized_at"])
    assert timedelta(hours=1) <= finalized_at - created <= timedelta(hours=2)
    assert datetime.fromisoformat(invoice["due_at"]) == finalized_at + timedelta(days=30)
    text = pdf_text(owner, invoice["id"])
    assert "IBAN" in text
    assert invoice["number"] in text
    assert "Chèque" in text

    # When 29 days pass unpaid, then it is not overdue yet
    advance(as_operator, finalized_at + timedelta(days=29))
    assert not [
        e for e in event_tap() if e["detail-type"] == "invoice.overdue" and e["detail"]["invoice"] == invoice["id"]
    ]
    # When 31 days pass
    advance(as_operator, finalized_at + timedelta(days=31))
    overdue = [
        e for e in event_tap() if e["detail-type"] == "invoice.overdue" and e["detail"]["invoice"] == invoice["id"]
    ]
    # Then it is flagged overdue once, with what remains to pay
    assert len(overdue) == 1
    assert overdue[0]["detail"]["amount_remaining"] == invoice["amount_remaining"]
    stop(owner, subscription)


def test_anchor_on_the_31st_across_february(as_operator, client_for, catalog, server_now):
    # Given a monthly subscription anchored on 31 January, paid by a saved card
    account, owner = new_customer(as_operator, client_for)
    save_method(owner.world, owner, account["id"])
    now = server_now()
    year = now.year if now < datetime(now.year, 1, 31, 9, tzinfo=UTC) else now.year + 1  # the next 31 January
    anchor = datetime(year, 1, 31, 9, tzinfo=UTC)
    subscription = ok(
        owner.post(
            "/v1/subscriptions",
            json={
                "account": account["id"],
                "items": [{"price": catalog.seat["id"]}],
                "billing_cycle_anchor": anchor.isoformat(),
            },
        ),
        201,
    )
    # When the clock reaches April
    advance(as_operator, datetime(year, 4, 1, 12, tzinfo=UTC))
    periods = [(i["period_start"][:10], i["period_end"][:10]) for i in invoices_of(owner, account["id"])]
    # Then February ends on its last day and the next periods come back to the 31st where they can
    february = f"{year}-02-{calendar.monthrange(year, 2)[1]}"  # 28, or 29 in a leap year
    assert periods[-3:] == [
        (f"{year}-01-31", february),
        (february, f"{year}-03-31"),
        (f"{year}-03-31", f"{year}-04-30"),
    ]
    stop(owner, subscription)


def test_renewal_runs_repeated_and_duplicated_bill_each_period_once(world, as_operator, client_for, catalog):
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(
        owner.post("/v1/subscriptions", json={"account": account["id"], "items": [{"price": catalog.seat["id"]}]}), 201
    )
    end = datetime.fromisoformat(subscription["current_period_end"])
    world.clock.advance_to(end + timedelta(minutes=1))
    # Given three runs that queued the same due subscription before any worker took a message
    for _ in range(3):
        run_billing(world.store, world.work_queue, world.publisher, world.clock, DUE_SHARDS)
    # When the worker gets every copy, and another run follows
    for message in world.work_queue.take():
        process_due(world.billing, message["kind"], message["id"])
    world.run_billing()
    # Then the period is billed once
    cycles = [i for i in invoices_of(owner, account["id"]) if i["billing_reason"] == "subscription_cycle"]
    assert len(cycles) == 1
    stop(owner, subscription)


def test_a_subscription_catching_up_months_is_read_once_and_each_step_starts_from_the_last(
    world, as_operator, client_for, catalog, monkeypatch
):
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(
        owner.post("/v1/subscriptions", json={"account": account["id"], "items": [{"price": catalog.seat["id"]}]}), 201
    )
    end = datetime.fromisoformat(subscription["current_period_end"])
    # Given a worker that finds three periods ended (its runs were stopped for two months)
    world.clock.advance_to(end + timedelta(days=62, minutes=1))
    run_billing(world.store, world.work_queue, world.publisher, world.clock, DUE_SHARDS)
    store, reads = world.billing.store, []

    def read(subscription_id):
        reads.append(subscription_id)
        return type(store).get_subscription(store, subscription_id)

    monkeypatch.setattr(store, "get_subscription", read)
    # When it takes the subscription's message
    for message in world.work_queue.take():
        if message["id"] == subscription["id"]:
            process_due(world.billing, message["kind"], message["id"])
    # Then it read it once: each renewal started from what the one before stored, and billed its own period
    assert reads == [subscription["id"]]
    monkeypatch.undo()
    world.run_billing()
    cycles = [i for i in invoices_of(owner, account["id"]) if i["billing_reason"] == "subscription_cycle"]
    assert len(cycles) == 3
    assert len({i["period_start"] for i in cycles}) == 3
    stop(owner, subscription)
