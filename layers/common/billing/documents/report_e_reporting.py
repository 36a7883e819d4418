"""E-reporting data for a month: what the French e-invoicing reform asks to be reported rather than
e-invoiced (CGI art. 290 and 290 A): sales to consumers and to businesses abroad, by VAT category and rate,
and, for services (VAT due when paid), the payments received, by rate.

Sales sum the month's finalized invoices less its credit notes, per currency, buyer kind, VAT category and
rate, to the cent of their VAT breakdowns. Payments spread each amount a receipt settled over the VAT rates
of the invoice it paid, in proportion to each rate's total; the VAT inside a part is what its rate gives, the
rest its base, so each row's base + VAT is exactly what was received. Invoices between French businesses go
through the platforms as e-invoices and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from billing.accounts.access import Principal, require_operator
from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.documents.einvoice_terms import exchanged_through_platforms
from billing.errors import ErrorCode, InvalidInputError
from billing.invoices.models import Invoice, TaxLine, invoiced_account
from billing.invoices.ports import InvoiceStore
from billing.money import allocate, round_minor
from billing.payments.ports import PaymentStore


class ReportStore(InvoiceStore, PaymentStore, Protocol):
    """Invoices, credit notes and receipts, by the month they were issued in."""


CONSUMERS = "b2c"
BUSINESSES_ABROAD = "b2b_international"


@dataclass(frozen=True, slots=True)
class ReportRow:
    """Totals of one currency, buyer kind, VAT category and rate, as the e-reporting return groups them."""

    currency: str
    buyers: str  # CONSUMERS or BUSINESSES_ABROAD
    category: str  # EN 16931 VAT category code: S, AE, O
    rate: Decimal
    taxable_amount: int = 0
    vat_amount: int = 0
    documents: int = 0  # invoices and credit notes (sales), receipts (payments)


@dataclass(frozen=True, slots=True)
class EReport:
    """A month's e-reporting: sales and payments not covered by e-invoices, grouped as the return asks."""

    month: str
    sales: list[ReportRow] = field(default_factory=list)
    payments: list[ReportRow] = field(default_factory=list)
    prepaid: dict[str, int] = field(default_factory=dict)  # credit bought ahead (top-ups), per currency


class _Sums:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str, Decimal], list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(self, currency: str, buyers: str, tax: TaxLine, base: int, vat: int, documents: int) -> None:
        row = self.rows[(currency, buyers, tax.category.value, tax.rate)]
        row[0] += base
        row[1] += vat
        row[2] += documents

    def listed(self) -> list[ReportRow]:
        return [ReportRow(*key, *sums) for key, sums in sorted(self.rows.items(), key=lambda item: item[0])]


def report_e_reporting(store: ReportStore, accounts: AccountRepository, principal: Principal, month: str) -> EReport:
    """The operator's e-reporting data for ``month`` ("2026-11", the seller's calendar)."""
    require_operator(principal)
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit() or not 1 <= int(month[5:]) <= 12:
        raise InvalidInputError(ErrorCode.INVALID_MONTH, "period is a month: YYYY-MM.", "period")
    invoices, notes = store.issued_in(month)
    known: dict[str, Invoice] = {invoice.id: invoice for invoice in invoices}
    buyers: dict[str, str | None] = {}

    def invoice_of(invoice_id: str) -> Invoice | None:
        if invoice_id not in known:
            found = store.get_invoice(invoice_id)
            if found is None:
                return None
            known[invoice_id] = found
        return known[invoice_id]

    def reported(invoice: Invoice) -> str | None:
        """Who the invoice was for, if it is e-reported; None if it goes through the platforms."""
        if invoice.id not in buyers:
            account = accounts.get(invoice.account_id)
            buyers[invoice.id] = None if account is None else _buyers(invoiced_account(account, invoice))
        return buyers[invoice.id]

    sales = _Sums()
    for invoice in invoices:
        kind = reported(invoice)
        if kind is not None:
            for tax in invoice.draft.taxes:
                sales.add(invoice.draft.currency, kind, tax, tax.taxable_amount, tax.amount, 1)
    for note in notes:
        credited = invoice_of(note.invoice_id)
        kind = reported(credited) if credited else None
        if kind is not None:
            for tax in note.taxes:
                sales.add(note.currency, kind, tax, -tax.taxable_amount, -tax.amount, 1)

    payments = _Sums()
    prepaid: dict[str, int] = defaultdict(int)
    for receipt in store.receipts_in(month):
        if receipt.credit_added:
            prepaid[receipt.currency] += receipt.credit_added
        for line in receipt.lines:
            paid = invoice_of(line.invoice_id)
            kind = reported(paid) if paid else None
            if paid is None or kind is None or not paid.draft.taxes:
                continue
            grosses = [tax.taxable_amount + tax.amount for tax in paid.draft.taxes]
            for tax, part in zip(paid.draft.taxes, allocate(line.amount, grosses), strict=True):
                vat = round_minor(Decimal(part) * tax.rate / (100 + tax.rate))
                payments.add(receipt.currency, kind, tax, part - vat, vat, 1)
    return EReport(month, sales.listed(), payments.listed(), dict(prepaid))


def _buyers(account: Account) -> str | None:
    if exchanged_through_platforms(account):
        return None
    profile = account.profile
    if profile.is_business and profile.address.country == "FR":
        return None  # a French business without SIREN: still a domestic B2B sale, e-invoiced
    return BUSINESSES_ABROAD if profile.is_business else CONSUMERS


def report_csv(report: EReport) -> str:
    """The same rows as CSV, one per line: section, currency, buyers, category, rate, base, VAT, documents."""
    lines = ["section,currency,buyers,category,rate,taxable_amount,vat_amount,documents"]
    for section, rows in (("sales", report.sales), ("payments", report.payments)):
        lines += [
            f"{section},{r.currency},{r.buyers},{r.category},{r.rate.normalize():f},{r.taxable_amount},"
            f"{r.vat_amount},{r.documents}"
            for r in rows
        ]
    lines += [f"prepaid,{currency},,,,{amount},0,0" for currency, amount in sorted(report.prepaid.items())]
    return "\n".join(lines) + "\n"
