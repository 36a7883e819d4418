"""Cost management as a customer of Azure or alwaysdata uses it: account-wide usage and cost by day, month,
meter, subscription and tag, in the account's days; costs priced as the invoice prices them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from billing.accounts.issue_api_key import issue_operator_key
from tests.api_setup import make_catalog, new_customer, ok
from tests.functional.world import Client, World

START = datetime(2026, 11, 1, 9, tzinfo=UTC)
# 20 units: 5 × 7.00 € + 5 × 6.50 € + 10 × 6.00 € (graduated tiers)
TIERS = [
    {"up_to": 5, "unit_amount_decimal": "700"},
    {"up_to": 10, "unit_amount_decimal": "650"},
    {"up_to": None, "unit_amount_decimal": "600"},
]


@pytest.fixture
def world() -> World:
    return World(START)


@pytest.fixture
def catalog(as_operator):
    return make_catalog(as_operator)


@pytest.fixture
def builds(as_operator, catalog):
    price = {
        "product": catalog.product["id"],
        "currency": "EUR",
        "recurring": {"interval": "month", "usage_type": "metered", "meter": {"event_name": "builds"}},
        "billing_scheme": "tiered",
        "tiers_mode": "graduated",
        "tiers": TIERS,
        "nickname": "Build minutes",
    }
    return ok(as_operator.post("/v1/prices", json=price))


def subscribe(owner, account, *prices, tags=None):
    body = {"account": account["id"], "items": [{"price": p["id"]} for p in prices]}
    if tags:
        body["tags"] = tags
    return ok(owner.post("/v1/subscriptions", json=body), 201)


def event(subscription, meter, at, quantity, key, **tags):
    return {
        "id": key,
        "subscription": subscription["id"],
        "meter": meter,
        "quantity": quantity,
        "timestamp": at.isoformat(),
        "tags": tags,
    }


def ten_days_of_builds(world, owner, subscription):
    """Two units a day for ten days, team a on even days and b on odd ones, sent as the days go by."""
    for day in range(10):
        at = START + timedelta(days=day, hours=3)
        world.advance_to(at + timedelta(minutes=1))
        team = "a" if day % 2 == 0 else "b"
        batch = [event(subscription, "builds", at, 2, f"b{day}", team=team)]
        assert ok(owner.post("/v1/usage_events", json={"events": batch}))["accepted"] == 1


def test_daily_rows_share_the_tiered_period_cost_and_add_up_to_the_invoice_line(
    world, as_operator, client_for, catalog, builds
):
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account, catalog.seat, builds)
    ten_days_of_builds(world, owner, subscription)
    window = {"from": "2026-11-01", "to": "2026-11-30", "group_by": "meter,tag:team"}

    # The open period: 20 units so far cost 5 × 7 + 5 × 6.50 + 10 × 6 = 127.50 €, shared by day and team
    summary = ok(owner.get(f"/v1/accounts/{account['id']}/usage_summaries", params=window))
    assert (summary["from"], summary["to"], summary["granularity"]) == ("2026-11-01", "2026-11-30", "day")
    rows = summary["data"]
    assert len(rows) == 10
    assert sum(row["cost"] for row in rows) == 12750
    assert {row["tag"]["team"] for row in rows} == {"a", "b"}
    assert all(row["currency"] == "EUR" and row["meter"] == "builds" for row in rows)

    # By month: one row per team, the same total
    monthly = ok(owner.get(f"/v1/accounts/{account['id']}/usage_summaries", params={**window, "granularity": "month"}))[
        "data"
    ]
    assert [(r["period"], r["tag"], r["quantity"], r["cost"]) for r in monthly] == [
        ("2026-11", {"team": "a"}, "10", 6375),
        ("2026-11", {"team": "b"}, "10", 6375),
    ]

    # When the period closes, the invoice's usage line is the sum of the rows
    world.advance_to(datetime(2026, 12, 1, 12, tzinfo=UTC))
    invoices = ok(as_operator.get("/v1/invoices", params={"account": account["id"]}))["data"]
    usage_lines = [line for invoice in invoices for line in invoice["sections"].get("usage", [])]
    assert [line["amount"] for line in usage_lines] == [12750]
    closed = ok(owner.get(f"/v1/accounts/{account['id']}/usage_summaries", params=window))["data"]
    assert sum(row["cost"] for row in closed) == 12750


def test_days_follow_the_account_time_zone_and_csv_carries_the_same_rows(
    world, as_operator, client_for, catalog, builds
):
    account, owner = new_customer(as_operator, client_for)
    ok(owner.patch(f"/v1/accounts/{account['id']}", json={"time_zone": "Pacific/Auckland"}))
    subscription = subscribe(owner, account, builds)
    world.advance_to(START + timedelta(hours=12))
    late_evening_utc = START + timedelta(hours=11, minutes=30)  # 1 Nov 20:30 UTC is 2 Nov in Auckland
    batch = [event(subscription, "builds", late_evening_utc, 3, "nz")]
    ok(owner.post("/v1/usage_events", json={"events": batch}))
    window = {"from": "2026-11-01", "to": "2026-11-02", "group_by": "subscription"}
    rows = ok(owner.get(f"/v1/accounts/{account['id']}/usage_summaries", params=window))["data"]
    assert [(r["period"], r["subscription"], r["quantity"], r["cost"]) for r in rows] == [
        ("2026-11-02", subscription["id"], "3", 2100)
    ]
    answer = owner.get(f"/v1/accounts/{account['id']}/usage_summaries", params=window, headers={"Accept": "text/csv"})
    table = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["period"], r["subscription"], r["quantity"], r["cost"], r["currency"]) for r in table] == [
        ("2026-11-02", subscription["id"], "3", "21.00", "EUR")
    ]
    assert Decimal(table[0]["cost"]) * 100 == rows[0]["cost"]


def test_bad_windows_and_groupings_are_refused_and_other_accounts_are_not_seen(world, as_operator, client_for, catalog):
    account, owner = new_customer(as_operator, client_for)
    other, _ = new_customer(as_operator, client_for)
    base = f"/v1/accounts/{account['id']}/usage_summaries"
    for window in (
        {"from": "2026-11-02", "to": "2026-11-01"},
        {"from": "0001-01-01", "to": "0001-01-05"},
        {"from": "0001-01-01T00:00:00Z", "to": "0001-01-01T00:00:00Z"},
        {"from": "9999-12-30", "to": "9999-12-31T23:59:59Z"},
        {"from": "2026-01-01", "to": "2027-12-31"},
    ):
        refused = owner.get(base, params=window)
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid_range"), window
    for month in ("9999-12", "0000-01", "2026-13"):
        refused = owner.get(f"/v1/accounts/{account['id']}/cost_allocation", params={"period": month, "by": "tag:t"})
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid_period"), month
    refused = owner.get(base, params={"from": "2026-11-01", "to": "2026-11-30", "group_by": "colour"})
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_group_by")
    hidden = owner.get(f"/v1/accounts/{other['id']}/usage_summaries", params={"from": "2026-11-01", "to": "2026-11-30"})
    assert (hidden.status_code, hidden.json()["code"]) == (404, "account_not_found")


def test_the_forecast_applies_tiers_to_the_projected_quantity_with_vat(world, as_operator, client_for, catalog, builds):
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account, catalog.seat, builds)
    ten_days_of_builds(world, owner, subscription)  # 20 units by 10 Nov 09:01, 2 a day
    world.advance_to(datetime(2026, 11, 11, 9, tzinfo=UTC))  # ten days of thirty gone

    forecast = ok(owner.get(f"/v1/accounts/{account['id']}/forecast"))
    (mine,) = forecast["subscriptions"]
    assert mine["elapsed"] == "0.333333"
    seat, minutes = mine["items"]
    assert (seat["meter"], seat["amount"]) == (None, {"to_date": 3000, "linear": 3000, "trailing_7_days": 3000})
    # Linear: 20 units in a third of the period → 60; graduated: 35 + 32.50 + 50 × 6 = 367.50 €
    assert minutes["quantity"]["to_date"] == "20"
    assert minutes["quantity"]["linear"] == "60"
    # Trailing seven days: 14 units in 7 days → 2 a day for the 20 days left: 60 units as well
    assert minutes["quantity"]["trailing_7_days"] == "60"
    assert minutes["amount"] == {"to_date": 12750, "linear": 36750, "trailing_7_days": 36750}
    # The invoice's own assembly: French VAT at 20 %
    assert mine["cost"]["to_date"] == {"excluding_tax": 15750, "including_tax": 18900}
    assert mine["cost"]["linear"] == {"excluding_tax": 39750, "including_tax": 47700}
    assert forecast["totals"] == [{"currency": "EUR", **mine["cost"]}]

    # The upcoming invoice's preview carries the same forecast
    preview = ok(owner.post("/v1/invoices/preview", json={"subscription": subscription["id"]}))
    assert preview["forecast"]["cost"] == mine["cost"]
    assert preview["forecast"]["items"][1]["quantity"]["linear"] == "60"


def plain(text):
    """babel's no-break spaces as plain ones, to compare with what a person reads."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def budget_events(world):
    return [e for e in world.event_log() if e["detail-type"] == "budget.threshold_crossed"]


