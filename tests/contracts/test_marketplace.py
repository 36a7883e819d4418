"""AWS Marketplace's two calls the backend makes when a buyer registers and when a license changes:
the fake and the emulator (local/marketplace.py) answer alike."""

from __future__ import annotations

from datetime import UTC, datetime

from billing.ids import new_id
from billing.marketplace.models import Allocation, MeteredDimension


def test_a_registration_token_resolves_to_its_buyer_and_a_bad_one_to_nothing(marketplace):
    gateway, new_buyer, _ = marketplace
    product = new_id("prod")
    token, buyer = new_buyer(product, {"seats": 5})
    assert gateway.resolve_customer(token) == buyer
    assert buyer.license_arn.startswith("arn:aws:license-manager::")
    assert gateway.resolve_customer("not-a-token") is None


def test_a_license_lists_its_entitlements_across_pages(marketplace):
    gateway, new_buyer, _ = marketplace
    product = new_id("prod")
    dimensions = {f"dim{n:02d}": n + 1 for n in range(30)}  # more than one page of 25
    _, buyer = new_buyer(product, dimensions)
    _, other = new_buyer(product, {"seats": 1})
    found = gateway.entitlements(product, buyer.license_arn)
    assert {e.dimension: e.quantity for e in found} == dimensions
    assert [(e.dimension, e.quantity) for e in gateway.entitlements(product, other.license_arn)] == [("seats", 1)]


def test_an_hour_is_metered_once_and_a_refused_call_says_so(marketplace):
    gateway, new_buyer, fail = marketplace
    product = new_id("prod")
    _, buyer = new_buyer(product, {})
    hour = datetime(2026, 12, 4, 9, tzinfo=UTC)
    tagged = (Allocation((("team", "a"),), 2), Allocation((), 1))
    dimensions = [MeteredDimension("api_calls", 3, tagged), MeteredDimension("storage_gb", 0)]
    fail(1)
    assert gateway.meter(product, buyer, hour, dimensions) is None  # not taken: send again later
    sent = gateway.meter(product, buyer, hour, dimensions)
    assert [(d.dimension, d.quantity, d.status) for d in sent] == [
        ("api_calls", 3, "Success"),
        ("storage_gb", 0, "Success"),
    ]
    assert all(d.metering_record_id for d in sent)
    again = gateway.meter(product, buyer, hour, dimensions)
    assert [d.status for d in again] == ["DuplicateRecord", "DuplicateRecord"]
    assert [d.metering_record_id for d in again] == [d.metering_record_id for d in sent]
