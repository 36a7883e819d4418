"""Build a seller's catalog and customers through the API (any tier: HTTP clients and the in-memory world)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tests.builders import french_company


def ok(response, status=(200, 201, 204)):
    assert response.status_code in ((status,) if isinstance(status, int) else status), response.text
    return response.json() if response.content else None


@dataclass
class Catalog:
    product: dict
    seat: dict
    minutes: dict
    annual_seat: dict


def make_catalog(operator) -> Catalog:
    product = ok(operator.post("/v1/products", json={"name": "Téléphonie cloud"}))
    seat = ok(
        operator.post(
            "/v1/prices",
            json={
                "product": product["id"],
                "currency": "EUR",
                "unit_amount": 3000,
                "recurring": {"interval": "month"},
                "nickname": "Seat",
            },
        )
    )
    minutes = ok(
        operator.post(
            "/v1/prices",
            json={
                "product": product["id"],
                "currency": "EUR",
                "unit_amount": 5,
                "recurring": {"interval": "month"},
                "usage_type": "metered",
                "meter": {"event_name": "outbound_minutes"},
                "nickname": "Outbound minutes",
            },
        )
    )
    annual_seat = ok(
        operator.post(
            "/v1/prices",
            json={
                "product": product["id"],
                "currency": "EUR",
                "unit_amount": 30000,
                "recurring": {"interval": "year"},
                "nickname": "Seat (annual)",
            },
        )
    )
    return Catalog(product, seat, minutes, annual_seat)


def new_customer(operator, client_for, **profile):
    account = ok(operator.post("/v1/accounts", json=french_company(**profile)))
    owner = client_for(ok(operator.post(f"/v1/accounts/{account['id']}/api_keys", json={"role": "owner"}))["secret"])
    return account, owner


def minutes_events(subscription_id: str, count: int, start: datetime | None = None, prefix: str = "call"):
    """``start`` should be the server's clock (fixture ``server_now``): it may be ahead of real time."""
    start = start or datetime.now(UTC) + timedelta(seconds=2)
    return [
        {
            "id": f"{prefix}-{n}",
            "subscription": subscription_id,
            "meter": "outbound_minutes",
            "quantity": 1,
            "timestamp": (start + timedelta(milliseconds=n)).isoformat(),
            "tags": {"team": "support" if n % 2 else "sales"},
        }
        for n in range(count)
    ]
