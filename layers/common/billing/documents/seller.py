"""The seller's identity and payment details, printed on every document (from settings)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Seller(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    legal_name: str
    address_lines: tuple[str, ...]
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


# The local and test defaults: a fictitious company with checksum-valid identifiers.
LOCAL_SELLER = Seller(
    legal_name="Nuage Exemple SAS",
    legal_form="SAS au capital de 10 000 €",
    rcs="RCS Paris 732 829 320",
    address_lines=("12 rue de la Facture", "75011 Paris", "France"),
    siren="732829320",
    vat_number="FR44732829320",
    iban="FR76 3000 6000 0112 3456 7890 189",
    bic="AGRIFRPPXXX",
    cheque_address=("Nuage Exemple SAS — Service comptabilité", "12 rue de la Facture", "75011 Paris"),
    email="facturation@nuage-exemple.fr",
)
