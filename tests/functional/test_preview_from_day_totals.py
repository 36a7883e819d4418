"""The upcoming invoice's usage read from the day totals folded at ingestion (sum and count meters), not from
every event: it must bill what the period's invoice bills, to the event and the cent."""

from __future__ import annotations

from datetime import datetime, timedelta

from billing.subscriptions.read_period_usage import read_period_usage
from billing.usage.models import UsageTotal
from tests.api_setup import new_customer, ok


def metered_price(operator, product_id: str, event_name: str, aggregation: str, unit_amount: int) -> dict:
    return ok(
        operator.post(
            "/v1/prices",
            json={
                "product": product_id,
                "currency": "EUR",
                "unit_amount": unit_amount,
                "recurring": {"interval": "month"},
                "usage_type": "metered",
                "meter": {"event_name": event_name, "aggregation": aggregation},
            },
        )
    )


def events(subscription_id: str, meter: str, count: int, at: datetime, prefix: str) -> list[dict]:
    return [
        {
            "id": f"{prefix}-{n}",
            "subscription": subscription_id,
            "meter": meter,
            "quantity": 1 + n % 3,
            "timestamp": (at + timedelta(seconds=n)).isoformat(),
            "tags": {"team": "support" if n % 2 else "sales"},
        }
        for n in range(count)
    ]


def usage_of(invoice: dict) -> list[tuple]:
    return [
        (line["description"], line["quantity"], line["amount"], [s["amount"] for s in line["tag_shares"]])
        for line in invoice["sections"]["usage"]
    ]


def test_the_preview_from_day_totals_bills_what_the_renewal_bills(world, as_operator, client_for):
    # Given a subscription metering minutes (summed) and calls (counted), with usage over several days
    product = ok(as_operator.post("/v1/products", json={"name": "Téléphonie"}))
    minutes = metered_price(as_operator, product["id"], "minutes", "sum", 7)
    calls = metered_price(as_operator, product["id"], "calls", "count", 3)
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(
        owner.post(
            "/v1/subscriptions",
            json={"account": account["id"], "items": [{"price": minutes["id"]}, {"price": calls["id"]}]},
        ),
        201,
    )
    start = world.clock.now()
    for day in range(3):
        world.advance_to(start + timedelta(days=day, hours=2))
        at = world.clock.now() - timedelta(minutes=30)
        batch = events(subscription["id"], "minutes", 40, at, f"m{day}") + events(
            subscription["id"], "calls", 25, at, f"c{day}"
        )
        assert ok(owner.post("/v1/usage_events", json={"events": batch}))["accepted"] == 65

    # When the upcoming invoice is previewed
    preview = ok(owner.post("/v1/invoices/preview", json={"subscription": subscription["id"]}))

    # Then it was read from a few day totals, not 195 events, and counts the 75 calls
    read = read_period_usage(world.usage, world.store.get_subscription(subscription["id"]))
    assert read
    assert all(isinstance(total, UsageTotal) for total in read)
    assert len(read) <= 12
    assert [line["quantity"] for line in preview["sections"]["usage"] if line["price"] == calls["id"]] == ["75"]

    # When usage arrives after the period's end, before the hourly run renews it (it belongs to the next)
    end = datetime.fromisoformat(subscription["current_period_end"])
    world.clock.advance_to(end + timedelta(minutes=1))  # the clock alone: the hourly run has not come yet
    late = events(subscription["id"], "calls", 4, end + timedelta(seconds=5), "next")
    assert ok(owner.post("/v1/usage_events", json={"events": late}))["accepted"] == 4
    world.advance_to(end + timedelta(hours=3))

    # Then the invoice of the period bills what its preview billed
    renewal = ok(owner.get(f"/v1/invoices?account={account['id']}&limit=1"))["data"][0]
    assert renewal["billing_reason"] == "subscription_cycle"
    assert usage_of(renewal) == usage_of(preview)
    # And the next period's preview already counts the calls made after the end
    upcoming = ok(owner.post("/v1/invoices/preview", json={"subscription": subscription["id"]}))
    assert [line["quantity"] for line in upcoming["sections"]["usage"] if line["price"] == calls["id"]] == ["4"]
