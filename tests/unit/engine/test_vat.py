from datetime import date
from decimal import Decimal

import pytest

from billing.errors import InvalidInputError
from billing.tax.rates import EU_MEMBER_STATES, standard_rate
from billing.tax.vat import Buyer, VatCategory, vat_treatment

DAY = date(2026, 3, 1)


def test_french_customers_pay_20_percent_with_or_without_a_vat_number():
    for buyer in (Buyer("FR"), Buyer("FR", "FR40303265045")):
        treatment = vat_treatment(buyer, DAY)
        assert (treatment.rate, treatment.category, treatment.mention()) == (Decimal(20), VatCategory.STANDARD, None)


def test_eu_business_is_reverse_charged_with_the_legal_mention():
    treatment = vat_treatment(Buyer("DE", "DE136695976"), DAY)
    assert (treatment.rate, treatment.category) == (Decimal(0), VatCategory.REVERSE_CHARGE)
    assert treatment.mention("fr").startswith("Autoliquidation")
    assert "Reverse charge" in treatment.mention("en")


def test_eu_consumer_pays_their_country_rate():
    assert vat_treatment(Buyer("DE"), DAY).rate == Decimal(19)
    assert vat_treatment(Buyer("GR"), DAY).rate == Decimal(24)
    assert vat_treatment(Buyer("FI"), DAY).rate == Decimal("25.5")


def test_outside_the_eu_is_out_of_scope_with_a_mention():
    treatment = vat_treatment(Buyer("US"), DAY)
    assert (treatment.rate, treatment.category) == (Decimal(0), VatCategory.OUTSIDE_SCOPE)
    assert "259-1" in treatment.mention()
    assert vat_treatment(Buyer("CH", "CHE116281710MWST"), DAY).category is VatCategory.OUTSIDE_SCOPE


@pytest.mark.parametrize(
    ("country", "before", "after", "since"),
    [
        ("EE", 22, 24, date(2025, 7, 1)),
        ("FI", 24, Decimal("25.5"), date(2024, 9, 1)),
        ("RO", 19, 21, date(2025, 8, 1)),
        ("SK", 20, 23, date(2025, 1, 1)),
    ],
)
def test_rates_are_effective_dated(country, before, after, since):
    assert standard_rate(country, date.fromordinal(since.toordinal() - 1)) == Decimal(before)
    assert standard_rate(country, since) == Decimal(after)


def test_luxembourg_16_in_2023_only():
    assert [standard_rate("LU", date(year, 6, 1)) for year in (2022, 2023, 2024)] == [17, 16, 17]


def test_the_27_member_states():
    assert len(EU_MEMBER_STATES) == 27
    with pytest.raises(InvalidInputError):
        standard_rate("GB", DAY)
