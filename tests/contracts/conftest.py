"""One suite, two implementations: each port's in-memory fake (tests/fakes) and its real adapter against
the emulators. A behaviour the functional tier relies on is written here once and must hold for both."""

from __future__ import annotations

import json

import boto3
import pytest
import requests

from billing.adapters.aws_marketplace import AwsMarketplace
from billing.adapters.aws_messaging import EventBridgePublisher, SqsQueue
from billing.adapters.chorus_pro import ChorusPro
from billing.adapters.dynamodb_accounts import DynamoAccountRepository
from billing.adapters.dynamodb_api_keys import DynamoApiKeyRepository
from billing.adapters.dynamodb_billing import DynamoBillingStore
from billing.adapters.dynamodb_portal_sessions import DynamoPortalSessionStore
from billing.adapters.dynamodb_tables import bind_table
from billing.adapters.dynamodb_usage import DynamoUsageStore
from billing.adapters.dynamodb_webhooks import DynamoWebhookStore
from billing.adapters.s3_documents import S3Documents
from billing.adapters.ses_mailer import SesMailer
from billing.adapters.stripe_payments import StripeGateway
from billing.ids import new_id
from billing.marketplace.models import ResolvedCustomer
from billing.settings import ChorusProAccess
from local.backend import LOCAL_LOCK_MODE
from local.chorus_pro import access as chorus_pro_access
from tests.contracts.emulated import drain, emulated_mailbox, emulated_queue
from tests.fakes import InMemoryAccounts, InMemoryKeys, InMemoryPortalSessions
from tests.fakes.billing_store import InMemoryBillingStore, InMemoryUsageStore
from tests.fakes.marketplace import FakeMarketplace
from tests.fakes.outside import (
    InMemoryDocuments,
    InMemoryPlatform,
    RecordingMailer,
    RecordingPublisher,
    RecordingQueue,
)
from tests.fakes.payments import FakePaymentGateway
from tests.fakes.webhooks import InMemoryWebhookStore

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
def portal_sessions(request):
    if request.param == "memory":
        return InMemoryPortalSessions()
    bind_table(request.getfixturevalue("backend").tables["Main"])
    return DynamoPortalSessionStore()


@pytest.fixture(params=IMPLEMENTATIONS)
def documents(request):
    if request.param == "memory":
        return InMemoryDocuments()
    return S3Documents(request.getfixturevalue("backend").resources["bucket:Documents"], LOCAL_LOCK_MODE)


@pytest.fixture(params=IMPLEMENTATIONS)
def platform(request):
    """Chorus Pro: the fake, or the PISTE adapter against the emulator (local/chorus_pro.py)."""
    if request.param == "memory":
        return InMemoryPlatform()
    return ChorusPro(ChorusProAccess(**chorus_pro_access(request.getfixturevalue("backend").chorus_pro_endpoint_url)))


@pytest.fixture(params=IMPLEMENTATIONS)
def gateway(request):
    if request.param == "memory":
        return FakePaymentGateway()
    backend = request.getfixturevalue("backend")
    keys = ("sk_test_local", backend.resources["stripe-webhook-secret"])
    return StripeGateway(lambda: keys, backend.stripe_endpoint_url)


@pytest.fixture(params=IMPLEMENTATIONS)
def bus(request):
    """(publisher, received): ``received(n)`` is what a rule's target got, as (detail-type, detail)."""
    if request.param == "memory":
        recording = RecordingPublisher()
        return recording, lambda n: [(str(e.type), e.bus_detail()) for e in recording.published]
    backend = request.getfixturevalue("backend")
    name = f"contract-{new_id('bus')}"
    queue_url, queue_arn = emulated_queue(backend, name)
    events = boto3.client("events", endpoint_url=backend.aws_endpoint_url)
    events.create_event_bus(Name=name)
    events.put_rule(Name=name, EventBusName=name, EventPattern=json.dumps({"source": ["billing"]}))
    events.put_targets(Rule=name, EventBusName=name, Targets=[{"Id": "contract", "Arn": queue_arn}])

    def received(n: int) -> list[tuple[str, dict]]:
        return [(body["detail-type"], body["detail"]) for body in drain(backend, queue_url, n)]

    return EventBridgePublisher(name), received


@pytest.fixture(params=IMPLEMENTATIONS)
def work_queue(request):
    """(queue, received): ``received(n)`` is the message bodies a consumer got."""
    if request.param == "memory":
        recording = RecordingQueue()
        return recording, lambda n: recording.take()
    backend = request.getfixturevalue("backend")
    queue_url, _ = emulated_queue(backend, f"contract-{new_id('q')}")
    return SqsQueue(queue_url), lambda n: drain(backend, queue_url, n)


@pytest.fixture(params=IMPLEMENTATIONS)
def mail(request):
    """(mailer, mailbox): ``mailbox(to)`` is what reached that address, as SentMail."""
    if request.param == "memory":
        recording = RecordingMailer()
        return recording, lambda to: [m for m in recording.sent if m.to == to]
    backend = request.getfixturevalue("backend")
    return SesMailer(backend.resources["sender"]), lambda to: emulated_mailbox(backend, to)


@pytest.fixture(params=IMPLEMENTATIONS)
def webhook_store(request):
    if request.param == "memory":
        return InMemoryWebhookStore()
    bind_table(request.getfixturevalue("backend").tables["Main"])
    return DynamoWebhookStore()


@pytest.fixture(params=IMPLEMENTATIONS)
def marketplace(request):
    """(gateway, new_buyer, fail): ``new_buyer(product_code, entitlements)`` → (registration token, the buyer);
    ``fail(n)``: the next n BatchMeterUsage calls leave every record unprocessed (botocore itself retries a
    throttled call, so the adapter sees throttling only when it lasts)."""
    if request.param == "memory":
        fake = FakeMarketplace()

        def fail_fake(n: int) -> None:
            fake.failures = n

        return fake, fake.new_buyer, fail_fake
    backend = request.getfixturevalue("backend")

    def new_buyer(product_code: str, entitlements: dict[str, int]) -> tuple[str, ResolvedCustomer]:
        answer = requests.post(
            f"{backend.marketplace_endpoint_url}/_aws/marketplace/buyers",
            json={"product_code": product_code, "entitlements": entitlements},
            timeout=10,
        ).json()
        buyer = ResolvedCustomer(
            answer["CustomerIdentifier"], answer["CustomerAWSAccountId"], product_code, answer["LicenseArn"]
        )
        return answer["token"], buyer

    def fail(n: int) -> None:
        requests.post(
            f"{backend.marketplace_endpoint_url}/_aws/marketplace/failures", json={"unprocessed": n}, timeout=10
        )

    return AwsMarketplace(), new_buyer, fail
