"""AWS Marketplace as the functional tier sees it: buyers created by the test, tokens resolved, entitlements."""

from __future__ import annotations

import itertools

from billing.marketplace.models import Entitlement, ResolvedCustomer


class FakeMarketplace:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.tokens: dict[str, ResolvedCustomer] = {}
        self.expired: set[str] = set()
        self.licenses: dict[str, dict[str, int]] = {}

    def new_buyer(self, product_code: str, entitlements: dict[str, int]) -> tuple[str, ResolvedCustomer]:
        n = next(self._ids)
        account = f"{n:012d}"
        buyer = ResolvedCustomer(f"cust{n}", account, product_code, f"arn:aws:license-manager::{account}:license:l-{n}")
        token = f"token-{n}"
        self.tokens[token] = buyer
        assert buyer.license_arn is not None
        self.licenses[buyer.license_arn] = dict(entitlements)
        return token, buyer

    def resolve_customer(self, token: str) -> ResolvedCustomer | None:
        return None if token in self.expired else self.tokens.get(token)

    def entitlements(self, product_code: str, license_arn: str) -> list[Entitlement]:
        return [Entitlement(d, q) for d, q in sorted(self.licenses.get(license_arn, {}).items())]
