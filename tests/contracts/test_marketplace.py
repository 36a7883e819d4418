"""AWS Marketplace's two calls the backend makes when a buyer registers and when a license changes:
the fake and the emulator (local/marketplace.py) answer alike."""

from __future__ import annotations

from billing.ids import new_id


def test_a_registration_token_resolves_to_its_buyer_and_a_bad_one_to_nothing(marketplace):
    gateway, new_buyer = marketplace
    product = new_id("prod")
    token, buyer = new_buyer(product, {"seats": 5})
    assert gateway.resolve_customer(token) == buyer
    assert buyer.license_arn.startswith("arn:aws:license-manager::")
    assert gateway.resolve_customer("not-a-token") is None


def test_a_license_lists_its_entitlements_across_pages(marketplace):
    gateway, new_buyer = marketplace
    product = new_id("prod")
    dimensions = {f"dim{n:02d}": n + 1 for n in range(30)}  # more than one page of 25
    _, buyer = new_buyer(product, dimensions)
    _, other = new_buyer(product, {"seats": 1})
    found = gateway.entitlements(product, buyer.license_arn)
    assert {e.dimension: e.quantity for e in found} == dimensions
    assert [(e.dimension, e.quantity) for e in gateway.entitlements(product, other.license_arn)] == [("seats", 1)]
