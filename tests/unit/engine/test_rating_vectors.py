"""Public test vectors of pricing schemes (worked examples in Stripe's and Lago's pricing docs), in minor units."""

from decimal import Decimal

import pytest

from billing.catalog.models import BillingScheme, Package, Price, Recurring, Tier, TiersMode
from billing.catalog.rating import amount
from billing.money import to_minor

MONTHLY = Recurring(interval="month")


def usd(value: str) -> Decimal:
    return to_minor(value, "USD")


def tiered(mode: TiersMode, *tiers: tuple[int | None, str, str]) -> Price:
    return Price(
        id="price_t",
        product_id="prod",
        currency="USD",
        recurring=MONTHLY,
        scheme=BillingScheme.TIERED,
        tiers_mode=mode,
        tiers=tuple(Tier(up_to, usd(unit), usd(flat)) for up_to, unit, flat in tiers),
    )


STRIPE_TIERS = ((5, "7", "0"), (10, "6.50", "0"), (None, "6", "0"))


@pytest.mark.parametrize(("quantity", "expected"), [(5, "35"), (6, "39"), (20, "120"), (25, "150")])
def test_vector_stripe_volume_tiers(quantity, expected):
    assert amount(tiered(TiersMode.VOLUME, *STRIPE_TIERS), quantity) == usd(expected)


@pytest.mark.parametrize(("quantity", "expected"), [(6, "41.50"), (20, "127.50"), (25, "157.50")])
def test_vector_stripe_graduated_tiers(quantity, expected):
    assert amount(tiered(TiersMode.GRADUATED, *STRIPE_TIERS), quantity) == usd(expected)


def test_vector_lago_graduated_250_units_cost_155():
    price = tiered(TiersMode.GRADUATED, (100, "1", "0"), (200, "0.50", "0"), (None, "0.10", "0"))
    assert amount(price, 250) == usd("155")


def test_vector_lago_package_201_units_cost_10():
    price = Price(
        id="price_p",
        product_id="prod",
        currency="USD",
        recurring=MONTHLY,
        scheme=BillingScheme.PACKAGE,
        package=Package(size=100, amount=usd("5"), free_units=100),
    )
    assert amount(price, 201) == usd("10")
    assert amount(price, 100) == 0
    assert amount(price, 101) == usd("5")


def test_vector_lago_volume_65000_units_cost_49():
    price = tiered(
        TiersMode.VOLUME,
        (10_000, "0.0010", "10"),
        (50_000, "0.0008", "10"),
        (100_000, "0.0006", "10"),
        (None, "0.0004", "10"),
    )
    assert amount(price, 65_000) == usd("49")


def test_unit_prices_keep_twelve_decimals_and_round_once_per_line():
    price = Price(id="p", product_id="prod", currency="EUR", recurring=MONTHLY, unit_amount=Decimal("0.123456789012"))
    assert amount(price, 1_000_000) == 123457  # 123456.789012 cents, one half-up rounding
    assert amount(price, 0) == 0


def test_zero_decimal_currencies():
    price = Price(id="p", product_id="prod", currency="JPY", recurring=MONTHLY, unit_amount=Decimal("1500"))
    assert amount(price, 3) == 4500
    assert to_minor("1500", "JPY") == 1500
