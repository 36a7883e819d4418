"""Products and prices. A price is immutable once used: a new price is a new id (grandfathering)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from billing.catalog.units import DEFAULT_UNIT, UNITS
from billing.errors import ErrorCode, InvalidInputError
from billing.money import check_unit_amount, minor_unit_exponent
from billing.tax.vat import EXEMPTIONS


class Interval(StrEnum):
    MONTH = "month"
    YEAR = "year"


class UsageType(StrEnum):
    LICENSED = "licensed"  # per seat/unit, billed in advance
    METERED = "metered"  # usage, billed in arrears


class BillingScheme(StrEnum):
    PER_UNIT = "per_unit"
    TIERED = "tiered"
    PACKAGE = "package"


class TiersMode(StrEnum):
    GRADUATED = "graduated"  # each unit priced by the tier it falls in
    VOLUME = "volume"  # every unit priced by the tier the total falls in


class Aggregation(StrEnum):
    SUM = "sum"
    COUNT = "count"
    MAX = "max"
    UNIQUE_COUNT = "unique_count"
    LATEST = "latest"


@dataclass(frozen=True, slots=True)
class Recurring:
    """How often a recurring price bills: every ``interval_count`` months or years."""

    interval: Interval
    interval_count: int = 1

    def __post_init__(self) -> None:
        limit = 36 if self.interval is Interval.MONTH else 3
        if not 1 <= self.interval_count <= limit:
            raise InvalidInputError(
                ErrorCode.INVALID_INTERVAL_COUNT, f"interval_count must be 1 to {limit}.", "recurring.interval_count"
            )

    @property
    def months(self) -> int:
        return self.interval_count * (12 if self.interval is Interval.YEAR else 1)


@dataclass(frozen=True, slots=True)
class Tier:
    """Up to ``up_to`` units (inclusive; ``None`` for the last tier), minor units per unit and flat."""

    up_to: int | None
    unit_amount: Decimal = Decimal(0)
    flat_amount: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Package:
    """Price per block of ``size`` units, a partial block billed whole; ``free_units`` come first."""

    size: int
    amount: Decimal
    free_units: int = 0


@dataclass(frozen=True, slots=True)
class Meter:
    """What usage events a metered price counts, and how they aggregate over a period."""

    event_name: str
    aggregation: Aggregation = Aggregation.SUM
    # For unique_count: the event property whose distinct values are counted.
    unique_by: str | None = None


@dataclass(frozen=True, slots=True)
class Product:
    """What the seller sells, named as invoices print it; its prices say how it is charged."""

    id: str
    name: str
    description: str | None = None
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class Price:
    """How a product is charged: currency, recurrence, licensed or metered, and the scheme that turns a quantity into
    an amount."""

    id: str
    product_id: str
    currency: str
    nickname: str | None = None
    recurring: Recurring | None = None  # None: a one-off price (interventions, set-up fees)
    usage_type: UsageType = UsageType.LICENSED
    scheme: BillingScheme = BillingScheme.PER_UNIT
    unit_amount: Decimal = Decimal(0)  # minor units per unit, up to 12 decimals
    tiers: tuple[Tier, ...] = ()
    tiers_mode: TiersMode | None = None
    package: Package | None = None
    meter: Meter | None = None
    tax_rate: Decimal | None = field(default=None)  # override of the account's VAT rate (rare)
    created: datetime | None = None
    lookup_key: str | None = None  # Stripe's: a stable name; an AWS Marketplace dimension finds its price by it
    product_name: str | None = None  # the product's, copied when priced: documents name lines after it, not its id
    unit: str = DEFAULT_UNIT  # what a unit is (UN/ECE rec. 20): e-invoices state it per line
    tax_exemption: str | None = None  # a VATEX code (tax/vat.py:EXEMPTIONS): exempt where its VAT is French

    def __post_init__(self) -> None:
        minor_unit_exponent(self.currency)
        check_unit_amount(self.unit_amount)
        if self.tax_exemption is not None and self.tax_exemption not in EXEMPTIONS:
            message = "tax_exemption is a VATEX code we know (VATEX-EU-132-1I…)."
            raise InvalidInputError(ErrorCode.INVALID_TAX_EXEMPTION, message, "tax_exemption")
        if self.unit not in UNITS:
            raise InvalidInputError(
                ErrorCode.INVALID_UNIT, "unit is a UN/ECE Recommendation 20 code we know (C62, MIN, HUR, E34…).", "unit"
            )
        if self.scheme is BillingScheme.TIERED:
            _check_tiers(self.tiers, self.tiers_mode)
        if self.scheme is BillingScheme.PACKAGE and (self.package is None or self.package.size < 1):
            raise InvalidInputError(ErrorCode.PACKAGE_REQUIRED, "A package price needs a block size ≥ 1.", "package")
        if self.usage_type is UsageType.METERED:
            if self.recurring is None:
                raise InvalidInputError(ErrorCode.METERED_NEEDS_INTERVAL, "Metered prices are recurring.", "recurring")
            if self.meter is None:
                raise InvalidInputError(ErrorCode.METER_REQUIRED, "A metered price names its meter.", "meter")

    @property
    def is_metered(self) -> bool:
        return self.usage_type is UsageType.METERED

    @property
    def name(self) -> str:
        """What a reader calls it: its nickname, else its product's name (the id only for prices made before
        they carried it)."""
        return self.nickname or self.product_name or self.product_id


def _check_tiers(tiers: tuple[Tier, ...], mode: TiersMode | None) -> None:
    if mode is None or not tiers:
        raise InvalidInputError(ErrorCode.TIERS_REQUIRED, "A tiered price needs tiers and tiers_mode.", "tiers")
    bounds = [t.up_to for t in tiers]
    if bounds[-1] is not None or None in bounds[:-1]:
        raise InvalidInputError(ErrorCode.INVALID_TIERS, "Only the last tier is open-ended (up_to null).", "tiers")
    finite = [b for b in bounds if b is not None]
    if finite != sorted(set(finite)) or (finite and finite[0] < 1):
        raise InvalidInputError(ErrorCode.INVALID_TIERS, "Tier bounds must increase strictly from 1.", "tiers")
    for tier in tiers:
        check_unit_amount(tier.unit_amount)
        check_unit_amount(tier.flat_amount)
