"""The billing profile of an account: who is invoiced, where, in which language."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from importlib import import_module
from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from billing.errors import ErrorCode

# python-stdnum's modules are imported by the first number checked, as email-validator is: its EU module
# loads every member state's (~18 ms of the cold start of each function that reads accounts, which only
# the API's writes check). Non-EU schemes a French seller meets most; EU numbers go through the EU module
# (EL, XI included).
_OTHER_VAT_SCHEMES = {"GB": "stdnum.gb.vat", "CH": "stdnum.ch.vat", "NO": "stdnum.no.mva"}


# The validation context of a profile read back from the table: it was checked when written, so the checks
# below are not run again on every read (nor do they refuse a profile written under older rules).
STORED = {"stored": True}


def _on_input(check: Callable[[str], str]) -> AfterValidator:
    def run(value: str, info: ValidationInfo) -> str:
        return value if info.context is not None and info.context.get("stored") else check(value)

    return AfterValidator(run)


# CLDR territories that are not countries an invoice can be addressed to.
_NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO"}


def _country_code(value: str) -> str:
    code = value.upper()
    if len(code) != 2 or code in _NOT_COUNTRIES or code not in Locale("en").territories:
        raise PydanticCustomError(ErrorCode.INVALID_COUNTRY, "country must be an ISO 3166-1 alpha-2 code")
    return code


def _vat_number(value: str) -> str:
    from stdnum.exceptions import ValidationError

    cleaned = value.strip().upper()
    prefix = cleaned[:2]
    scheme = _OTHER_VAT_SCHEMES.get(prefix)
    try:
        if scheme is None:
            return str(import_module("stdnum.eu.vat").validate(cleaned))
        number = str(import_module(scheme).validate(cleaned))
        return number if number.startswith(prefix) else prefix + number
    except ValidationError as error:
        raise PydanticCustomError(
            ErrorCode.INVALID_VAT_NUMBER,
            "VAT number is not valid ({reason})",
            {"reason": str(error).rstrip(".")},
        ) from error


def _checked(module: str, code: str, label: str) -> AfterValidator:
    def check(value: str) -> str:
        from stdnum.exceptions import ValidationError

        try:
            return str(import_module(module).validate(value))
        except ValidationError as error:
            raise PydanticCustomError(code, f"{label} is not valid") from error

    return _on_input(check)


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise PydanticCustomError(ErrorCode.INVALID_TIME_ZONE, "time_zone must be an IANA zone name") from error
    return value


def _email(value: str) -> str:
    # pydantic's EmailStr, with email-validator imported on the first address checked: compiling its RFC
    # patterns cost ~17 ms of the cold start of every function that reads accounts.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise PydanticCustomError(
            "value_error", "value is not a valid email address: {reason}", {"reason": str(error)}
        ) from error


CountryCode = Annotated[str, Field(examples=["FR"]), _on_input(_country_code)]
VatNumber = Annotated[str, Field(max_length=20, examples=["FR40303265045"]), _on_input(_vat_number)]
Siren = Annotated[
    str, Field(max_length=11, examples=["732829320"]), _checked("stdnum.fr.siren", "invalid_siren", "SIREN")
]
Siret = Annotated[
    str, Field(max_length=17, examples=["73282932000074"]), _checked("stdnum.fr.siret", "invalid_siret", "SIRET")
]
TimeZone = Annotated[str, Field(max_length=64, examples=["Europe/Paris"]), _on_input(_time_zone)]
Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"}), _on_input(_email)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    # No mass assignment: an unknown field is an error, not silently dropped. Validators are built on first
    # use: most cold starts import these models (invoices carry a buyer) without validating one (~25 ms).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Address(Strict):
    line1: ShortText
    line2: Annotated[str, Field(max_length=200)] | None = None
    postal_code: Annotated[str, Field(min_length=1, max_length=20)]
    city: ShortText
    state: Annotated[str, Field(max_length=100)] | None = None
    country: CountryCode


class Locale_(StrEnum):
    FR = "fr"
    EN = "en"


class EmailReceipts(StrEnum):
    EACH_PAYMENT = "each_payment"
    MONTHLY = "monthly"
    OFF = "off"


class ReceiptSettings(Strict):
    email_receipts: EmailReceipts = EmailReceipts.EACH_PAYMENT
    extra_text: Annotated[str, Field(max_length=500)] | None = Field(
        default=None, description="Printed on every receipt (company address, VAT number, PO number...)."
    )


class PublicBuyer(Strict):
    """A public-sector buyer, invoiced through Chorus Pro: which references its structure requires there (the
    "Rechercher structure" answer of Chorus Pro), and their values, put on every invoice (BT-10, BT-13)."""

    service_code: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="The « code service » of the buying department."
    )
    engagement_number: Annotated[str, Field(min_length=1, max_length=50)] | None = Field(
        default=None, description="The « numéro d'engagement » (the order's commitment number)."
    )
    service_code_required: bool = Field(default=False, description="Chorus Pro refuses invoices without it.")
    engagement_number_required: bool = Field(default=False, description="Chorus Pro refuses invoices without it.")


class CustomerType(StrEnum):
    BUSINESS = "business"
    INDIVIDUAL = "individual"


class BillingProfile(Strict):
    """Everything an invoice needs to name and reach the buyer."""

    legal_name: ShortText
    address: Address
    billing_email: Email = Field(
        validation_alias=AliasChoices("billing_email", "email"),
        description="Where invoices and receipts are sent; Stripe's name, email, is accepted too.",
    )
    locale: Locale_ = Locale_.FR
    vat_number: VatNumber | None = None
    siren: Siren | None = Field(default=None, description="French companies only.")
    siret: Siret | None = Field(default=None, description="French companies only.")
    receipt_settings: ReceiptSettings = Field(default_factory=ReceiptSettings)
    time_zone: TimeZone = Field(default="Europe/Paris", description="Display only; instants stay UTC.")
    public_buyer: PublicBuyer | None = Field(
        default=None, description="A French public entity, invoiced through Chorus Pro (its SIRET is required)."
    )
    buyer_reference: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None,
        description="The buyer's own reference for its invoices (a cost centre): on every invoice (BT-10).",
    )
    purchase_order: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="The buyer's purchase order number, printed on its invoices (BT-13)."
    )
    customer_type: CustomerType | None = Field(
        default=None,
        description="A business or a consumer: B2B mentions (late-payment penalties, the €40 indemnity) are "
        "printed to businesses only. When absent: a business if a VAT number, SIREN or SIRET is given.",
    )

    @property
    def is_business(self) -> bool:
        if self.customer_type is not None:
            return self.customer_type is CustomerType.BUSINESS
        return bool(self.vat_number or self.siren or self.siret)

    @model_validator(mode="after")
    def _french_identifiers(self) -> Self:
        french = self.address.country == "FR"
        for name in ("siren", "siret"):
            if getattr(self, name) is not None and not french:
                raise PydanticCustomError(
                    ErrorCode.FRENCH_IDENTIFIER_OUTSIDE_FRANCE,
                    "{param} applies to French companies only (address.country must be FR)",
                    {"param": name},
                )
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            raise PydanticCustomError(
                ErrorCode.SIRET_SIREN_MISMATCH, "{param} must start with the siren", {"param": "siret"}
            )
        # A French VAT number is FR, a two-character key, then the SIREN (CGI annexe II art. 286 ter): the two
        # identify the same company, and French invoices (and e-invoices, BT-47) name the SIREN.
        french_vat = self.vat_number is not None and self.vat_number.startswith("FR")
        if french and self.siren is None and (french_vat or self.customer_type is CustomerType.BUSINESS):
            raise PydanticCustomError(
                ErrorCode.SIREN_REQUIRED, "A French business gives its {param}", {"param": "siren"}
            )
        public = self.public_buyer
        if public is not None:
            if self.siret is None:  # Chorus Pro addresses a public structure by its SIRET
                raise PydanticCustomError(
                    ErrorCode.SIREN_REQUIRED, "A public buyer gives its {param}", {"param": "siret"}
                )
            for name in ("service_code", "engagement_number"):
                if getattr(public, f"{name}_required") and getattr(public, name) is None:
                    raise PydanticCustomError(
                        ErrorCode.CHORUS_REFERENCE_REQUIRED,
                        "Chorus Pro requires {param} for this public buyer",
                        {"param": f"public_buyer.{name}"},
                    )
        if french_vat and self.siren and self.vat_number and self.vat_number[4:] != self.siren:
            raise PydanticCustomError(
                ErrorCode.SIRET_SIREN_MISMATCH, "{param} must end with the siren", {"param": "vat_number"}
            )
        return self


class BillingProfileChanges(Strict):
    """A partial profile: the fields given replace the stored ones; nested objects are replaced whole."""

    legal_name: ShortText | None = None
    address: Address | None = None
    billing_email: Email | None = Field(
        default=None, validation_alias=AliasChoices("billing_email", "email"), description="Or email, as in Stripe."
    )
    locale: Locale_ | None = None
    vat_number: VatNumber | None = None
    siren: Siren | None = None
    siret: Siret | None = None
    receipt_settings: ReceiptSettings | None = None
    time_zone: TimeZone | None = None
    customer_type: CustomerType | None = Field(default=None, description="business or individual.")
    public_buyer: PublicBuyer | None = Field(default=None, description="Chorus Pro references; null: not public.")
    buyer_reference: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="The buyer's reference (BT-10)."
    )
    purchase_order: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="The buyer's purchase order (BT-13)."
    )

    def apply_to(self, profile: BillingProfile) -> BillingProfile:
        """Return the profile with these changes, validated again as a whole."""
        changes = self.model_dump(exclude_unset=True)
        merged = profile.model_dump() | changes
        return BillingProfile.model_validate(merged)
