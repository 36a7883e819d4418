"""Which VAT a French seller charges on electronically supplied services, and what the invoice says.

Rules (CGI art. 259 B and 283-2; Directive 2006/112/EC art. 44, 58 and 196): French customer → 20 %;
EU business with a VAT number → reverse charge, 0 % with the legal mention; EU consumer → the consumer's
country rate (OSS); outside the EU → out of scope of French VAT, with the mention. VAT numbers are
checked (format and checksum) when the profile is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billing.tax.rates import EU_MEMBER_STATES, standard_rate

SELLER_COUNTRY = "FR"
SELLER_TIME_ZONE = "Europe/Paris"  # the seller's calendar: the day an invoice is issued on, its number's year


class VatCategory(StrEnum):
    # EN 16931 / UNCL5305 codes, so e-invoices (Factur-X) can carry them as they are.
    STANDARD = "S"
    REVERSE_CHARGE = "AE"
    OUTSIDE_SCOPE = "O"


_MENTIONS = {
    VatCategory.REVERSE_CHARGE: {
        "fr": "Autoliquidation — TVA due par le preneur (art. 283-2 du CGI, art. 196 de la directive 2006/112/CE)",
        "en": "Reverse charge — VAT due by the customer (Article 196, Council Directive 2006/112/EC)",
    },
    VatCategory.OUTSIDE_SCOPE: {
        "fr": "TVA non applicable — prestation hors UE (art. 259-1 du CGI)",
        "en": "VAT not applicable — service supplied outside the EU (art. 259-1 CGI)",
    },
}


@dataclass(frozen=True, slots=True)
class Buyer:
    country: str  # ISO 3166-1 alpha-2
    vat_number: str | None = None  # already validated

    @property
    def is_eu_business(self) -> bool:
        return self.vat_number is not None and self.country in EU_MEMBER_STATES


@dataclass(frozen=True, slots=True)
class VatTreatment:
    rate: Decimal  # percent
    category: VatCategory
    country: str  # whose rate applies

    def rate_for(self, price_rate: Decimal | None) -> Decimal:
        """The rate of one line whose price asks for its own (a reduced rate): it holds only under the
        seller's own VAT. Reverse charge and exports stay at 0 %, and an EU consumer (OSS) pays the rate
        of their country: the price's rate is a French rate, meaningless there."""
        if price_rate is None or self.category is not VatCategory.STANDARD or self.country != SELLER_COUNTRY:
            return self.rate
        return price_rate

    def mention(self, locale: str = "fr") -> str | None:
        texts = _MENTIONS.get(self.category)
        return None if texts is None else texts.get(locale, texts["fr"])


def vat_treatment(buyer: Buyer, on: date) -> VatTreatment:
    """The VAT to invoice ``buyer`` for a supply dated ``on``."""
    country = buyer.country.upper()
    if country == SELLER_COUNTRY:
        return VatTreatment(standard_rate(SELLER_COUNTRY, on), VatCategory.STANDARD, SELLER_COUNTRY)
    if country not in EU_MEMBER_STATES:
        return VatTreatment(Decimal(0), VatCategory.OUTSIDE_SCOPE, country)
    if buyer.is_eu_business:
        return VatTreatment(Decimal(0), VatCategory.REVERSE_CHARGE, country)
    return VatTreatment(standard_rate(country, on), VatCategory.STANDARD, country)
