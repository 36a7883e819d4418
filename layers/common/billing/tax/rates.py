"""EU standard VAT rates (the European Commission's "VAT rates applied in the Member States" table) as
effective-dated data, not constants.

Each country lists (first day in force, rate) in order. A change of law is a new row, so an invoice
dated before it keeps the rate of its date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.errors import ErrorCode, InvalidInputError

_D = Decimal
_OLD = date(2000, 1, 1)  # "in force before any invoice this system can issue"

STANDARD_RATES: dict[str, tuple[tuple[date, Decimal], ...]] = {
    "AT": ((_OLD, _D(20)),),
    "BE": ((_OLD, _D(21)),),
    "BG": ((_OLD, _D(20)),),
    "CY": ((_OLD, _D(19)),),
    "CZ": ((_OLD, _D(21)),),
    "DE": ((_OLD, _D(19)),),
    "DK": ((_OLD, _D(25)),),
    "EE": ((_OLD, _D(22)), (date(2025, 7, 1), _D(24))),
    "GR": ((_OLD, _D(24)),),  # "EL" in VAT numbers
    "ES": ((_OLD, _D(21)),),
    "FI": ((_OLD, _D(24)), (date(2024, 9, 1), _D("25.5"))),
    "FR": ((_OLD, _D(20)),),
    "HR": ((_OLD, _D(25)),),
    "HU": ((_OLD, _D(27)),),
    "IE": ((_OLD, _D(23)),),
    "IT": ((_OLD, _D(22)),),
    "LT": ((_OLD, _D(21)),),
    "LU": ((_OLD, _D(17)), (date(2023, 1, 1), _D(16)), (date(2024, 1, 1), _D(17))),
    "LV": ((_OLD, _D(21)),),
    "MT": ((_OLD, _D(18)),),
    "NL": ((_OLD, _D(21)),),
    "PL": ((_OLD, _D(23)),),
    "PT": ((_OLD, _D(23)),),
    "RO": ((_OLD, _D(19)), (date(2025, 8, 1), _D(21))),
    "SE": ((_OLD, _D(25)),),
    "SI": ((_OLD, _D(22)),),
    "SK": ((_OLD, _D(20)), (date(2025, 1, 1), _D(23))),
}
EU_MEMBER_STATES = frozenset(STANDARD_RATES)


def standard_rate(country: str, on: date) -> Decimal:
    """The standard rate of an EU member state (ISO 3166 code) in force on ``on``."""
    history = STANDARD_RATES.get(country.upper())
    if history is None:
        raise InvalidInputError(ErrorCode.NOT_AN_EU_COUNTRY, f"{country} is not an EU member state.", "country")
    rate = history[0][1]
    for since, value in history:
        if since <= on:
            rate = value
    return rate
