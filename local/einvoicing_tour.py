"""E-invoicing against a running local backend (`make run`), through HTTP only.

    BILLING_OPERATOR_KEY=bk_... make run &
    BILLING_OPERATOR_KEY=bk_... make einvoices     # or: .venv/bin/python -m local.einvoicing_tour

Produces the documents an audit looks at — invoices to a French company (with a seat added mid-month and a
launch discount), a German company (reverse charge), a Spanish consumer (Spanish VAT), a US company (in
English), a credit note, a partial receipt — and checks each Factur-X: the XML the PDF carries is the one
the API serves, and it keeps the EN 16931 rules (and the French ones, for the French company's), offline.
Prints page 1 of the French invoice, voids an invoice and shows the credit note that neutralises it, and
deposits a public buyer's invoice on the local Chorus Pro, following its status until paid. Each step checks
its figures; the exit status says whether all held.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import facturx
import requests
from pypdf import PdfReader

from local.einvoice_rules import schematron_failures
from local.replay_seed_stories import TIMEOUT, Local, run_script

BUYERS: dict[str, dict[str, Any]] = {
    "french company": {
        "legal_name": "Exemple SAS",
        "address": {"line1": "10 rue de la Paix", "postal_code": "75002", "city": "Paris", "country": "FR"},
        "locale": "fr",
        "vat_number": "FR40303265045",
        "siren": "303265045",
    },
    "german company": {
        "legal_name": "Beispiel GmbH",
        "address": {"line1": "Friedrichstraße 10", "postal_code": "10117", "city": "Berlin", "country": "DE"},
        "locale": "en",
        "vat_number": "DE136695976",
    },
    "spanish consumer": {
        "legal_name": "Lucía García",
        "address": {"line1": "Calle Mayor 1", "postal_code": "28013", "city": "Madrid", "country": "ES"},
        "locale": "fr",
    },
    "us company": {
        "legal_name": "Example Inc.",
        "address": {
            "line1": "1 Market St", "postal_code": "94105", "city": "San Francisco", "state": "CA", "country": "US"
        },
        "locale": "en",
        "customer_type": "business",
    },
    "public buyer": {
        "legal_name": "Commune d'Exemple",
        "address": {"line1": "1 place de la Mairie", "postal_code": "75004", "city": "Paris", "country": "FR"},
        "locale": "fr",
        "vat_number": "FR44732829320",
        "siren": "732829320",
        "siret": "73282932000074",
        "public_buyer": {"service_code": "SERV-ACHATS", "engagement_number": "EJ-2026-0042"},
    },
}  # fmt: skip


def pdf_of(local: Local, path: str, key: str) -> bytes:
    """What the customer downloads: the API redirects to a short-lived link."""
    answer = requests.get(f"{local.url}{path}", headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT)
    answer.raise_for_status()
    return answer.content


def check_factur_x(local: Local, label: str, kind: str, document_id: str, key: str, french: bool) -> bytes:
    """The document's Factur-X: the XML it carries is the API's, and it keeps every rule."""
    pdf = pdf_of(local, f"/v1/{kind}/{document_id}/pdf", key)
    served = requests.get(
        f"{local.url}/v1/{kind}/{document_id}/xml", headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT
    ).content
    name, carried = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    local.check(
        f"{label}: the PDF carries {name}, the XML the API serves", (name, carried == served), ("factur-x.xml", True)
    )
    local.check(
        f"{label}: EN 16931{' and BR-FR' if french else ''} rules kept", schematron_failures(served, french), []
    )
    return pdf


def tour(url: str, operator_key: str) -> Local:
    local = Local(url.rstrip("/"), operator_key)
    product = local.call("POST", "/v1/products", json={"name": "Téléphonie cloud"}, expect=201)
    seat = local.price(product["id"], "Licence Essentials", 3000)
    coupon = local.call(
        "POST", "/v1/coupons", json={"name": "Offre de lancement", "percent_off": "10", "duration": "forever"},
        expect=201,
    )  # fmt: skip
    accounts: dict[str, tuple[dict[str, Any], str]] = {}
    subscriptions: dict[str, dict[str, Any]] = {}
    for name, profile in BUYERS.items():  # the public buyer subscribes in step 5
        email = f"facturation-{name.replace(' ', '-')}@example.com"
        account = local.call("POST", "/v1/accounts", json=profile | {"billing_email": email}, expect=201)
        key = local.call("POST", f"/v1/accounts/{account['id']}/api_keys", json={"role": "owner"}, expect=201)
        accounts[name] = (account, key["secret"])
        body: dict[str, Any] = {
            "account": account["id"],
            "items": [{"price": seat["id"], "quantity": 3 if name == "french company" else 1}],
            "collection_method": "send_invoice",
            "days_until_due": 30,
        }
        if name == "french company":
            body["coupon"] = coupon["id"]
        if name != "public buyer":
            subscriptions[name] = local.call("POST", "/v1/subscriptions", key["secret"], json=body, expect=201)

    print("1. The first invoices are finalized after their grace hour, published as Factur-X")
    start = local.now()
    local.advance_to(start + timedelta(hours=1, minutes=1))
    first = {
        name: local.call("GET", f"/v1/invoices/{s['latest_invoice']}", accounts[name][1])
        for name, s in subscriptions.items()
    }
    for name in ("german company", "spanish consumer", "us company"):
        invoice = first[name]
        taxes = [(t["category"], t["rate"]) for t in invoice["taxes"]]
        print(f"    {name}: {invoice['number']}, {invoice['total'] / 100:.2f} €, VAT {taxes}: {invoice['vat_mention']}")
        check_factur_x(local, f"{name}'s invoice", "invoices", invoice["id"], accounts[name][1], french=False)
    local.check("german company: reverse charged", [t["category"] for t in first["german company"]["taxes"]], ["AE"])
    local.check("spanish consumer: Spanish VAT", [t["rate"] for t in first["spanish consumer"]["taxes"]], ["21"])
    local.check("us company: out of scope", [t["category"] for t in first["us company"]["taxes"]], ["O"])

    print("2. The French company adds a seat mid-month; its renewal prorates it and keeps the discount")
    french, french_key = accounts["french company"]
    subscription = subscriptions["french company"]
    item = subscription["items"][0]["id"]
    local.advance_to(start + timedelta(days=15))
    local.call(
        "PATCH", f"/v1/subscriptions/{subscription['id']}", french_key, json={"items": [{"id": item, "quantity": 4}]}
    )
    renewed = local.call("GET", f"/v1/subscriptions/{subscription['id']}", french_key)
    # Renewed at the first hourly run after the period's end, finalized after its grace hour.
    local.advance_to(datetime.fromisoformat(renewed["current_period_end"]) + timedelta(hours=2, minutes=5))
    invoices = local.call("GET", "/v1/invoices", french_key, params={"account": french["id"]})["data"]
    renewal = next(i for i in invoices if i["status"] != "draft" and i["sections"].get("proration"))
    pdf = check_factur_x(local, "French company's renewal", "invoices", renewal["id"], french_key, french=True)
    page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    print("    Page 1 of " + renewal["number"] + ":\n" + "\n".join(f"    | {line}" for line in page.splitlines()))
    flat = " ".join(page.split())
    local.check("page 1 names the product", "Licence Essentials" in flat and "prod_" not in flat, True)
    local.check("page 1 explains the prorata", "Temps non utilisé" in flat and "jours" in flat, True)
    local.check("page 1: Total HT after the discount", "Total HT avant remise" in flat and "Remise" in flat, True)

    print("3. A credit note on the French renewal, and a partial payment of the Spanish invoice")
    note = local.call(
        "POST", "/v1/credit_notes", json={"invoice": renewal["id"], "amount": 1200, "reason": "Geste commercial"},
        expect=201,
    )  # fmt: skip
    local.advance_to(local.now())
    print(f"    {note['number']} on {note['invoice_number']}: {note['subtotal'] / 100:.2f} € HT, {note['taxes']}")
    check_factur_x(local, "credit note", "credit_notes", note["id"], french_key, french=True)
    spanish, spanish_key = accounts["spanish consumer"]
    manual = {"method": "bank_transfer", "reference": "VIR-42", "received_at": local.now().isoformat()}
    payment = {"account": spanish["id"], "amount": 1000, "currency": "EUR", "manual": manual}
    local.call("POST", "/v1/payments", json=payment, expect=201)
    local.advance_to(local.now())
    (receipt,) = local.call("GET", "/v1/receipts", spanish_key, params={"account": spanish["id"]})["data"]
    receipt_page = " ".join(
        PdfReader(io.BytesIO(pdf_of(local, f"/v1/receipts/{receipt['id']}/pdf", spanish_key)))
        .pages[0]
        .extract_text()
        .split()
    )
    local.check(
        "the partial receipt is not stamped paid, and says Virement bancaire",
        ("Acquittée" in receipt_page, "Virement bancaire" in receipt_page),
        (False, True),
    )

    print("4. Voiding the US invoice issues the credit note that neutralises it")
    us, us_key = accounts["us company"]
    voided = local.call("POST", f"/v1/invoices/{first['us company']['id']}/void")
    notes = local.call("GET", "/v1/credit_notes", us_key, params={"account": us["id"]})["data"]
    local.advance_to(local.now())
    print(
        f"    {voided['number']} is {voided['status']}; {notes[0]['number']}: {notes[0]['reason']}, "
        f"{notes[0]['amount'] / 100:.2f} €"
    )
    local.check(
        "one credit note of the whole invoice",
        [(n["invoice"], n["amount"]) for n in notes],
        [(voided["id"], voided["total"])],
    )
    check_factur_x(local, "neutralising credit note", "credit_notes", notes[0]["id"], us_key, french=False)

    print("5. The public buyer's invoice goes to Chorus Pro; the hourly run follows its status")
    public, public_key = accounts["public buyer"]
    body = {"account": public["id"], "items": [{"price": seat["id"]}], "collection_method": "send_invoice"}
    subscribed = local.call("POST", "/v1/subscriptions", public_key, json=body | {"days_until_due": 30}, expect=201)
    invoice_id = subscribed["latest_invoice"]
    ordered = local.now()
    seen = []
    # Deposit, integration, then one status a search: about five hourly runs; a busy machine may need more.
    for hour in range(1, 13):
        local.advance_to(ordered + timedelta(hours=hour, minutes=1))
        platform = local.call("GET", f"/v1/invoices/{invoice_id}", public_key)["platform"]
        if platform is not None:
            seen.append(platform["platform_status"] or platform["status"])
            code = platform["platform_status"] or "…"
            print(f"    +{hour} h: deposit {platform['deposit']}: {platform['status']} ({code})")
            if seen[-1] == "MISE_EN_PAIEMENT":
                break
    check_factur_x(local, "public buyer's invoice", "invoices", invoice_id, public_key, french=False)
    local.check("Chorus Pro: deposited, then paid", (seen[0], seen[-1]), ("deposited", "MISE_EN_PAIEMENT"))
    return local


def main() -> None:
    run_script(__doc__ or "", tour)


if __name__ == "__main__":
    main()
