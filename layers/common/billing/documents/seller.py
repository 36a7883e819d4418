"""The seller's identity and payment details, printed on every document (from settings).

Validators built on first use (``defer_build``): only the documents function reads a seller, while every
function imports these models through its settings (~15 ms of their cold starts)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SellerAddress(BaseModel):
    """Structured, as e-invoices carry it (EN 16931 BG-5): street, postal code, city, country."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    line1: str
    line2: str | None = None
    postal_code: str
    city: str
    country: str = "FR"  # ISO 3166-1 alpha-2


class Seller(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

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
