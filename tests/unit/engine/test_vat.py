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


def test_outside_the_eu_is_out_of_scope_with_the_article_that_says_why():
    business = vat_treatment(Buyer("US", business=True), DAY)
    assert (business.rate, business.category) == (Decimal(0), VatCategory.OUTSIDE_SCOPE)
    assert "259-1°" in business.mention()
    consumer = vat_treatment(Buyer("US"), DAY)
    assert consumer.category is VatCategory.OUTSIDE_SCOPE
    assert "259 B" in consumer.mention()
    assert vat_treatment(Buyer("CH", "CHE116281710MWST"), DAY).category is VatCategory.OUTSIDE_SCOPE


def test_reverse_charge_cites_the_directive_not_the_article_for_foreign_suppliers():
    mention = vat_treatment(Buyer("DE", "DE136695976"), DAY).mention()
    assert "art. 196 de la directive 2006/112/CE" in mention
    assert "283-2" not in mention  # it makes a French customer of a foreign supplier liable: not this case


def test_a_french_vat_number_with_a_german_address_is_a_french_establishment():
    treatment = vat_treatment(Buyer("DE", "FR40303265045"), DAY)
    assert (treatment.rate, treatment.category) == (Decimal(20), VatCategory.STANDARD)


def test_vat_territory_is_not_geography():
    assert vat_treatment(Buyer("MC"), DAY).rate == Decimal(20)  # Monaco: French VAT
    assert vat_treatment(Buyer("MC", business=True), DAY).category is VatCategory.STANDARD
    canary = vat_treatment(Buyer("ES", postal_code="35001"), DAY)  # Las Palmas: outside the EU VAT territory
    assert (canary.rate, canary.category) == (Decimal(0), VatCategory.OUTSIDE_SCOPE)
    assert vat_treatment(Buyer("ES", postal_code="28013"), DAY).rate == Decimal(21)  # Madrid
    assert vat_treatment(Buyer("GR", "EL094259216"), DAY).category is VatCategory.REVERSE_CHARGE


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
