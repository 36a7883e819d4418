"""A marketplace buyer as AWS names it, and what they are entitled to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ResolvedCustomer:
    """What ResolveCustomer returns for the token the buyer's browser posted to the fulfillment URL."""

    customer_identifier: str  # the legacy id (SNS messages name it)
    aws_account_id: str
    product_code: str
    license_arn: str | None  # every product created from June 2026 has one


@dataclass(frozen=True, slots=True)
class Entitlement:
    """One dimension of a contract and the quantity bought (GetEntitlements)."""

    dimension: str
    quantity: int
    expires_at: datetime | None = None
