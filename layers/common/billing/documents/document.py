"""What an invoice or a credit note says, as text in the buyer's language, ready to be laid out.

French B2B mentions (CGI annexe II art. 242 nonies A, Code de commerce L441-9): seller and buyer names,
addresses, SIREN and VAT numbers; issue date; number; per line description, quantity, unit price excl.
VAT, VAT rate; totals by rate; due date; late-payment penalty rate and the €40 indemnity;
"Autoliquidation" under reverse charge; goods or services. Numbers, amounts and dates are formatted
by babel in the account's locale and display time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from billing.accounts.models import Account
from billing.documents.labels import labels
from billing.documents.seller import Seller
from billing.invoices.line_wording import describe_line, explain_line, quantity_and_unit_price
from billing.invoices.models import CreditNote, Invoice, InvoiceLine, Section, TaxLine
from billing.money import minor_unit_exponent
from billing.payments.models import PaymentPurpose, Receipt
from billing.tax.vat import SELLER_TIME_ZONE


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a document's table, every cell already worded and formatted for its reader."""

    description: str
    period: str
    quantity: str
    unit_price: str
    vat_rate: str
    amount: str
    detail: str = ""  # the computation behind the amount, printed small under the description


@dataclass(frozen=True, slots=True)
class Document:
    """An invoice or credit note as people read it, ready to lay out: the renderer only places text."""

    kind: str  # "invoice" | "credit_note"
    title: str
    number: str
    meta: list[tuple[str, str]]  # issue date, due date, reference...
    seller: list[str]
    buyer: list[str]
    headers: Row | None = None
    sections: list[tuple[str, list[Row]]] = field(default_factory=list)
    totals: list[tuple[str, str, bool]] = field(default_factory=list)  # label, amount, emphasized
    notes: list[str] = field(default_factory=list)  # mentions, payment instructions
    stamp: str | None = None  # "Acquittée"
    language: str = "fr"  # the reader's, declared in the PDF (PDF/A wants it)


# French readers write 10/04/2026; English "1/2/27" (babel's short "en") reads as a US date to half of them:
# the day, the month's abbreviation and the year are unambiguous everywhere.
_DATE_FORMATS = {"fr": "short", "en": "d MMM y"}
_SELLER_ZONE = ZoneInfo(SELLER_TIME_ZONE)


class _Formatter:
    def __init__(self, account: Account, currency: str) -> None:
        self.locale = account.profile.locale.value
        self.zone = ZoneInfo(account.profile.time_zone)
        self.currency = currency
        self.exponent = minor_unit_exponent(currency)

    def money(self, minor: int) -> str:
        return format_currency(Decimal(minor).scaleb(-self.exponent), self.currency, locale=self.locale)

    def unit(self, minor: Decimal | None) -> str:
        if minor is None:
            return ""
        # Unit prices keep their decimals (0,05 € a minute, 0,0006 € a call): no quantization.
        return format_currency(
            minor.scaleb(-self.exponent), self.currency, locale=self.locale, decimal_quantization=False
        )

    def number(self, value: Decimal) -> str:
        return format_decimal(value.normalize(), locale=self.locale)

    def date(self, instant: datetime | None) -> str:
        if instant is None:
            return ""
        return format_date(instant.astimezone(self.zone), _DATE_FORMATS[self.locale], locale=self.locale)

    def issue_date(self, instant: datetime) -> str:
        """The day a document is issued is the seller's (its number's year is): in the reader's format."""
        return format_date(instant.astimezone(_SELLER_ZONE), _DATE_FORMATS[self.locale], locale=self.locale)

    def country(self, code: str) -> str:
        """The country's name in the reader's language ("Allemagne", "Germany"), not its ISO code."""
        return str(Locale.parse(self.locale).territories.get(code, code))

    def rate(self, rate: Decimal) -> str:
        return f"{format_decimal(rate.normalize(), locale=self.locale)} %"


def _buyer(account: Account, words: dict[str, str], fmt: _Formatter) -> list[str]:
    profile = account.profile
    address = profile.address
    lines = [profile.legal_name, address.line1]
    if address.line2:
        lines.append(address.line2)
    lines.append(f"{address.postal_code} {address.city}")
    if address.state:
        lines.append(address.state)
    lines.append(fmt.country(address.country))
    if profile.siren:
        lines.append(f"{words['siren']} : {profile.siren}")
    if profile.vat_number:
        lines.append(f"{words['vat_number']} : {profile.vat_number}")
    if profile.buyer_reference and profile.public_buyer is None:
        lines.append(f"{words['buyer_reference']} : {profile.buyer_reference}")
    if profile.purchase_order and profile.public_buyer is None:
        lines.append(f"{words['purchase_order']} : {profile.purchase_order}")
    if profile.public_buyer is not None:
        if profile.siret:
            lines.append(f"SIRET : {profile.siret}")
        if profile.public_buyer.service_code:
            lines.append(f"{words['service_code']} : {profile.public_buyer.service_code}")
        if profile.public_buyer.engagement_number:
            lines.append(f"{words['engagement_number']} : {profile.public_buyer.engagement_number}")
    if profile.receipt_settings.extra_text:
        lines.append(profile.receipt_settings.extra_text)
    return lines


