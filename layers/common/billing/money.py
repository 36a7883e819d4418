"""Exact money: integer minor units per ISO 4217 currency, ``Decimal`` for unit prices, half-up rounding.

Amounts are plain ``int`` minor units (cents) with the currency carried beside them; unit prices are
``Decimal`` minor units with up to 12 decimals (Stripe's ``unit_amount_decimal``). Rounding happens once
per invoice line, half-up, through :func:`round_minor`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import format_currency, get_currency_precision, is_currency

from billing.errors import ErrorCode, InvalidInputError

MAX_UNIT_DECIMALS = 12
_ONE = Decimal(1)


class CurrencyMismatchError(InvalidInputError):
    def __init__(self, expected: str, got: str) -> None:
        super().__init__(ErrorCode.CURRENCY_MISMATCH, f"Cannot mix {expected} with {got}.", "currency")


@cache
def minor_unit_exponent(currency: str) -> int:
    """Decimal places of the currency's minor unit (EUR 2, JPY 0, BHD 3), from CLDR via babel."""
    code = currency.upper()
    # babel answers a precision of 2 for any three letters: ask CLDR whether the code exists at all.
    if len(code) != 3 or not code.isalpha() or not is_currency(code):
        raise InvalidInputError(ErrorCode.INVALID_CURRENCY, f"{currency!r} is not an ISO 4217 code.", "currency")
    return int(get_currency_precision(code))


def round_minor(amount: Decimal) -> int:
    """Round a Decimal amount of minor units half-up (away from zero on .5) to an integer."""
    return int(amount.quantize(_ONE, rounding=ROUND_HALF_UP))


def to_minor(major: Decimal | str, currency: str) -> Decimal:
    """Convert a major-unit amount ("30.00" EUR) to minor units (3000) without rounding."""
    return Decimal(major).scaleb(minor_unit_exponent(currency))


def check_unit_amount(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    if not value.is_finite() or (isinstance(exponent, int) and -exponent > MAX_UNIT_DECIMALS):
        raise InvalidInputError(
            ErrorCode.INVALID_UNIT_AMOUNT, f"Unit amounts carry at most {MAX_UNIT_DECIMALS} decimals.", "unit_amount"
        )
    if value < 0:
        raise InvalidInputError(ErrorCode.INVALID_UNIT_AMOUNT, "Unit amounts cannot be negative.", "unit_amount")
    return value


def same_currency(currencies: Iterable[str]) -> str:
    """The one currency of a set of amounts; mixing is an error."""
    found: str | None = None
    for currency in currencies:
        if found is None:
            found = currency
        elif currency != found:
            raise CurrencyMismatchError(found, currency)
    if found is None:
        raise InvalidInputError(ErrorCode.CURRENCY_REQUIRED, "No amount to take a currency from.", "currency")
    return found


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` so the parts sum exactly to ``total``.

    Largest-remainder method: each part is floored, then the units left go to the largest remainders
    (ties to the earliest), so no minor unit is created or lost.
    """
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    quotients = [divmod(magnitude * abs(w), abs(weight_sum)) for w in weights]
    parts = [q for q, _ in quotients]
    left = magnitude - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-quotients[i][1], i))
    for index in by_remainder[:left]:
        parts[index] += 1
    return [sign * part for part in parts]


def format_minor(amount: int, currency: str) -> str:
    """``1234, "EUR"`` → ``"12.34 EUR"``: for messages and logs, not for documents (babel does those)."""
    exponent = minor_unit_exponent(currency)
    return f"{Decimal(amount).scaleb(-exponent):.{exponent}f} {currency}"


def format_money(amount: int, currency: str, locale: str) -> str:
    """``500, "EUR", "fr"`` → ``"5,00 €"``: amounts as a reader of that language writes them (babel)."""
    return format_currency(Decimal(amount).scaleb(-minor_unit_exponent(currency)), currency, locale=locale)