def test_a_budget_announces_each_threshold_once_with_an_email_whatever_arrives_late_or_twice(
    world, as_operator, client_for, catalog, builds
):
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account, catalog.seat, builds)
    base = f"/v1/accounts/{account['id']}/budgets"
    # 100 € a month excluding tax, warned at 50 % and 100 %
    budget = ok(
        owner.post(
            base,
            json={"name": "Production", "amount": 10000, "thresholds": [{"percent": 50}, {"percent": 100}]},
        ),
        201,
    )
    assert (budget["scope"], budget["crossed"]) == ({"subscription": None, "meter": None, "tag": None}, [])

    # 30 € of seat, then 2 units a day at 7 € (tiers): 50 % is passed on day 2 (30 + 28 = 58 €)
    ten_days_of_builds(world, owner, subscription)
    # A day's batch sent again, and an old event arriving late: counted once, announced once
    again = [event(subscription, "builds", START + timedelta(days=1, hours=3), 2, "b1", team="b")]
    assert ok(owner.post("/v1/usage_events", json={"events": again}))["duplicates"] == 1
    late = [event(subscription, "builds", START + timedelta(hours=5), 1, "late", team="a")]
    assert ok(owner.post("/v1/usage_events", json={"events": late}))["accepted"] == 1

    crossed = budget_events(world)
    assert [(e["detail"]["percent"], e["detail"]["basis"], e["detail"]["month"]) for e in crossed] == [
        (50, "actual", "2026-11"),
        (100, "actual", "2026-11"),
    ]
    assert crossed[0]["detail"]["value"] == 5800  # crossed with day 2's batch: 30 € + 4 units × 7 €
    assert ok(owner.get(f"{base}/{budget['id']}"))["crossed"] == ["2026-11:actual:50", "2026-11:actual:100"]
    mails = [m for m in world.mailer.sent if "Budget" in m.subject]
    assert [m.subject for m in mails] == [
        "Budget « Production » : 50 % atteint",
        "Budget « Production » : 100 % atteint",
    ]
    assert "novembre 2026" in mails[0].text
    assert "58,00\xa0€ sur 100,00\xa0€ HT" in mails[0].text

    # The same event delivered twice to the documents function: one email
    world.deliver_event(next(e for e in world.publisher.published if e.type == "budget.threshold_crossed"))
    assert len([m for m in world.mailer.sent if "Budget" in m.subject]) == 2


