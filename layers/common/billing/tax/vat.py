"""Which VAT a French seller charges on electronically supplied services, and what the invoice says.

Where the service is supplied (docs/decisions.md, "VAT territory and legal references"):
- a business: where it is established (CGI art. 259-1°; Directive 2006/112/EC art. 44), which its VAT
  number names when it gives one (a French number with a German address is a French establishment);
  in France → 20 %; in another member state → reverse charge, the customer pays the VAT (art. 196 of the
  Directive), the invoice says "Autoliquidation" (CGI art. 242 nonies A, I-13°); outside the EU → out of
  scope of French VAT (art. 259-1°);
- a consumer: in the EU, where they live (CGI art. 259 D; Directive art. 58) → that country's rate (OSS);
  outside the EU → not in France (CGI art. 259 B), out of scope.
VAT territory, not geography: Monaco is French VAT territory (Franco-Monegasque convention of 1963;
Directive art. 7); the Canary Islands, Ceuta and Melilla are Spain but outside the EU VAT territory
(Directive art. 6). VAT numbers are checked (format and checksum) when the profile is saved.
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
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    OUTSIDE_SCOPE = "O"


# Exemptions a price may carry (EN 16931 VATEX codes), with the text the invoice must print (CGI annexe II
# art. 242 nonies A, I-12°: the provision that exempts). Training is the one a SaaS seller meets most.
EXEMPTIONS: dict[str, dict[str, str]] = {
    "VATEX-EU-132-1I": {
        "fr": "Exonération de TVA — formation professionnelle continue (art. 261-4-4°-a du CGI)",
        "en": "VAT exempt — vocational training (art. 261-4-4°-a CGI; Directive 2006/112/EC art. 132-1-i)",
    },
    "VATEX-EU-132-1J": {
        "fr": "Exonération de TVA — enseignement dispensé à titre personnel (art. 261-4-4°-b du CGI)",
        "en": "VAT exempt — tuition given privately (art. 261-4-4°-b CGI; Directive 2006/112/EC art. 132-1-j)",
    },
}


def exemption_mention(code: str, locale: str = "fr") -> str:
    texts = EXEMPTIONS[code]
    return texts.get(locale, texts["fr"])


class _Mention(StrEnum):
    REVERSE_CHARGE = "reverse_charge"
    BUSINESS_OUTSIDE_EU = "business_outside_eu"
    CONSUMER_OUTSIDE_EU = "consumer_outside_eu"


_MENTIONS = {
    _Mention.REVERSE_CHARGE: {
        "fr": "Autoliquidation — TVA due par le preneur (art. 196 de la directive 2006/112/CE ; art. 259-1° du CGI)",
        "en": "Reverse charge — VAT due by the customer (Article 196, Council Directive 2006/112/EC)",
    },
    _Mention.BUSINESS_OUTSIDE_EU: {
        "fr": "TVA non applicable — preneur assujetti établi hors de l'UE (art. 259-1° du CGI)",
        "en": "VAT not applicable — customer established outside the EU (art. 259-1° CGI; Directive art. 44)",
    },
    _Mention.CONSUMER_OUTSIDE_EU: {
        "fr": "TVA non applicable — service électronique fourni à un non-assujetti hors de l'UE (art. 259 B du CGI)",
        "en": "VAT not applicable — electronic service to a non-taxable person outside the EU (art. 259 B CGI)",
    },
}
# VAT numbers say "EL" for Greece, whose ISO code is GR.
_VAT_PREFIXES = {"EL": "GR"}
# Spanish postal codes outside the EU VAT territory: Las Palmas 35, Santa Cruz de Tenerife 38, Ceuta 51,
# Melilla 52 (Directive 2006/112/EC art. 6).
_OUTSIDE_EU_VAT_POSTCODES = {"ES": ("35", "38", "51", "52")}
_VAT_TERRITORY_OF = {"MC": "FR"}  # Monaco is French VAT territory
OUTSIDE_EU_VAT_TERRITORY = "XX"  # a place in an EU state's geography but outside its VAT territory


@dataclass(frozen=True, slots=True)
class Buyer:
    """What VAT depends on about the buyer: where they are and whether they are a business."""

    country: str  # ISO 3166-1 alpha-2, of the address
    vat_number: str | None = None  # already validated
    postal_code: str | None = None
    business: bool | None = None  # None: a business when it gives a VAT number

    @property
    def is_business(self) -> bool:
        return self.business if self.business is not None else self.vat_number is not None

    @property
    def vat_country(self) -> str:
        """Where, for VAT, the buyer is: the state its VAT number names (its establishment), else its address's
        VAT territory."""
        if self.vat_number:
            prefix = self.vat_number[:2].upper()
            return _VAT_PREFIXES.get(prefix, prefix)
        country = self.country.upper()
        outside = _OUTSIDE_EU_VAT_POSTCODES.get(country, ())
        if self.postal_code and self.postal_code.strip().startswith(outside):
            return OUTSIDE_EU_VAT_TERRITORY
        return _VAT_TERRITORY_OF.get(country, country)

    @property
    def is_eu_business(self) -> bool:
        return self.vat_number is not None and self.vat_country in EU_MEMBER_STATES


@dataclass(frozen=True, slots=True)
class VatTreatment:
    """The VAT an invoice applies to a buyer on a date: rate, category and the mention it must print."""

    rate: Decimal  # percent
    category: VatCategory
    country: str  # whose rate applies
    reason: _Mention | None = None  # which legal mention the invoice prints

    def rate_for(self, price_rate: Decimal | None, exemption: str | None = None) -> Decimal:
        """The rate of one line whose price asks for its own (a reduced rate, or an exemption): it holds only
        under the seller's own VAT. Reverse charge and exports stay at 0 %, and an EU consumer (OSS) pays the
        rate of their country: the price's rate is a French rate, meaningless there."""
        if self.category is not VatCategory.STANDARD or self.country != SELLER_COUNTRY:
            return self.rate
        if exemption is not None:
            return Decimal(0)
        return self.rate if price_rate is None else price_rate

    def exempts(self, exemption: str | None) -> bool:
        """Whether a price's exemption holds under this treatment (French VAT only, as its rate)."""
        return exemption is not None and self.category is VatCategory.STANDARD and self.country == SELLER_COUNTRY

    def mention(self, locale: str = "fr") -> str | None:
        texts = _MENTIONS.get(self.reason) if self.reason else None
        return None if texts is None else texts.get(locale, texts["fr"])


def vat_treatment(buyer: Buyer, on: date) -> VatTreatment:
    """The VAT to invoice ``buyer`` for a supply dated ``on``."""
    country = buyer.vat_country
    if country == SELLER_COUNTRY:
        return VatTreatment(standard_rate(SELLER_COUNTRY, on), VatCategory.STANDARD, SELLER_COUNTRY)
    if country not in EU_MEMBER_STATES:
        reason = _Mention.BUSINESS_OUTSIDE_EU if buyer.is_business else _Mention.CONSUMER_OUTSIDE_EU
        return VatTreatment(Decimal(0), VatCategory.OUTSIDE_SCOPE, country, reason)
    if buyer.is_eu_business:
        return VatTreatment(Decimal(0), VatCategory.REVERSE_CHARGE, country, _Mention.REVERSE_CHARGE)
    return VatTreatment(standard_rate(country, on), VatCategory.STANDARD, country)
