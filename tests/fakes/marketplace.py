"""AWS Marketplace as the functional tier sees it: buyers created by the test, tokens resolved, entitlements."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from billing.marketplace.models import Entitlement, MeteredDimension, ResolvedCustomer


class FakeMarketplace:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.tokens: dict[str, ResolvedCustomer] = {}
        self.expired: set[str] = set()
        self.licenses: dict[str, dict[str, int]] = {}
        self.metered: dict[tuple[str, str, datetime], MeteredDimension] = {}  # (customer, dimension, hour)
        self.calls = 0
        self.failures = 0  # the next calls answer throttled / with unprocessed records

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

    def meter(
        self, product_code: str, customer: ResolvedCustomer, hour: datetime, dimensions: Sequence[MeteredDimension]
    ) -> list[MeteredDimension] | None:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            return None
        answered = []
        for dimension in dimensions:
            key = (customer.customer_identifier, dimension.dimension, hour)
            status = "DuplicateRecord" if key in self.metered else "Success"
            recorded = self.metered.setdefault(
                key, replace(dimension, metering_record_id=f"mr-{len(self.metered) + 1}")
            )
            answered.append(replace(dimension, metering_record_id=recorded.metering_record_id, status=status))
        return answered
