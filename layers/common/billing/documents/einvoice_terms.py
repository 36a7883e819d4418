"""An invoice as EN 16931 business terms (BT-/BG- numbers), the vocabulary every e-invoice syntax shares.

The terms are a plain dict keyed by term number, in the shape the ``factur-x`` package writes into CII: this
module decides what each term says and stays pure; the adapter writes and checks the XML. Amounts are
``Decimal`` in major units, dates are the seller's calendar days.

Sources: EN 16931-1:2017 (semantic model and business rules BR-CO-*, BR-S/AE/O-*); the French
"cadre de facturation" (BT-23 S1: a services invoice) and the coded notes of BR-FR-05 (PMT: the €40
indemnity, PMD: late-payment penalties, AAB: early payment discount).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from billing.accounts.models import Account
from billing.accounts.profile import Address
from billing.documents.seller import Seller, SellerAddress
from billing.invoices.line_wording import describe_line, explain_line, quantity_and_unit_price
from billing.invoices.models import CreditNote, Invoice, InvoiceLine, TaxLine
from billing.money import minor_unit_exponent
from billing.payments.models import PaymentMethod
from billing.tax.vat import SELLER_TIME_ZONE, VatCategory, exemption_mention

INVOICE_TYPE = "380"  # UNTDID 1001: commercial invoice
CREDIT_NOTE_TYPE = "381"
SERVICES_INVOICE = "S1"  # BT-23 in the French framework: services, not paid yet when issued
FRENCH_SIREN_SCHEME = "0002"  # ISO 6523 ICD of the SIREN (BT-30 scheme)
FRENCH_DIRECTORY_SCHEME = "0225"  # the French e-invoicing directory address (BT-34/BT-49 scheme)
EMAIL_SCHEME = "EM"
SIRET_SCHEME = "0009"  # ISO 6523 ICD of the SIRET: how Chorus Pro names a public structure
PUBLIC_INVOICE = "A1"  # Chorus Pro's "cadre de facturation": an invoice deposited by its supplier
_EXEMPTION_CODES = {VatCategory.REVERSE_CHARGE: "VATEX-EU-AE", VatCategory.OUTSIDE_SCOPE: "VATEX-EU-O"}
# Documents are dated on the seller's calendar, as numbers count years.
_SELLER_ZONE = ZoneInfo(SELLER_TIME_ZONE)


class _Money:
    def __init__(self, currency: str) -> None:
        self.exponent = minor_unit_exponent(currency)
        self.cent = Decimal(1).scaleb(-self.exponent)

    def major(self, minor: int | Decimal) -> Decimal:
        return Decimal(minor).scaleb(-self.exponent)


def invoice_terms(
    invoice: Invoice, account: Account, seller: Seller, method: PaymentMethod | None = None
) -> dict[str, Any]:
    """The finalized ``invoice`` as EN 16931 terms. ``method``: the saved method its automatic charge uses."""
    if invoice.number is None or invoice.finalized_at is None:
        raise ValueError(f"Invoice {invoice.id} is not finalized: drafts are no e-invoices.")
    draft = invoice.draft
    money = _Money(draft.currency)
    zone = _SELLER_ZONE
    allowances = _allowances(invoice, {tax.rate: tax.category for tax in draft.taxes}, money)
    terms = _common_terms(
        invoice.number,
        INVOICE_TYPE,
        draft.currency,
        invoice.finalized_at,
        draft.lines,
        draft.taxes,
        draft.vat_mention,
        account,
        seller,
    )
    allowance_total = sum((allowance["amount"] for allowance in allowances), Decimal(0))
    grand_total = terms["BT-106"] - allowance_total + terms["BT-110"]
    due = money.major(draft.amount_due) if draft.total > 0 else grand_total
    terms |= {
        "BT-9": _day(invoice.payable_on, zone),
        "BG-20": allowances,
        "BT-109": terms["BT-106"] - allowance_total,
        "BT-112": grand_total,
        "BT-115": due,
        **_payment_means(invoice, seller, method),
    }
    if allowance_total:
        terms["BT-107"] = allowance_total
    if grand_total != due:
        terms["BT-113"] = grand_total - due  # prepaid: credit from the account balance
    if draft.period is not None:
        terms["BT-73"] = _day(draft.period.start, zone)
        terms["BT-74"] = _day(draft.period.end, zone)
    # The day the service was delivered (a mandatory French mention): the period's end, else the issue day.
    terms["BT-72"] = terms.get("BT-74", terms["BT-2"])
    return terms


def credit_note_terms(note: CreditNote, account: Account, seller: Seller, vat_mention: str | None) -> dict[str, Any]:
    """A credit note as EN 16931 terms (type 381): its lines, bases and VAT as positive amounts taken back, and
    the invoice it corrects (BG-3)."""
    terms = _common_terms(
        note.number, CREDIT_NOTE_TYPE, note.currency, note.created, note.lines, note.taxes, vat_mention, account, seller
    )
    total = terms["BT-106"] + terms["BT-110"]
    zone = _SELLER_ZONE
    terms |= {
        "BG-3": [
            {"BT-25": note.invoice_number, **({"BT-26": _day(note.invoice_date, zone)} if note.invoice_date else {})}
        ],
        "BT-20": _CREDIT_TERMS[account.profile.locale.value].format(number=note.invoice_number),
        "BT-109": terms["BT-106"],
        "BT-112": total,
        "BT-115": total,
        "BT-72": terms["BT-2"],
    }
    return terms


_CREDIT_TERMS = {
    "fr": "Avoir imputé sur la facture n° {number} ; le surplus est remboursé ou porté au crédit du compte",
    "en": "Set against invoice no. {number}; any surplus is refunded or credited to the account",
}


def _common_terms(
    number: str,
    type_code: str,
    currency: str,
    issued: datetime,
    lines: tuple[InvoiceLine, ...],
    taxes: tuple[TaxLine, ...],
    vat_mention: str | None,
    account: Account,
    seller: Seller,
) -> dict[str, Any]:
    """What invoices and credit notes say alike: number, type, date, parties, lines, VAT by rate; and, for a
    public buyer, the references Chorus Pro routes it by (service code BT-10, commitment number BT-13)."""
    money = _Money(currency)
    profile = account.profile
    public = profile.public_buyer
    references: dict[str, Any] = {}
    if profile.buyer_reference:
        references["BT-10"] = profile.buyer_reference
    if profile.purchase_order:
        references["BT-13"] = profile.purchase_order
    if public is not None:  # Chorus Pro routes by these: they take the places of the buyer's own
        references["BT-23"] = PUBLIC_INVOICE
        if public.service_code:
            references["BT-10"] = public.service_code
        if public.engagement_number:
            references["BT-13"] = public.engagement_number
    categories = {tax.rate: tax.category for tax in taxes}
    category = taxes[0].category if taxes else VatCategory.STANDARD
    rows = [_line(index, line, categories, money, account) for index, line in enumerate(lines, start=1)]
    return {
        "BT-1": number,
        "BT-2": _day(issued, _SELLER_ZONE),
        "BT-3": type_code,
        "BT-5": currency,
        "BT-8": "invoice" if seller.vat_on_debits else "payment",
        "BT-23": SERVICES_INVOICE,
        "BG-1": _notes(vat_mention, account, seller),
        "BG-4": _seller_party(seller, category),
        "BG-7": _buyer_party(account, category),
        "BG-25": rows,
        "BG-23": [_breakdown(tax, money, account.profile.locale.value) for tax in taxes],
        "BT-106": sum((row["BT-131"] for row in rows), Decimal(0)),
        "BT-110": money.major(sum(tax.amount for tax in taxes)),
        **references,
    }


def exchanged_through_platforms(account: Account) -> bool:
    """Whether the French e-invoicing mandate covers this invoice (CGI art. 289 bis): a sale between businesses
    established in France, exchanged through approved platforms, so the French rules (BR-FR) apply. Sales to
    consumers and abroad are e-reported instead, and their invoices need only EN 16931; public buyers receive
    theirs through Chorus Pro, as since 2020."""
    profile = account.profile
    return profile.address.country == "FR" and profile.siren is not None and profile.public_buyer is None


def _day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def _line(
    index: int, line: InvoiceLine, categories: dict[Decimal, VatCategory], money: _Money, account: Account
) -> dict[str, Any]:
    locale = account.profile.locale.value
    rate = line.vat_rate if line.vat_rate is not None else Decimal(0)
    category = categories.get(rate, VatCategory.STANDARD if rate else VatCategory.OUTSIDE_SCOPE)
    quantity, price = quantity_and_unit_price(line)
    terms: dict[str, Any] = {
        "BT-126": str(index),
        "BT-129": quantity,
        "BT-130": line.unit,
        "BT-131": money.major(line.amount),
        "BT-146": money.major(price),
        "BT-151": category.value,
        "BT-153": line.item_name or line.description,
        "BT-154": describe_line(line, locale),
    }
    if category is not VatCategory.OUTSIDE_SCOPE:  # BR-O-05: no rate on a line out of scope
        terms["BT-152"] = rate
    explanation = explain_line(line, locale)
    if explanation:
        terms["BT-127-00"] = [{"BT-127": explanation}]
    if line.period is not None:
        zone = ZoneInfo(account.profile.time_zone)
        terms["BT-134"] = _day(line.period.start, zone)
        terms["BT-135"] = _day(line.period.end, zone)
    return terms


def _allowances(invoice: Invoice, categories: dict[Decimal, VatCategory], money: _Money) -> list[dict[str, Any]]:
    """Discounts, one allowance per VAT rate: what the rate's lines add up to, less its taxable base (the
    assembly spread the discount over the rates, so each category's base is its lines less its allowance)."""
    draft = invoice.draft
    if not draft.discounts:
        return []
    by_rate: dict[Decimal, int] = defaultdict(int)
    for line in draft.lines:
        by_rate[line.vat_rate if line.vat_rate is not None else Decimal(0)] += line.amount
    reason = ", ".join(discount.description for discount in draft.discounts)
    allowances = []
    for tax in draft.taxes:
        amount = by_rate.get(tax.rate, 0) - tax.taxable_amount
        if amount:
            allowance: dict[str, Any] = {
                "amount": money.major(amount),
                "reason": reason,
                "reason_code": "95",  # UNTDID 5189: discount
                "vat_category_code": categories[tax.rate].value,
            }
            if tax.category is not VatCategory.OUTSIDE_SCOPE:
                allowance["vat_rate"] = tax.rate
            allowances.append(allowance)
    return allowances