def test_forecast_thresholds_and_usage_alerts(world, as_operator, client_for, catalog, builds):
    account, owner = new_customer(as_operator, client_for, locale="en")
    subscription = subscribe(owner, account, builds)
    base = f"/v1/accounts/{account['id']}/budgets"
    forecast_budget = {
        "name": "Builds",
        "amount": 30000,
        "scope": {"meter": "builds", "tag": {"team": "a"}},
        "thresholds": [{"percent": 100, "basis": "forecast"}],
    }
    ok(owner.post(base, json=forecast_budget), 201)
    alert = {"name": "Build minutes", "quantity": "15", "scope": {"meter": "builds"}, "thresholds": [{"percent": 100}]}
    ok(owner.post(base, json=alert), 201)

    ten_days_of_builds(world, owner, subscription)
    # 20 units by day 10, 15 reached on day 8: the quantity alert
    (quantity_alert,) = [e["detail"] for e in budget_events(world)]
    assert (quantity_alert["measure"], quantity_alert["value"], quantity_alert["limit"]) == ("quantity", "16", "15")

    # Team a used 10 of the 20 units; the month heads to 60 units (367.50 €): half is team a's, 183.75 € < 300 €
    world.advance_to(datetime(2026, 11, 11, 12, tzinfo=UTC))
    assert len(budget_events(world)) == 1
    # Team a doubles its pace for a few days: its projected share passes 300 €, announced by the hourly run
    for day in range(11, 16):
        at = START + timedelta(days=day, hours=3)
        world.advance_to(at + timedelta(minutes=1))
        batch = [event(subscription, "builds", at, 6, f"a{day}", team="a")]
        ok(owner.post("/v1/usage_events", json={"events": batch}))
    world.advance_to(datetime(2026, 11, 17, 12, tzinfo=UTC))
    forecast_events = [e["detail"] for e in budget_events(world) if e["detail"]["basis"] == "forecast"]
    assert len(forecast_events) == 1
    assert forecast_events[0]["value"] >= 30000
    mails = [m.subject for m in world.mailer.sent if "Budget" in m.subject]
    assert mails == ['Budget "Build minutes": 100% reached', 'Budget "Builds": 100% reached by forecast']


