import pytest
from pydantic import ValidationError

from billing.accounts.profile import STORED, BillingProfile, BillingProfileChanges
from tests.builders import french_company


def error_of(payload: dict) -> dict:
    with pytest.raises(ValidationError) as caught:
        BillingProfile.model_validate(payload)
    return caught.value.errors()[0]


def test_a_french_company_profile_is_normalised():
    profile = BillingProfile.model_validate(french_company(vat_number="fr 40 303 265 045"))
    assert profile.vat_number == "FR40303265045"
    assert profile.locale == "fr"
    assert profile.time_zone == "Europe/Paris"
    assert profile.receipt_settings.email_receipts == "each_payment"


@pytest.mark.parametrize(
    "number", ["DE136695976", "EL094259216", "BE0403019261", "GB980780684", "CHE-116.281.710 MWST"]
)
def test_eu_and_neighbour_vat_numbers_are_accepted(number):
    profile = BillingProfile.model_validate(french_company(vat_number=number, siren=None))
    assert profile.vat_number is not None
    assert " " not in profile.vat_number


@pytest.mark.parametrize("number", ["FR40303265046", "FR123", "XX123456789", "DE13669597"])
def test_invalid_vat_numbers_are_refused_with_a_code(number):
    error = error_of(french_company(vat_number=number))
    assert error["type"] == "invalid_vat_number"
    assert error["loc"] == ("vat_number",)


def test_siren_is_for_french_addresses_only():
    payload = french_company()
    payload["address"] = payload["address"] | {"country": "DE"}
    error = error_of(payload)
    assert error["type"] == "french_identifier_outside_france"
    assert error["ctx"]["param"] == "siren"


def test_siret_must_extend_the_siren():
    error = error_of(french_company(siret="73282932000074"))
    assert error["type"] == "siret_siren_mismatch"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("time_zone", "Mars/Olympus", "invalid_time_zone"),
        ("billing_email", "not-an-email", "value_error"),
        ("locale", "de", "enum"),
        ("siren", "123456789", "invalid_siren"),
    ],
)
def test_each_field_is_checked(field, value, code):
    error = error_of(french_company(**{field: value}))
    assert error["type"] == code
    assert error["loc"][0] == field


def test_an_address_is_normalised_as_email_validator_does():
    profile = BillingProfile.model_validate(french_company(billing_email="Compta@Exemple.FR"))
    assert profile.billing_email == "Compta@exemple.fr"  # the domain lower-cased, the local part kept


def test_a_stored_profile_is_read_back_without_its_input_checks():
    # Written under older rules: the same values sent by a caller are refused, read back they are kept.
    written = french_company(billing_email="not-an-email", time_zone="Mars/Olympus")
    assert error_of(written)["type"] in {"value_error", "invalid_time_zone"}
    profile = BillingProfile.model_validate(written, context=STORED)
    assert (profile.billing_email, profile.time_zone) == ("not-an-email", "Mars/Olympus")


def test_unknown_country_and_unknown_fields_are_refused():
    payload = french_company()
    payload["address"] = payload["address"] | {"country": "ZZ"}
    assert error_of(payload)["type"] == "invalid_country"
    assert error_of(french_company(is_admin=True))["type"] == "extra_forbidden"


def test_changes_replace_only_the_given_fields_and_revalidate_the_whole():
    profile = BillingProfile.model_validate(french_company())
    changed = BillingProfileChanges(billing_email="factures@exemple.fr", locale="en").apply_to(profile)
    assert changed.billing_email == "factures@exemple.fr"
    assert changed.locale == "en"
    assert changed.vat_number == profile.vat_number

    moved_abroad = BillingProfileChanges.model_validate(
        {"address": {"line1": "1 Main St", "postal_code": "10115", "city": "Berlin", "country": "DE"}}
    )
    with pytest.raises(ValidationError):
        moved_abroad.apply_to(profile)  # the SIREN no longer applies: the caller must remove it too
    removed = BillingProfileChanges.model_validate(
        {"address": {"line1": "1 Main St", "postal_code": "10115", "city": "Berlin", "country": "DE"}, "siren": None}
    ).apply_to(profile)
    assert removed.siren is None
    assert removed.address.country == "DE"


def test_a_french_business_gives_its_siren_and_its_vat_number_carries_it():
    error = error_of(french_company(siren=None))
    assert (error["type"], error["ctx"]["param"]) == ("siren_required", "siren")
    error = error_of(french_company(vat_number="FR44732829320"))  # another company's number
    assert (error["type"], error["ctx"]["param"]) == ("siret_siren_mismatch", "vat_number")
    consumer = french_company(siren=None, vat_number=None, customer_type="individual")
    assert BillingProfile.model_validate(consumer).is_business is False
