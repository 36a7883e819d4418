"""Which payment methods an account may save, by its country and currency (Stripe's availability)."""

from __future__ import annotations

from babel.numbers import get_territory_currencies

from billing.payments.models import MethodType

# SEPA Direct Debit: euro payments in the SEPA zone (EU/EEA, CH, GB and a few more).
SEPA_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LI",
        "LT",
        "LU",
        "LV",
        "MC",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "SM",
        "CH",
        "GB",
    ]
)
# PayPal through Stripe: businesses and buyers in Europe, in these currencies.
PAYPAL_CURRENCIES = frozenset({"EUR", "GBP", "CHF", "DKK", "NOK", "PLN", "SEK", "CZK", "HUF"})


def method_types_for(country: str, currency: str) -> tuple[str, ...]:
    """Card always; SEPA debit for euro accounts in the SEPA zone; ACH for US dollar accounts in the
    United States; PayPal for European currencies."""
    country, currency = country.upper(), currency.upper()
    types = [MethodType.CARD.value]
    if currency == "EUR" and country in SEPA_COUNTRIES:
        types.append(MethodType.SEPA_DEBIT.value)
    if currency == "USD" and country == "US":
        types.append(MethodType.US_BANK_ACCOUNT.value)
    if currency in PAYPAL_CURRENCIES and country in SEPA_COUNTRIES:
        types.append(MethodType.PAYPAL.value)
    return tuple(types)


def local_currency(country: str) -> str:
    """The currency of a country (CLDR, through babel), euro where it has none we know."""
    found = get_territory_currencies(country.upper(), tender=True, non_tender=False)
    return found[0] if found else "EUR"
