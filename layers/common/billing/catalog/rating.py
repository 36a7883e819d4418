"""The amount a price charges for a quantity, before the one rounding of its invoice line."""

from __future__ import annotations

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