def test_budgets_are_kept_changed_deleted_and_checked(world, as_operator, client_for, catalog):
    account, owner = new_customer(as_operator, client_for)
    other, _ = new_customer(as_operator, client_for)
    base = f"/v1/accounts/{account['id']}/budgets"
    for body in (
        {"name": "x", "thresholds": [{"percent": 50}]},  # no limit
        {"name": "x", "amount": 100, "quantity": "3", "scope": {"meter": "m"}, "thresholds": [{"percent": 50}]},
        {"name": "x", "quantity": "3", "thresholds": [{"percent": 50}]},  # a quantity without its meter
        {"name": "x", "amount": 100, "thresholds": [{"percent": 50}, {"percent": 50}]},
    ):
        refused = owner.post(base, json=body)
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid_budget"), body
    foreign = owner.post(
        base, json={"name": "x", "amount": 100, "scope": {"subscription": "sub_123"}, "thresholds": [{"percent": 1}]}
    )
    assert foreign.status_code == 404
    assert ok(owner.get(base))["data"] == []

    budget = ok(owner.post(base, json={"name": "Ops", "amount": 5000, "thresholds": [{"percent": 80}]}), 201)
    changed = ok(owner.patch(f"{base}/{budget['id']}", json={"amount": 8000, "thresholds": [{"percent": 90}]}))
    assert (changed["amount"], changed["thresholds"]) == (8000, [{"percent": 90, "basis": "actual"}])
    assert owner.get(f"/v1/accounts/{other['id']}/budgets/{budget['id']}").status_code == 404
    assert owner.delete(f"{base}/{budget['id']}").status_code == 204
    assert owner.get(f"{base}/{budget['id']}").status_code == 404
    assert ok(owner.get(base))["data"] == []