def _breakdown(tax: TaxLine, money: _Money, locale: str) -> dict[str, Any]:
    terms: dict[str, Any] = {
        "BT-116": money.major(tax.taxable_amount),
        "BT-117": money.major(tax.amount),
        "BT-118": tax.category.value,
        "BT-119": tax.rate,
    }
    if tax.exemption:  # BR-E-10: an exempt base says which provision exempts it
        terms["BT-121"] = tax.exemption
        terms["BT-120"] = exemption_mention(tax.exemption, locale)
    elif tax.category in _EXEMPTION_CODES:
        terms["BT-121"] = _EXEMPTION_CODES[tax.category]
    return terms


_PAYMENT_NOTES = {  # BR-FR-05's coded notes: PMT the indemnity, PMD the penalties, AAB early payment
    "fr": (
        "Indemnité forfaitaire pour frais de recouvrement : {indemnity} €",
        "Pénalités de retard : {rate}",
        "Pas d'escompte pour paiement anticipé",
    ),
    "en": (
        "Fixed recovery indemnity: EUR {indemnity}",
        "Late-payment penalties: {rate}",
        "No discount for early payment",
    ),
}


def _notes(vat_mention: str | None, account: Account, seller: Seller) -> list[dict[str, str]]:
    notes = [{"BT-21": "TXD", "BT-22": vat_mention}] if vat_mention else []
    if account.profile.is_business:  # B2B terms (C. com. L441-10), as on the PDF
        locale = account.profile.locale.value
        rate = seller.late_penalty_rate if locale == "fr" else seller.late_penalty_rate_en
        indemnity, penalties, early = _PAYMENT_NOTES.get(locale, _PAYMENT_NOTES["fr"])
        notes += [
            {"BT-21": "PMT", "BT-22": indemnity.format(indemnity=seller.recovery_indemnity_eur)},
            {"BT-21": "PMD", "BT-22": penalties.format(rate=rate)},
            {"BT-21": "AAB", "BT-22": early},
        ]
    return notes


