"""E-invoices through the API: a finalized invoice's stored PDF is its Factur-X, and ``GET /xml`` serves the
XML it carries, to its own account only."""

from __future__ import annotations

import contextlib
import hashlib
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import facturx
from pypdf import PdfReader

from billing.accounts.issue_api_key import issue_operator_key
from local.einvoice_rules import schematron_failures
from tests.api_setup import make_catalog, new_customer, ok
from tests.builders import american_company, french_company, german_company, public_buyer, spanish_consumer
from tests.functional.world import Client, World


def test_a_finalized_invoice_is_published_as_factur_x_and_its_xml_is_served(world, as_operator, client_for):
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for)
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}]}
    subscription = ok(owner.post("/v1/subscriptions", json=body), 201)
    invoice_id = subscription["latest_invoice"]
    not_yet = owner.get(f"/v1/invoices/{invoice_id}/xml")
    assert (not_yet.status_code, not_yet.json()["code"]) == (409, "pdf_not_ready")

    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))  # the grace hour: finalized, published
    invoice = ok(owner.get(f"/v1/invoices/{invoice_id}"))
    answer = owner.get(f"/v1/invoices/{invoice_id}/xml")
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "text/xml"
    xml = answer.text.encode()
    assert schematron_failures(xml) == []
    pdf = world.documents.fetch(owner.get(f"/v1/invoices/{invoice_id}/pdf").headers["Location"])
    assert facturx.get_xml_from_pdf(pdf, check_xsd=True) == ("factur-x.xml", xml)
    assert invoice["number"].encode() in xml
    assert invoice["pdf_sha256"] == hashlib.sha256(pdf).hexdigest()
    key = next(key for key in world.documents.objects if key.endswith(".pdf") and invoice["number"] in key)
    issued = datetime.fromisoformat(invoice["finalized_at"]).astimezone(ZoneInfo("Europe/Paris"))
    assert world.documents.kept_until[key] == datetime(issued.year + 11, 1, 1, tzinfo=ZoneInfo("Europe/Paris"))
    assert PdfReader(io.BytesIO(pdf)).pages[0].extract_text().count(invoice["number"]) >= 1

    _, stranger = new_customer(as_operator, client_for, legal_name="Autre SAS")
    refused = stranger.get(f"/v1/invoices/{invoice_id}/xml")
    assert (refused.status_code, refused.json()["code"]) == (404, "invoice_not_found")


def test_a_credit_note_is_published_as_factur_x_referring_to_its_invoice(world, as_operator, client_for):
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for)
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}]}
    subscription = ok(owner.post("/v1/subscriptions", json=body), 201)
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))
    invoice = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    note = ok(
        as_operator.post("/v1/credit_notes", json={"invoice": invoice["id"], "amount": 600, "reason": "Geste"}), 201
    )
    answer = owner.get(f"/v1/credit_notes/{note['id']}/xml")
    assert answer.status_code == 200, answer.text
    xml = answer.text.encode()
    assert schematron_failures(xml) == []
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert f"<ram:IssuerAssignedID>{invoice['number']}</ram:IssuerAssignedID>".encode() in xml
    pdf = world.documents.fetch(owner.get(f"/v1/credit_notes/{note['id']}/pdf").headers["Location"])
    assert facturx.get_xml_from_pdf(pdf, check_xsd=True) == ("factur-x.xml", xml)


def test_voiding_an_issued_invoice_neutralises_it_with_a_credit_note_that_refers_to_it(world, as_operator, client_for):
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for)
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}], "collection_method": "send_invoice"}
    subscription = ok(owner.post("/v1/subscriptions", json=body | {"days_until_due": 30}), 201)
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))
    invoice = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert invoice["status"] == "open"

    voided = ok(as_operator.post(f"/v1/invoices/{invoice['id']}/void"))
    assert (voided["status"], voided["amount_credited"]) == ("void", invoice["total"])
    (note,) = ok(owner.get("/v1/credit_notes", params={"account": account["id"]}))["data"]
    assert (note["invoice"], note["amount"]) == (invoice["id"], invoice["total"])
    assert note["reason"] == f"Annulation de la facture n° {invoice['number']}"
    assert note["taxes"] == invoice["taxes"]  # the same bases and VAT, taken back
    xml = owner.get(f"/v1/credit_notes/{note['id']}/xml").text.encode()
    assert schematron_failures(xml) == []
    assert f"<ram:IssuerAssignedID>{invoice['number']}</ram:IssuerAssignedID>".encode() in xml
    again = as_operator.post(f"/v1/invoices/{invoice['id']}/void")
    assert (again.status_code, again.json()["code"]) == (409, "invoice_not_open")  # voided once, credited once
    assert len(ok(owner.get("/v1/credit_notes", params={"account": account["id"]}))["data"]) == 1