def _seller(seller: Seller, words: dict[str, str], fmt: _Formatter) -> list[str]:
    address = seller.address
    lines = [seller.legal_name, address.line1, *([address.line2] if address.line2 else [])]
    lines += [f"{address.postal_code} {address.city}", fmt.country(address.country)]
    if seller.legal_form:
        lines.append(seller.legal_form)
    if seller.rcs:
        lines.append(seller.rcs)
    lines += [f"{words['siren']} : {seller.siren}", f"{words['vat_number']} : {seller.vat_number}"]
    return lines


def _row(line: InvoiceLine, rate: Decimal, fmt: _Formatter, words: dict[str, str]) -> Row:
    description = describe_line(line, fmt.locale)
    period = f"{fmt.date(line.period.start)} – {fmt.date(line.period.end)}" if line.period else ""
    # Quantity × unit price gives the amount, a credit being a negative quantity (the e-invoice says the same);
    # where no single price does (tiers), the quantity stands alone and the detail line shows the computation.
    quantity, unit_price = quantity_and_unit_price(line)
    shown: Decimal | None = unit_price
    if abs(quantity) != abs(line.quantity):
        quantity, shown = quantity * abs(line.quantity), None
    return Row(
        description=description,
        period=period,
        quantity=fmt.number(quantity),
        unit_price=fmt.unit(shown),
        vat_rate=fmt.rate(line.vat_rate if line.vat_rate is not None else rate),
        amount=fmt.money(line.amount),
        detail=explain_line(line, fmt.locale) or "",
    )


def _vat_totals(taxes: tuple[TaxLine, ...], fmt: _Formatter, words: dict[str, str]) -> list[tuple[str, str, bool]]:
    """One total per rate: "TVA 20 % sur 151,49 €", its amount."""
    return [
        (
            words["vat_on"].format(
                rate=format_decimal(t.rate.normalize(), locale=fmt.locale), base=fmt.money(t.taxable_amount)
            ),
            fmt.money(t.amount),
            False,
        )
        for t in taxes
    ]


def _headers(words: dict[str, str]) -> Row:
    return Row(
        words["description"],
        words["period"],
        words["quantity"],
        words["unit_price"],
        words["vat_rate"],
        words["amount"],
    )


def invoice_document(invoice: Invoice, account: Account, seller: Seller, method: str | None = None) -> Document:
    """``method``: the saved method automatic charges use (its label), None if nothing is saved."""
    draft = invoice.draft
    fmt = _Formatter(account, draft.currency)
    words = labels(fmt.locale)
    rate = draft.taxes[0].rate if draft.taxes else Decimal(0)
    meta = [(words["issued"], fmt.issue_date(invoice.finalized_at or draft.created))]
    if invoice.due_at:
        meta.append((words["due"], fmt.date(invoice.due_at)))
    if draft.period:
        meta.append((words["period"], f"{fmt.date(draft.period.start)} – {fmt.date(draft.period.end)}"))
    sections = [
        (words[section.value], [_row(line, rate, fmt, words) for line in draft.section(section)])
        for section in Section
        if draft.section(section)
    ]
    # "Total HT" is the taxable base: after the discount, which is shown above it (CGI art. 242 nonies A).
    totals: list[tuple[str, str, bool]] = []
    if draft.discounts:
        totals.append((words["lines_total"], fmt.money(draft.subtotal), False))
        totals += [(f"{words['discount']} {d.description}", fmt.money(-d.amount), False) for d in draft.discounts]
    discounted = draft.subtotal - sum(d.amount for d in draft.discounts)
    totals.append((words["subtotal"], fmt.money(discounted), False))
    totals += _vat_totals(draft.taxes, fmt, words)
    totals.append((words["total"], fmt.money(draft.total), True))
    if draft.credit_applied:
        totals.append((words["credit_applied"], fmt.money(-draft.credit_applied), False))
    totals.append((words["amount_due"], fmt.money(draft.amount_due), True))

    notes = []
    if draft.vat_mention:
        notes.append(draft.vat_mention)
    notes.append(words["services"])
    if seller.vat_on_debits:  # a mandatory mention once opted for (CGI annexe II art. 242 nonies A, I-14°)
        notes.append(words["vat_on_debits"])
    reference = invoice.number or invoice.id
    if invoice.collection_method == "charge_automatically" and method is not None:
        if draft.amount_due:
            notes.append(words["pay_card"].format(method=method, date=fmt.date(invoice.payable_on)))
    else:  # sent to be paid, or charged automatically with nothing saved: no debit is promised
        if invoice.collection_method == "charge_automatically":
            notes.append(words["pay_none"])
        notes.append(words["pay_transfer"].format(iban=seller.iban, bic=seller.bic, reference=reference))
        if seller.cheque_address:
            notes.append(words["pay_cheque"].format(name=seller.legal_name, address=", ".join(seller.cheque_address)))
    if account.profile.is_business:  # late-payment penalties and the indemnity are B2B terms (C. com. L441-10)
        rate_text = seller.late_penalty_rate if fmt.locale == "fr" else seller.late_penalty_rate_en
        notes.append(words["penalties"].format(rate=rate_text, indemnity=seller.recovery_indemnity_eur))
    if draft.previous_unpaid:
        notes.append(words["previous_unpaid"].format(amount=fmt.money(draft.previous_unpaid)))
    return Document(
        kind="invoice",
        title=words["invoice"],
        number=f"{words['number']} {reference}",
        meta=meta,
        seller=_seller(seller, words, fmt),
        buyer=_buyer(account, words, fmt),
        headers=_headers(words),
        sections=sections,
        totals=totals,
        notes=notes,
        stamp=words["paid"] if invoice.status == "paid" else None,
        language=fmt.locale,
    )


