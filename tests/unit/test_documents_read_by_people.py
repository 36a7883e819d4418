"""Faults an audit of our documents found, each fixed and kept fixed: what a reader sees on page 1."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pypdf import PdfReader

from billing.accounts.models import Account
from billing.accounts.profile import BillingProfile
from billing.adapters.pdf_reportlab import render_pdf
from billing.discounts.models import AppliedDiscount, Coupon, Duration
from billing.documents.document import Document, invoice_document, receipt_document
from billing.documents.local_seller import LOCAL_SELLER
from billing.payments.models import PaymentPurpose, Receipt, ReceiptLine
from tests.builders import aircall_like_invoice, american_company, french_company, spanish_consumer


def account_of(profile: dict[str, Any]) -> Account:
    return Account("acct_reader", BillingProfile.model_validate(profile), datetime(2026, 1, 1, tzinfo=UTC))


def page_text(document: Document) -> str:
    """Page 1 as one line, cells one space apart (babel's no-break spaces too)."""
    return " ".join(PdfReader(io.BytesIO(render_pdf(document))).pages[0].extract_text().split())


def test_total_ht_is_the_base_after_the_discount_which_is_shown_above_it():
    account = account_of(french_company())
    coupon = Coupon("co_launch", Duration.FOREVER, percent_off=Decimal("10"), name="Lancement")
    invoice = aircall_like_invoice(account, AppliedDiscount(coupon, datetime(2026, 1, 1, tzinfo=UTC)))
    text = page_text(invoice_document(invoice, account, LOCAL_SELLER))
    draft = invoice.draft
    base = draft.taxes[0].taxable_amount
    assert base == draft.subtotal - draft.discounts[0].amount
    money = lambda minor: f"{Decimal(minor).scaleb(-2):.2f} €".replace(".", ",")  # noqa: E731
    assert f"Total HT avant remise {money(draft.subtotal)}" in text
    assert text.index("Remise") < text.index(f"Total HT {money(base)}")


def test_an_english_invoice_has_unambiguous_dates_country_names_and_the_state():
    account = account_of(american_company())
    text = page_text(invoice_document(aircall_like_invoice(account), account, LOCAL_SELLER))
    assert "10 Apr 2026" in text
    assert "4/10/26" not in text
    assert "San Francisco CA United States" in text
    assert "France" in text  # the seller's country, named


def test_a_french_invoice_names_countries_in_french():
    account = account_of(
        french_company(
            address={"line1": "1 Unter den Linden", "postal_code": "10117", "city": "Berlin", "country": "DE"},
            siren=None,
            vat_number="DE136695976",
        )
    )
    assert "Allemagne" in page_text(invoice_document(aircall_like_invoice(account), account, LOCAL_SELLER))


def test_consumers_get_no_business_to_business_mentions():
    consumer = account_of(spanish_consumer() | {"locale": "fr"})
    text = page_text(invoice_document(aircall_like_invoice(consumer), consumer, LOCAL_SELLER))
    assert "indemnité forfaitaire" not in text
    assert "pénalités" not in text
    business = account_of(french_company())
    assert "indemnité forfaitaire" in page_text(
        invoice_document(aircall_like_invoice(business), business, LOCAL_SELLER)
    )


def receipt(balance_after: int) -> Receipt:
    return Receipt(
        "rcpt_1",
        "R-2026-000003",
        "acct_reader",
        "pay_1",
        datetime(2026, 4, 12, 9, tzinfo=UTC),
        5000,
        "EUR",
        PaymentPurpose.MANUAL,
        "bank transfer",
        (ReceiptLine("in_1", "F-2026-000042", 5000),),
        0,
        balance_after,
    )


def test_a_partial_receipt_is_not_stamped_paid_and_speaks_french():
    account = account_of(french_company())
    partial = page_text(receipt_document(receipt(balance_after=3179), account, LOCAL_SELLER))
    assert "Acquittée" not in partial
    assert "Virement bancaire" in partial
    assert "bank transfer" not in partial
    settled = page_text(receipt_document(receipt(balance_after=0), account, LOCAL_SELLER))
    assert "Acquittée" in settled


def test_prorata_lines_are_quantity_times_unit_price_a_credit_negative_with_its_fraction():
    account = account_of(french_company())
    document = invoice_document(aircall_like_invoice(account), account, LOCAL_SELLER)
    (rows,) = [rows for title, rows in document.sections if title.startswith("Prorata")]

    def number(text: str) -> Decimal:
        return Decimal(
            text.replace("€", "").replace("\xa0", "").replace("\u202f", "").replace("−", "-").replace(",", ".")
        )

    assert any(number(row.quantity) < 0 for row in rows)  # the unused time, credited
    for row in rows:
        assert row.unit_price, row
        product = (number(row.quantity) * number(row.unit_price)).quantize(Decimal("0.01"))
        assert product == number(row.amount), row
        assert "/31 jours" in row.description


def test_a_seller_who_opted_for_vat_on_debits_says_so():
    account = account_of(french_company())
    invoice = aircall_like_invoice(account)
    assert "d'après les débits" not in page_text(invoice_document(invoice, account, LOCAL_SELLER))
    opted = LOCAL_SELLER.model_copy(update={"vat_on_debits": True})
    assert "Option pour le paiement de la taxe d'après les débits" in page_text(
        invoice_document(invoice, account, opted)
    )


def test_long_text_wraps_at_spaces_never_inside_an_amount_and_a_word_wider_than_its_cell_still_prints():
    account = account_of(french_company())
    document = invoice_document(aircall_like_invoice(account), account, LOCAL_SELLER)
    amount = "1\u202f234,56\u00a0€"  # babel's French grouping and currency spacing
    long_word = "https://billing.example.com/portal/" + "x" * 120
    note = " ".join([f"Échéance {n} : {amount}." for n in range(30)])
    pdf = render_pdf(replace(document, notes=[note, long_word]))
    lines = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    note_lines = [line for line in lines if "Échéance" in line]
    assert len(note_lines) > 3  # wrapped to the page's width
    assert sum(line.count("234,56") for line in note_lines) == 30
    assert all(" ".join(line.split()).count("1 234,56 €") == line.count("234,56") for line in note_lines)
    assert "x" * 120 in "".join(lines)