def test_an_invoice_issued_after_midnight_in_paris_belongs_to_the_new_year():
    world = World(datetime(2026, 12, 31, 22, 30, tzinfo=UTC))  # 23:30 in Paris
    as_operator = Client(world, issue_operator_key(world.keys, world.clock).secret)
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, lambda secret: Client(world, secret))
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}]}
    subscription = ok(owner.post("/v1/subscriptions", json=body), 201)
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))  # finalized at 00:31 in Paris, 23:31 UTC
    invoice = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert invoice["finalized_at"].startswith("2026-12-31T23:31")
    assert invoice["number"] == "F-2027-000001"
    xml = owner.get(f"/v1/invoices/{invoice['id']}/xml").text
    assert '<udt:DateTimeString format="102">20270101</udt:DateTimeString>' in xml
    pdf = world.documents.fetch(owner.get(f"/v1/invoices/{invoice['id']}/pdf").headers["Location"])
    assert "Date d'émission 01/01/2027" in " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def test_lines_are_named_after_the_product_never_its_id(world, as_operator, client_for):
    product = ok(as_operator.post("/v1/products", json={"name": "Standard Aircall"}))
    body = {"product": product["id"], "currency": "EUR", "unit_amount": 3000, "recurring": {"interval": "month"}}
    price = ok(as_operator.post("/v1/prices", json=body))  # no nickname
    account, owner = new_customer(as_operator, client_for)
    items = [{"price": price["id"], "quantity": 8}]
    subscription = ok(owner.post("/v1/subscriptions", json={"account": account["id"], "items": items}), 201)
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))
    invoice_id = subscription["latest_invoice"]
    pdf = world.documents.fetch(owner.get(f"/v1/invoices/{invoice_id}/pdf").headers["Location"])
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "8 × Standard Aircall" in text
    assert "prod_" not in text
    xml = owner.get(f"/v1/invoices/{invoice_id}/xml").text
    assert "<ram:Name>Standard Aircall</ram:Name>" in xml


def test_the_buyer_is_copied_at_finalization_and_vat_decided_then(world, as_operator, client_for):
    catalog = make_catalog(as_operator)
    german = german_company() | {"vat_number": None, "siren": None, "locale": "fr"}
    account, owner = new_customer(as_operator, client_for, **german)
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}]}
    subscription = ok(owner.post("/v1/subscriptions", json=body), 201)
    draft = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert [(t["rate"], t["category"]) for t in draft["taxes"]] == [("19", "S")]  # a consumer in Germany, so far
    # During the grace hour the customer adds its VAT number: the invoice is reverse charged when finalized
    ok(owner.patch(f"/v1/accounts/{account['id']}", json={"vat_number": "DE136695976"}))
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))
    invoice = ok(owner.get(f"/v1/invoices/{draft['id']}"))
    assert [(t["rate"], t["category"]) for t in invoice["taxes"]] == [("0", "AE")]
    pdf = world.documents.fetch(owner.get(f"/v1/invoices/{invoice['id']}/pdf").headers["Location"])
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Autoliquidation" in text
    assert "DE136695976" in text
    # Renamed later: the credit note on that invoice still names the buyer it was issued to
    ok(owner.patch(f"/v1/accounts/{account['id']}", json={"legal_name": "Neuer Name GmbH"}))
    body = {"invoice": invoice["id"], "amount": 1000, "reason": "Geste"}
    note = ok(as_operator.post("/v1/credit_notes", json=body), 201)
    pdf = world.documents.fetch(owner.get(f"/v1/credit_notes/{note['id']}/pdf").headers["Location"])
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Beispiel GmbH" in text
    assert "Neuer Name" not in text


