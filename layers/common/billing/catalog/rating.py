"""The amount a price charges for a quantity, before the one rounding of its invoice line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from billing.catalog.models import BillingScheme, Price, Tier, TiersMode
from billing.errors import ErrorCode, InvalidInputError
from billing.money import round_minor

_ZERO = Decimal(0)


def exact_amount(price: Price, quantity: Decimal | int) -> Decimal:
    """Unrounded minor units for ``quantity`` units of ``price`` over one full period."""
    quantity = Decimal(quantity)
    if quantity < 0:
        raise InvalidInputError(ErrorCode.INVALID_QUANTITY, "Quantities cannot be negative.", "quantity")
    if price.scheme is BillingScheme.PER_UNIT:
        return price.unit_amount * quantity
    if price.scheme is BillingScheme.PACKAGE:
        assert price.package is not None
        package = price.package
        billable = max(_ZERO, quantity - package.free_units)
        # A started block is billed whole (Decimal's // truncates toward zero, so no -(-a // b) trick).
        blocks = (billable / package.size).to_integral_value(rounding=ROUND_CEILING)
        return package.amount * blocks
    assert price.tiers_mode is not None
    if price.tiers_mode is TiersMode.VOLUME:
        return _volume(price.tiers, quantity)
    return _graduated(price.tiers, quantity)


@dataclass(frozen=True, slots=True)
class TierUse:
    """The units of a quantity one tier priced: what an explained bill prints ("5 × 7,00 €")."""

    up_to: int | None  # the tier's bound (None: the last, open-ended tier)
    units: Decimal
    unit_amount: Decimal  # minor units per unit
    flat_amount: Decimal = _ZERO

    @property
    def amount(self) -> Decimal:
        return self.unit_amount * self.units + self.flat_amount


def tier_breakdown(price: Price, quantity: Decimal | int) -> tuple[TierUse, ...]:
    """The tiers a quantity crossed (graduated: each tier's share; volume: the one tier all units took);
    empty for other schemes, whose unit price explains itself."""
    if price.scheme is not BillingScheme.TIERED:
        return ()
    quantity = Decimal(quantity)
    if quantity <= 0:
        return ()
    if price.tiers_mode is TiersMode.VOLUME:
        tier = next(t for t in price.tiers if t.up_to is None or quantity <= t.up_to)
        return (TierUse(tier.up_to, quantity, tier.unit_amount, tier.flat_amount),)
    used, floor = [], _ZERO
    for tier in price.tiers:
        if quantity <= floor:
            break
        ceiling = quantity if tier.up_to is None else min(quantity, Decimal(tier.up_to))
        used.append(TierUse(tier.up_to, ceiling - floor, tier.unit_amount, tier.flat_amount))
        floor = ceiling
    return tuple(used)


def amount(price: Price, quantity: Decimal | int) -> int:
    """Minor units for one invoice line: the exact amount rounded once, half-up."""
    return round_minor(exact_amount(price, quantity))


def _volume(tiers: tuple[Tier, ...], quantity: Decimal) -> Decimal:
    if quantity == 0:
        return _ZERO
    for tier in tiers:
        if tier.up_to is None or quantity <= tier.up_to:
            return tier.unit_amount * quantity + tier.flat_amount
    raise AssertionError("the last tier is open-ended")


def _graduated(tiers: tuple[Tier, ...], quantity: Decimal) -> Decimal:
    total, floor = _ZERO, Decimal(0)
    for tier in tiers:
        if quantity <= floor:
            break
        ceiling = quantity if tier.up_to is None else min(quantity, Decimal(tier.up_to))
        total += tier.unit_amount * (ceiling - floor) + tier.flat_amount
        floor = ceiling
    return total
