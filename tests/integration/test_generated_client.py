"""A typed Python client generated from our OpenAPI document with openapi-python-client drives a short
story against the local backend: what the generator cannot express, or types wrongly, is a defect of the
document (issue: the seller's integration surface)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.builders import french_company

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client_package(backend, tmp_path_factory):
    """Generate the client from the served document, as a seller would, and import it."""
    folder = tmp_path_factory.mktemp("client")
    (folder / "openapi.json").write_text(json.dumps(requests.get(f"{backend.url}/v1/openapi.json", timeout=30).json()))
    env = os.environ | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = subprocess.run(
        [Path(sys.executable).parent / "openapi-python-client", "generate", "--path", "openapi.json",
         "--output-path", "client", "--meta", "none"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout + generated.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("client")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == "client" or m.startswith("client.")]:
            del sys.modules[name]


def test_a_generated_client_opens_an_account_subscribes_it_and_reads_the_invoice(backend, client_package):
    api = importlib.import_module("client.api")
    models = importlib.import_module("client.models")
    operator = client_package.AuthenticatedClient(base_url=backend.url, token=backend.operator_key)

    def call(module: str, **kwargs):
        return importlib.import_module(f"client.api.{module}").sync(**kwargs)

    def customer():
        """A new account and a generated client holding its owner key."""
        profile = models.BillingProfile.from_dict(french_company())
        account = call("accounts.accounts_create", client=operator, body=profile)
        assert isinstance(account, models.AccountView), account
        owner_key = models.ApiKeyCreate.from_dict({"role": "owner"})
        key = call("api_keys.accounts_api_keys_create", account_id=account.id, client=operator, body=owner_key)
        return account, client_package.AuthenticatedClient(base_url=backend.url, token=key.secret)

    assert api is not None
    product = call("catalog.products_create", client=operator, body=models.ProductCreate(name="Téléphonie cloud"))
    price = call(
        "catalog.prices_create",
        client=operator,
        body=models.PriceCreate.from_dict(
            {"product": product.id, "currency": "EUR", "unit_amount": 3000, "recurring": {"interval": "month"}}
        ),
    )
    assert isinstance(price, models.PriceView), price
    account, owner = customer()
    subscription = call(
        "subscriptions.subscriptions_create",
        client=owner,
        body=models.SubscriptionCreate.from_dict({"account": account.id, "items": [{"price": price.id}]}),
    )
    assert isinstance(subscription, models.SubscriptionView), subscription
    invoice = call("invoices.invoices_retrieve", invoice_id=subscription.latest_invoice, client=owner)
    assert isinstance(invoice, models.InvoiceView), invoice
    assert (invoice.total, invoice.currency) == (3600, "EUR")  # 30.00 € and 20 % VAT
    # A refusal comes back typed too: another account's invoice is not found, as problem+json
    _, intruder = customer()
    refused = call("invoices.invoices_retrieve", invoice_id=invoice.id, client=intruder)
    assert isinstance(refused, models.Problem)
    assert refused.code == "invoice_not_found"