def test_e_reporting_sums_the_months_consumer_and_foreign_sales_and_payments_exactly(world, as_operator, client_for):
    catalog = make_catalog(as_operator)
    buyers = {
        "spanish consumer": spanish_consumer(),
        "us company": american_company(),
        "german company": german_company(),
        "french company": french_company(),  # e-invoiced through the platforms: not e-reported
    }
    invoices = {}
    for name, profile in buyers.items():
        account, owner = new_customer(as_operator, client_for, **({"siren": None, "vat_number": None} | profile))
        body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}], "collection_method": "send_invoice"}
        subscription = ok(owner.post("/v1/subscriptions", json=body | {"days_until_due": 30}), 201)
        invoices[name] = (account, subscription["latest_invoice"])
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))
    finalized = {name: ok(as_operator.get(f"/v1/invoices/{invoice}")) for name, (_, invoice) in invoices.items()}
    spanish = finalized["spanish consumer"]
    credit = {"invoice": spanish["id"], "amount": 1210, "reason": "Geste"}
    note = ok(as_operator.post("/v1/credit_notes", json=credit), 201)
    paid = finalized["us company"]
    manual = {"method": "bank_transfer", "reference": "VIR-1", "received_at": world.clock.now().isoformat()}
    payment = {"account": invoices["us company"][0]["id"], "amount": paid["total"], "currency": "EUR", "manual": manual}
    ok(as_operator.post("/v1/payments", json=payment))
    month = datetime.fromisoformat(spanish["finalized_at"]).astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m")

    report = ok(as_operator.get("/v1/reports/e_reporting", params={"period": month}))

    expected: dict[tuple[str, str, str], list[int]] = {}
    for name, kind in (
        ("spanish consumer", "b2c"),
        ("us company", "b2b_international"),
        ("german company", "b2b_international"),
    ):
        for tax in finalized[name]["taxes"]:
            row = expected.setdefault((kind, tax["category"], tax["rate"]), [0, 0])
            row[0] += tax["taxable_amount"]
            row[1] += tax["amount"]
    for tax in note["taxes"]:
        expected[("b2c", tax["category"], tax["rate"])][0] -= tax["taxable_amount"]
        expected[("b2c", tax["category"], tax["rate"])][1] -= tax["amount"]
    sales = {(r["buyers"], r["category"], r["rate"]): [r["taxable_amount"], r["vat_amount"]] for r in report["sales"]}
    assert sales == expected  # the French company's invoice is not there
    assert [(r["buyers"], r["taxable_amount"] + r["vat_amount"]) for r in report["payments"]] == [
        ("b2b_international", paid["total"])
    ]
    csv = as_operator.get("/v1/reports/e_reporting", params={"period": month, "format": "csv"})
    assert csv.headers["Content-Type"] == "text/csv"
    assert len(csv.text.strip().splitlines()) == 1 + len(report["sales"]) + len(report["payments"])
    refused = as_operator.get("/v1/reports/e_reporting", params={"period": "2026-13"})
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_month")


def test_each_line_states_its_prices_unit_of_measure(world, as_operator, client_for):
    product = ok(as_operator.post("/v1/products", json={"name": "Stockage"}))
    body = {"product": product["id"], "currency": "EUR", "unit_amount": 2, "recurring": {"interval": "month"}}
    refused = as_operator.post("/v1/prices", json=body | {"unit": "XYZ"})
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_unit")
    price = ok(as_operator.post("/v1/prices", json=body | {"unit": "E34", "nickname": "Go stockés"}))
    assert price["unit"] == "E34"
    account, owner = new_customer(as_operator, client_for)
    items = [{"price": price["id"], "quantity": 50}]
    subscription = ok(owner.post("/v1/subscriptions", json={"account": account["id"], "items": items}), 201)
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))
    xml = owner.get(f"/v1/invoices/{subscription['latest_invoice']}/xml").text
    assert '<ram:BilledQuantity unitCode="E34">50</ram:BilledQuantity>' in xml