def credit_note_document(note: CreditNote, account: Account, seller: Seller, vat_mention: str | None) -> Document:
    fmt = _Formatter(account, note.currency)
    words = labels(fmt.locale)
    invoice_date = fmt.issue_date(note.invoice_date) if note.invoice_date else ""
    credit_for = words["credit_for"].format(number=note.invoice_number, date=invoice_date)
    notes = [credit_for]
    notes.append(f"{words['reason']} : {note.reason}")
    if vat_mention:
        notes.append(vat_mention)
    totals: list[tuple[str, str, bool]] = []
    if note.taxes:  # notes issued before credit notes carried their bases know only their total
        totals = [(words["subtotal"], fmt.money(note.subtotal), False), *_vat_totals(note.taxes, fmt, words)]
    totals.append((words["credit_total"], fmt.money(note.amount), True))
    rows = [_row(line, line.vat_rate or Decimal(0), fmt, words) for line in note.lines]
    return Document(
        kind="credit_note",
        title=words["credit_note"],
        number=f"{words['number']} {note.number}",
        meta=[(words["issued"], fmt.issue_date(note.created))],
        seller=_seller(seller, words, fmt),
        buyer=_buyer(account, words, fmt),
        headers=_headers(words),
        sections=[(credit_for, rows)] if rows else [],
        totals=totals,
        notes=notes,
        language=fmt.locale,
    )


def receipt_document(receipt: Receipt, account: Account, seller: Seller) -> Document:
    """Number, date, amount, method, the invoices it paid, what remains; the account's extra billing
    info is printed with the buyer."""
    fmt = _Formatter(account, receipt.currency)
    words = labels(fmt.locale)
    method = words.get(receipt.method_label.replace(" ", "_"), receipt.method_label)  # "bank transfer", "cheque"
    meta = [(words["paid_on"], fmt.date(receipt.created)), (words["method"], method)]
    if receipt.reference:
        meta.append((words["reference"], receipt.reference))
    totals: list[tuple[str, str, bool]] = [
        (words["invoice_paid"].format(number=line.invoice_number or line.invoice_id), fmt.money(line.amount), False)
        for line in receipt.lines
    ]
    if receipt.credit_added:
        label = words["top_up"] if receipt.purpose is PaymentPurpose.TOP_UP else words["credit_added"]
        totals.append((label, fmt.money(receipt.credit_added), False))
    totals.append((words["amount_received"], fmt.money(receipt.amount), True))
    if receipt.balance_after >= 0:
        totals.append((words["balance_owed"], fmt.money(receipt.balance_after), False))
    else:
        totals.append((words["balance_credit"], fmt.money(-receipt.balance_after), False))
    return Document(
        kind="receipt",
        title=words["receipt"],
        number=f"{words['number']} {receipt.number}",
        meta=meta,
        seller=_seller(seller, words, fmt),
        buyer=_buyer(account, words, fmt),
        totals=totals,
        notes=[words["receipt_note"]],
        stamp=words["paid"] if receipt.balance_after <= 0 else None,  # "Acquittée" only when nothing is owed
        language=fmt.locale,
    )