def _party(
    name: str, identifier: str | None, address: Address | SellerAddress, state: str | None = None
) -> dict[str, Any]:
    """Name, SIREN (legal id and directory address, when French) and postal address of either party."""
    party: dict[str, Any] = {
        "name": name,
        "addr_l1": address.line1,
        "postcode": address.postal_code,
        "city": address.city,
        "country_code": address.country,
    }
    if address.line2:
        party["addr_l2"] = address.line2
    if state:
        party["country_subdivision"] = state
    if identifier:
        party |= {
            "legal_identifier": identifier,
            "legal_identifier_schemeid": FRENCH_SIREN_SCHEME,
            "einvoicing_addr": identifier,
            "einvoicing_addr_schemeid": FRENCH_DIRECTORY_SCHEME,
        }
    return party


def _seller_party(seller: Seller, category: VatCategory) -> dict[str, Any]:
    party = _party(seller.legal_name, seller.siren, seller.address)
    if category is not VatCategory.OUTSIDE_SCOPE:  # BR-O-02, as for the buyer: the SIREN identifies the seller
        party["vat_identifier"] = seller.vat_number
    if seller.legal_form:
        party["legal_info"] = seller.legal_form
    return party


def _buyer_party(account: Account, category: VatCategory) -> dict[str, Any]:
    profile = account.profile
    party = _party(profile.legal_name, profile.siren, profile.address, profile.address.state)
    if profile.public_buyer is not None and profile.siret:  # Chorus Pro addresses the structure by its SIRET
        party |= {
            "identifiers": {SIRET_SCHEME: profile.siret},
            "einvoicing_addr": profile.siret,
            "einvoicing_addr_schemeid": SIRET_SCHEME,
        }
    elif not profile.siren:  # no directory address: the billing email is where invoices reach them
        party |= {"einvoicing_addr": str(profile.billing_email), "einvoicing_addr_schemeid": EMAIL_SCHEME}
    # BR-O-02: an invoice out of scope of VAT names no VAT identifier.
    if profile.vat_number and category is not VatCategory.OUTSIDE_SCOPE:
        party["vat_identifier"] = profile.vat_number
    return party


def _payment_means(invoice: Invoice, seller: Seller, method: PaymentMethod | None) -> dict[str, Any]:
    """UNTDID 4461: 58 SEPA credit transfer (to the seller's IBAN), 48 bank card, 59 SEPA direct debit."""
    reference = {"BT-83": invoice.number}
    if invoice.collection_method == "charge_automatically" and method is not None:
        if method.type == "sepa_debit":
            return {**reference, "BT-81": "59", **({"BT-91": method.last4} if method.last4 else {})}
        return {**reference, "BT-81": "48", **({"BT-87": method.last4} if method.last4 else {})}
    return {**reference, "BT-81": "58", "BT-84": seller.iban.replace(" ", ""), "BT-86": seller.bic}