def test_a_public_buyers_invoice_is_deposited_on_chorus_pro_and_its_statuses_followed(world, as_operator, client_for):
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for, **public_buyer())
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}], "collection_method": "send_invoice"}
    subscription = ok(owner.post("/v1/subscriptions", json=body | {"days_until_due": 30}), 201)
    invoice_id = subscription["latest_invoice"]
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))  # finalized, published, deposited
    invoice = ok(owner.get(f"/v1/invoices/{invoice_id}"))
    assert (invoice["platform"]["name"], invoice["platform"]["status"]) == ("chorus_pro", "deposited")
    (deposit,) = world.chorus_pro.deposits.values()
    assert deposit["file"] == f"{invoice['number']}.pdf"
    seen = []
    for _ in range(5):  # the billing run asks Chorus Pro every hour until a final status
        world.advance_to(world.clock.now() + timedelta(hours=1))
        seen.append(ok(owner.get(f"/v1/invoices/{invoice_id}"))["platform"]["platform_status"])
    assert seen == ["", "DEPOSEE", "MISE_A_DISPOSITION", "MISE_EN_PAIEMENT", "MISE_EN_PAIEMENT"]
    assert ok(owner.get(f"/v1/invoices/{invoice_id}"))["platform"]["status"] == "paid"
    events = [e for e in world.publisher.published if e.type == "invoice.platform_status"]
    assert [e.detail["platform_status"] for e in events] == ["", "DEPOSEE", "MISE_A_DISPOSITION", "MISE_EN_PAIEMENT"]
    assert deposit["searches"] == 4  # no more questions once paid


def test_an_exempt_training_is_category_e_with_the_provision_that_exempts_it(world, as_operator, client_for):
    catalog = make_catalog(as_operator)
    product = ok(as_operator.post("/v1/products", json={"name": "Formation administrateur"}))
    body = {"product": product["id"], "currency": "EUR", "unit_amount": 50000, "tax_exemption": "VATEX-EU-132-1I"}
    refused = as_operator.post("/v1/prices", json=body | {"tax_exemption": "VATEX-XX"})
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_tax_exemption")
    training = ok(as_operator.post("/v1/prices", json=body | {"recurring": {"interval": "month"}}))
    account, owner = new_customer(as_operator, client_for)
    items = [{"price": catalog.seat["id"]}, {"price": training["id"]}]
    subscription = ok(owner.post("/v1/subscriptions", json={"account": account["id"], "items": items}), 201)
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))
    invoice = ok(owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert [(t["rate"], t["category"], t["amount"]) for t in invoice["taxes"]] == [("0", "E", 0), ("20", "S", 600)]
    assert "art. 261-4-4°-a du CGI" in invoice["vat_mention"]
    xml = owner.get(f"/v1/invoices/{invoice['id']}/xml").text.encode()
    assert schematron_failures(xml) == []
    assert b"<ram:ExemptionReasonCode>VATEX-EU-132-1I</ram:ExemptionReasonCode>" in xml
    # Abroad, the treatment decides: a German business is reverse charged on both
    german, german_owner = new_customer(as_operator, client_for, **german_company() | {"siren": None})
    body = {"account": german["id"], "items": items}
    subscription = ok(german_owner.post("/v1/subscriptions", json=body), 201)
    taxes = ok(german_owner.get(f"/v1/invoices/{subscription['latest_invoice']}"))["taxes"]
    assert [(t["rate"], t["category"]) for t in taxes] == [("0", "AE")]


def test_a_deposit_chorus_pro_refused_is_made_again_by_the_retry(world, as_operator, client_for):
    from dataclasses import replace

    from billing.documents.publish_invoice import deposit_on_platform

    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for, **public_buyer())
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}]}
    subscription = ok(owner.post("/v1/subscriptions", json=body), 201)

    def unreachable(*_: object) -> str:
        raise ConnectionError("PISTE unreachable")

    world.chorus_pro.deposit = unreachable  # type: ignore[method-assign]
    with contextlib.suppress(ConnectionError):  # the documents message fails; its retry comes later
        world.advance_to(world.clock.now() + timedelta(hours=1, minutes=1))
    invoice = world.store.get_invoice(subscription["latest_invoice"])
    assert invoice is not None
    assert invoice.platform is None  # not deposited, and the claim given back
    del world.chorus_pro.deposit  # Chorus Pro answers again
    services = replace(world.document_services, platform=world.chorus_pro)
    pdf = world.documents.get(invoice.pdf_key) if invoice.pdf_key else b""
    deposit_on_platform(services, invoice, world.accounts.get(account["id"]), pdf)
    deposited = world.store.get_invoice(invoice.id)
    assert deposited is not None
    assert deposited.platform is not None
    assert len(world.chorus_pro.deposits) == 1
