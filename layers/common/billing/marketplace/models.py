"""A marketplace buyer as AWS names it, and what they are entitled to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


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
    # Hourly metering of its metered items: the next hour to report, and the end of the last one (AWS takes
    # the final hour's usage after an unsubscribe, nothing later).
    meter_from: datetime | None = None
    meter_until: datetime | None = None
    version: int = 0

    def next_due(self) -> datetime | None:
        """When the next hour to report has closed (the billing run hands it to the worker)."""
        if self.meter_from is None or (self.meter_until is not None and self.meter_from >= self.meter_until):
            return None
        return self.meter_from + timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Allocation:
    """The part of an hour's quantity one tag set accounts for (AWS's usage allocations, up to 5 tags)."""

    tags: tuple[tuple[str, str], ...]
    quantity: int


@dataclass(frozen=True, slots=True)
class MeteredDimension:
    """One Marketplace dimension's usage of an hour, as reported with BatchMeterUsage and AWS's answer."""

    dimension: str
    quantity: int  # BatchMeterUsage takes whole units: the hour's quantity rounded half up
    allocations: tuple[Allocation, ...] = ()
    metering_record_id: str | None = None
    status: str | None = None  # AWS's: Success, CustomerNotSubscribed, DuplicateRecord


class HourStatus(StrEnum):
    PENDING = "pending"  # claimed, not yet accepted by AWS (sent again by the next pass: AWS deduplicates)
    SENT = "sent"
    EXPIRED = "expired"  # found more than 6 hours late: AWS refuses such records; reported, not lost silently


@dataclass(frozen=True, slots=True)
class MeteringHour:
    """One subscription-hour reported to AWS Marketplace: claimed once (created at version 0), then sent."""

    subscription_id: str
    hour: datetime  # its start, UTC
    product_code: str
    dimensions: tuple[MeteredDimension, ...]
    status: HourStatus = HourStatus.PENDING
    attempts: int = 0
    version: int = 0
