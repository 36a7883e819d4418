"""Invoice PDF links through the real S3 presigner: short-lived, for the invoice's own account only."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.api_setup import make_catalog, new_customer, ok

pytestmark = pytest.mark.integration


def test_a_pdf_link_lives_five_minutes_and_only_its_account_gets_one(backend, as_operator, client_for, properties):
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(
        owner.post("/v1/subscriptions", json={"account": account["id"], "items": [{"price": catalog.seat["id"]}]}), 201
    )
    invoice = ok(as_operator.post(f"/v1/invoices/{subscription['latest_invoice']}/finalize"))
    backend.triggers.drain()  # the documents function renders the PDF
    link = owner.get(f"/v1/invoices/{invoice['id']}/pdf", allow_redirects=False)
    assert link.status_code == 302
    query = parse_qs(urlsplit(link.headers["Location"]).query)
    assert query["X-Amz-Expires"] == ["300"]  # a presigned link, valid five minutes
    assert requests.get(link.headers["Location"], timeout=30).content.startswith(b"%PDF")
    _, stranger = new_customer(as_operator, client_for, legal_name="Autre SAS")
    refused = stranger.get(f"/v1/invoices/{invoice['id']}/pdf", allow_redirects=False)
    assert (refused.status_code, refused.json()["code"]) == (404, "invoice_not_found")
    assert "Location" not in refused.headers
    properties.load("presigned links: own account only, ≤ 5 minutes", "an invoice PDF, its owner and a stranger")
    properties.check("presigned links: own account only, ≤ 5 minutes", int(query["X-Amz-Expires"][0]) <= 300)
    properties.check("presigned links: own account only, ≤ 5 minutes", refused.status_code == 404)
    properties.verify()
