"""What every route's bodies share: strict requests, bounded amounts and names, ISO 8601 instants.

Amounts are integers in minor units with their currency; unit prices may carry up to 12 decimals as
strings (``unit_amount_decimal``); instants are ISO 8601 UTC. Field names follow Stripe's where a
concept matches.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from billing.clock import isoformat
from billing.errors import ErrorCode

Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", examples=["EUR"])]
Amount = Annotated[int, Field(ge=0, le=10**12)]
PositiveAmount = Annotated[int, Field(ge=1, le=10**12)]
SignedAmount = Annotated[int, Field(ge=-(10**12), le=10**12)]
UnitDecimal = Annotated[Decimal, Field(ge=0, le=Decimal(10**12), max_digits=26, decimal_places=12)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=500)]
Quantity = Annotated[int, Field(ge=0, le=1_000_000)]
Identifier = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def iso(value: datetime | None) -> str | None:
    return None if value is None else isoformat(value)


def take_stripe_places(model: BaseModel, nested: BaseModel | None, names: tuple[str, ...]) -> None:
    """Copy the ``names`` given in ``nested`` (where Stripe puts them) onto ``model`` (where we do); the
    same field given in both places with different values is refused rather than one silently winning."""
    given = nested.model_fields_set if nested is not None else set()
    for name in (name for name in names if name in given):
        value = getattr(nested, name)
        if value is None:
            continue
        if name in model.model_fields_set and getattr(model, name) != value:
            raise PydanticCustomError(
                ErrorCode.CONFLICTING_PARAMETERS,
                "{param} is given twice, under Stripe's name and ours, with different values.",
                {"param": name},
            )
        setattr(model, name, value)