def test_chargeback_by_tag_adds_up_to_the_invoices_to_the_cent(world, as_operator, client_for, catalog, builds):
    account, owner = new_customer(as_operator, client_for)
    coupon = ok(as_operator.post("/v1/coupons", json={"percent_off": "10", "duration": "forever"}))
    support = subscribe(owner, account, catalog.seat, builds, tags={"team": "a"})
    body = {"account": account["id"], "items": [{"price": builds["id"]}], "coupon": coupon["id"]}
    shared = ok(owner.post("/v1/subscriptions", json=body), 201)  # no tags: its seat-less usage by event tags
    world.advance_to(START + timedelta(days=2))
    batch = [
        event(support, "builds", START + timedelta(days=1), 3, "s1", team="a"),
        event(shared, "builds", START + timedelta(days=1), 7, "h1", team="b"),
        event(shared, "builds", START + timedelta(days=1, hours=1), 1, "h2"),  # untagged
    ]
    ok(owner.post("/v1/usage_events", json={"events": batch}))
    params = {"period": "2026-11", "by": "tag:team"}
    showback = ok(owner.get(f"/v1/accounts/{account['id']}/cost_allocation", params=params))["showback"]
    assert [(r["value"], r["excluding_tax"]) for r in showback] == [
        ("a", 3000 + 2100),
        ("b", 4769),
        (None, 681),
    ]  # 8 units: 54.50 € shared 7:1

    world.advance_to(datetime(2026, 12, 1, 12, tzinfo=UTC))
    allocation = ok(owner.get(f"/v1/accounts/{account['id']}/cost_allocation", params={**params, "period": "2026-12"}))
    invoices = [ok(as_operator.get(f"/v1/invoices/{i}")) for i in allocation["invoices"]]
    assert len(invoices) == 2
    rows = allocation["chargeback"]
    assert {r["value"] for r in rows} == {"a", "b", None}
    assert sum(r["including_tax"] for r in rows) == sum(i["total"] for i in invoices)
    assert sum(r["tax"] for r in rows) == sum(t["amount"] for i in invoices for t in i["taxes"])
    answer = owner.get(
        f"/v1/accounts/{account['id']}/cost_allocation",
        params={**params, "period": "2026-12"},
        headers={"Accept": "text/csv"},
    )
    table = list(csv.DictReader(io.StringIO(answer.text)))
    charged = [r for r in table if r["kind"] == "chargeback"]
    assert sum(Decimal(r["including_tax"]) for r in charged) * 100 == sum(i["total"] for i in invoices)
    refused = owner.get(f"/v1/accounts/{account['id']}/cost_allocation", params={"period": "2026-11", "by": "team"})
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_group_by")


@given(
    order=st.permutations(range(12)),
    repeats=st.lists(st.integers(0, 11), max_size=6),
    batch_size=st.integers(1, 5),
)
@settings(max_examples=25, deadline=None)
def test_budget_thresholds_are_announced_once_whatever_the_order_and_duplicates(order, repeats, batch_size):
    world = World(START)
    operator = Client(world, issue_operator_key(world.keys, world.clock).secret)
    catalog = make_catalog(operator)
    account, owner = new_customer(operator, lambda secret: Client(world, secret))
    subscription = subscribe(owner, account, catalog.minutes)  # 0.05 € a minute
    thresholds = [{"percent": p} for p in (25, 50, 100, 150)]
    ok(owner.post(f"/v1/accounts/{account['id']}/budgets", json={"name": "B", "amount": 100, "thresholds": thresholds}))
    world.advance_to(START + timedelta(days=1))
    # 12 calls of 1 minute each (12 × 5 = 60 cents), sent in any order, some twice
    calls = [
        event(subscription, "outbound_minutes", START + timedelta(hours=n), 1, f"c{n}") for n in (*order, *repeats)
    ]
    for start in range(0, len(calls), batch_size):
        ok(owner.post("/v1/usage_events", json={"events": calls[start : start + batch_size]}))
    announced = [e["detail"]["percent"] for e in budget_events(world)]
    assert sorted(announced) == [25, 50]  # 60 % of 1 €: each reached threshold once, the others never


