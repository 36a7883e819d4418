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


@dataclass(frozen=True, slots=True)
class Registration:
    """A buyer who came through the fulfillment URL: who they are at AWS, and which account is theirs here.

    One per AWS customer (its id is derived from the CustomerIdentifier), so a replayed token finds it.
    The one-time link token (kept hashed) lets the seller's signed-in owner claim it for their account.
    """

    id: str
    customer: ResolvedCustomer
    created: datetime
    link_token_hash: str
    account_id: str | None = None
    linked_at: datetime | None = None
    subscription_id: str | None = None
    version: int = 0
