"""What the marketplace package needs from AWS Marketplace (the adapter: billing/adapters/aws_marketplace.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from billing.marketplace.models import Entitlement, MeteredDimension, MeteringHour, Registration, ResolvedCustomer
    from billing.marketplace.notices import Notice


class MarketplaceGateway(Protocol):
    def resolve_customer(self, token: str) -> ResolvedCustomer | None:
        """The buyer behind a registration token; None when AWS says it is invalid or expired."""
        ...

    def entitlements(self, product_code: str, license_arn: str) -> list[Entitlement]:
        """Every entitlement of a license (all pages)."""
        ...

    def meter(
        self, product_code: str, customer: ResolvedCustomer, hour: datetime, dimensions: Sequence[MeteredDimension]
    ) -> list[MeteredDimension] | None:
        """BatchMeterUsage for one customer-hour (at most 25 dimensions): each dimension with AWS's record id
        and status; None when AWS is throttling or left records unprocessed (send again later)."""
        ...


class RegistrationStore(Protocol):
    def get_registration(self, registration_id: str) -> Registration | None: ...
    def registration_for_license(self, license_arn: str) -> Registration | None: ...
    def notices(self, keys: Iterable[str]) -> list[Notice]:
        """Every kept notice found by any of these keys (``agreement:…``, ``license:…``, ``customer:…``),
        each once, oldest first."""
        ...

    def metering_hours(self, subscription_id: str, start: datetime, end: datetime) -> list[MeteringHour]: ...