def test_an_explained_bill_shows_tiers_proration_and_discount_in_the_api_and_the_pdf(
    world, as_operator, client_for, catalog, builds
):
    account, owner = new_customer(as_operator, client_for)
    coupon = ok(as_operator.post("/v1/coupons", json={"percent_off": "10", "duration": "forever"}))
    body = {
        "account": account["id"],
        "items": [{"price": catalog.seat["id"]}, {"price": builds["id"]}],
        "coupon": coupon["id"],
    }
    subscription = ok(owner.post("/v1/subscriptions", json=body), 201)
    ten_days_of_builds(world, owner, subscription)
    # Mid-period, a second seat: prorated 20 of 30 days (from 11 to 30 November: 20 days left)
    world.advance_to(datetime(2026, 11, 11, 10, tzinfo=UTC))
    seat = next(i for i in subscription["items"] if i["price"] == catalog.seat["id"])
    ok(owner.patch(f"/v1/subscriptions/{subscription['id']}", json={"items": [{"id": seat["id"], "quantity": 2}]}))
    world.advance_to(datetime(2026, 12, 1, 12, tzinfo=UTC))
    renewal = next(
        i
        for i in ok(as_operator.get("/v1/invoices", params={"account": account["id"]}))["data"]
        if i["sections"].get("usage")
    )

    explained = ok(owner.get(f"/v1/invoices/{renewal['id']}", params={"expand": "explanations"}))
    (usage,) = explained["sections"]["usage"]
    assert [(t["units"], t["unit_amount_decimal"]) for t in usage["explanation"]["tiers"]] == [
        ("5", "700"),
        ("5", "650"),
        ("10", "600"),
    ]
    assert plain(usage["explanation"]["text"]) == "20 unités : 5 × 7,00 € + 5 × 6,50 € + 10 × 6,00 €"
    # The change: unused time of one seat credited, remaining time of two seats charged, each by its fraction
    prorated = explained["sections"]["proration"]
    assert len(prorated) == 2
    for line in prorated:
        fraction = line["explanation"]["proration"]
        assert (fraction["unit"], fraction["total"]) == ("days", 30)
        assert plain(line["explanation"]["text"]).endswith(f"30,00 € × {fraction['used']}/30 jours")
    lines = [line for section in explained["sections"].values() for line in section]
    assert sum(line["explanation"]["discount"] for line in lines) == sum(d["amount"] for d in explained["discounts"])
    assert all("explanation" not in line or line["explanation"] is None for line in renewal["sections"]["usage"])

    redirect = owner.get(f"/v1/invoices/{renewal['id']}/pdf", allow_redirects=False)
    pdf = world.documents.fetch(redirect.headers["Location"])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "20 unités : 5 × 7,00 € + 5 × 6,50 € + 10 × 6,00 €" in plain(text)


def test_subscription_tags_are_set_at_creation_and_replaced_by_patch(world, as_operator, client_for, catalog):
    account, owner = new_customer(as_operator, client_for)
    subscription = subscribe(owner, account, catalog.seat, tags={"team": "a", "env": "prod"})
    assert subscription["tags"] == {"env": "prod", "team": "a"}
    path = f"/v1/subscriptions/{subscription['id']}"
    assert ok(owner.patch(path, json={"tags": {"team": "b"}}))["tags"] == {"team": "b"}
    too_many = owner.patch(path, json={"tags": {f"k{n}": "v" for n in range(6)}})
    assert too_many.status_code == 400
    nothing = owner.patch(path, json={})
    assert (nothing.status_code, nothing.json()["code"]) == (400, "invalid_parameter")
    assert ok(owner.get(path))["tags"] == {"team": "b"}
