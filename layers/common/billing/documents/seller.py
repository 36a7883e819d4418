"""The seller's identity and payment details, printed on every document (from settings)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SellerAddress(BaseModel):
    """Structured, as e-invoices carry it (EN 16931 BG-5): street, postal code, city, country."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line1: str
    line2: str | None = None
    postal_code: str
    city: str
    country: str = "FR"  # ISO 3166-1 alpha-2


class Seller(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    legal_name: str
    address: SellerAddress
    siren: str
    vat_number: str
    legal_form: str | None = None  # "SAS au capital de 10 000 €"
    rcs: str | None = None  # "RCS Paris 123 456 789"
    iban: str
    bic: str
    cheque_address: tuple[str, ...] = ()
    email: str
    # Late-payment terms (Code de commerce L441-10): the rate is the seller's choice, at least
    # three times the legal interest rate; ECB rate + 10 points is the default.
    late_penalty_rate: str = "taux de la BCE majoré de 10 points"
    late_penalty_rate_en: str = "ECB rate plus 10 percentage points"
    recovery_indemnity_eur: int = 40
    # VAT on services is due when paid, unless the seller opted to pay it on debits (CGI art. 269-2-c):
    # e-invoices then say it (BT-8), and so must the paper mention.
    vat_on_debits: bool = False


# The local and test defaults: a fictitious company with checksum-valid identifiers.
LOCAL_SELLER = Seller(
    legal_name="Nuage Exemple SAS",
    legal_form="SAS au capital de 10 000 €",
    rcs="RCS Paris 732 829 320",
    address=SellerAddress(line1="12 rue de la Facture", postal_code="75011", city="Paris"),
    siren="732829320",
    vat_number="FR44732829320",
    iban="FR76 3000 6000 0112 3456 7890 189",
    bic="AGRIFRPPXXX",
    cheque_address=("Nuage Exemple SAS — Service comptabilité", "12 rue de la Facture", "75011 Paris"),
    email="facturation@nuage-exemple.fr",
)
