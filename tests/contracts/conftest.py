"""One suite, two implementations: each port's in-memory fake (tests/fakes) and its real adapter against
the emulators. A behaviour the functional tier relies on is written here once and must hold for both."""

from __future__ import annotations

import pytest

from billing.adapters.dynamodb_accounts import DynamoAccountRepository
from billing.adapters.dynamodb_api_keys import DynamoApiKeyRepository
from billing.adapters.dynamodb_billing import DynamoBillingStore
from billing.adapters.dynamodb_tables import bind_table
from billing.adapters.dynamodb_usage import DynamoUsageStore
from billing.adapters.s3_documents import S3Documents
from billing.adapters.stripe_payments import StripeGateway
from tests.fakes import InMemoryAccounts, InMemoryKeys
from tests.fakes.billing_store import InMemoryBillingStore, InMemoryUsageStore
from tests.fakes.outside import InMemoryDocuments
from tests.fakes.payments import WEBHOOK_SECRET, FakePaymentGateway

IMPLEMENTATIONS = ["memory", pytest.param("emulated", marks=pytest.mark.integration)]


@pytest.fixture(params=IMPLEMENTATIONS)
def adapters(request):
    """(accounts, keys, billing store, usage store) of one implementation."""
    if request.param == "memory":
        accounts = InMemoryAccounts()
        return accounts, InMemoryKeys(), InMemoryBillingStore(accounts), InMemoryUsageStore()
    bind_table(request.getfixturevalue("backend").tables["Main"])
    return DynamoAccountRepository(), DynamoApiKeyRepository(), DynamoBillingStore(), DynamoUsageStore()


@pytest.fixture
def store(adapters):
    return adapters[2]


@pytest.fixture
def usage(adapters):
    return adapters[3]


@pytest.fixture(params=IMPLEMENTATIONS)
def documents(request):
    if request.param == "memory":
        return InMemoryDocuments()
    return S3Documents(request.getfixturevalue("backend").resources["bucket:Documents"])


@pytest.fixture(params=IMPLEMENTATIONS)
def gateway(request):
    """(gateway, the webhook signing secret it verifies with)."""
    if request.param == "memory":
        return FakePaymentGateway(), WEBHOOK_SECRET
    backend = request.getfixturevalue("backend")
    keys = ("sk_test_local", backend.resources["stripe-webhook-secret"])
    return StripeGateway(lambda: keys, backend.stripe_endpoint_url), keys[1]
