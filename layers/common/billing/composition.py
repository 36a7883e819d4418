"""How each deployed function is put together: its settings, the AWS and Stripe adapters, the use case
it runs. One module instead of a ``compose()`` per handler; each handler calls its function here once,
on its first invocation. Imports stay inside the functions: a cold start loads only what that function
uses (the authorizer never loads botocore's DynamoDB document models of billing, nor Stripe).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from datetime import datetime
from functools import cache, partial
from typing import TYPE_CHECKING, Any, cast

from billing.observability import logger, metrics, tracer

if TYPE_CHECKING:
    from billing.accounts.access import Principal
    from billing.batch import PendingEvents
    from billing.documents.document import Document
    from billing.documents.ports import EInvoiceWriter
    from billing.invoices.ports import InvoicingPlatform
    from billing.runs.run_billing import RunReport
    from billing.settings import PlatformSettings
    from billing.sqs_batch import Body
    from billing.store import BillingStore

Invoke = Callable[[dict[str, Any], Any], Any]


def _publish_after_answer(pending: PendingEvents, store: Any, publisher: Any) -> None:
    """The API's events go to the bus once the answer is decided: a failure is logged, not answered
    (the events stay in the outbox, which the next billing run publishes: at least once, never lost)."""
    from billing.runs.publish_events import publish_events

    try:
        publish_events(pending.take(), store, publisher)
    except Exception:  # the answer is already decided: the outbox keeps the events
        logger.exception("publishing events failed; the outbox keeps them")


def api() -> Invoke:
    from billing.adapters.aws_messaging import EventBridgePublisher, SqsQueue
    from billing.adapters.dynamodb_accounts import DynamoAccountRepository
    from billing.adapters.dynamodb_api_keys import DynamoApiKeyRepository
    from billing.adapters.dynamodb_portal_sessions import DynamoPortalSessionStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.dynamodb_usage import DynamoUsageStore
    from billing.adapters.dynamodb_webhooks import DynamoWebhookStore
    from billing.adapters.idempotency import PowertoolsIdempotency
    from billing.adapters.s3_documents import S3Documents
    from billing.batch import PendingEvents
    from billing.clock import RuntimeClock
    from billing.http.app import build_app
    from billing.http.services import ApiServices
    from billing.settings import ApiSettings

    settings = ApiSettings.from_environment()
    bind_table(settings.table)
    pending = PendingEvents()

    def billing_store() -> Any:
        from billing.adapters.dynamodb_billing import DynamoBillingStore

        return DynamoBillingStore(on_commit=pending)

    # The billing store's item classes and domain models (~40 ms to import) wait for the first route that
    # reads or writes billing objects: accounts, keys and portal sessions have stores of their own.
    store = cast("BillingStore", _OnFirstUse(billing_store))
    publisher = EventBridgePublisher(settings.event_bus)

    @cache
    def payment_gateway() -> Any:
        # Built on the first payment request: Stripe's client and keys cost nothing to other routes.
        from billing.adapters.stripe_payments import gateway_from_secret

        tracer().patch(["requests"])
        return gateway_from_secret(settings.stripe_secret, settings.stripe_api_base)

    @cache
    def marketplace() -> Any:
        from billing.adapters.aws_marketplace import AwsMarketplace

        return AwsMarketplace()

    services = ApiServices(
        marketplace=marketplace,
        marketplace_landing_url=settings.marketplace_landing_url,
        portal_sessions=DynamoPortalSessionStore(),
        portal_url=settings.portal_url,
        webhook_store=DynamoWebhookStore(),
        webhook_queue=SqsQueue(settings.webhooks_queue),
        clock=RuntimeClock(),
        accounts=DynamoAccountRepository(),
        keys=DynamoApiKeyRepository(),
        idempotency=PowertoolsIdempotency(settings.idempotency_table),
        store=store,
        usage=DynamoUsageStore(),
        documents=S3Documents(settings.documents_bucket),
        payment_gateway=payment_gateway,
    )
    app = build_app(settings)

    @tracer().capture_lambda_handler
    def resolve(event: dict[str, Any], context: Any) -> dict[str, Any]:
        services.idempotency.register_lambda_context(context)
        app.append_context(services=services)
        try:
            return app.resolve(event, context)
        finally:
            _publish_after_answer(pending, store, publisher)

    return resolve


def authorizer() -> Callable[[str | None], Principal]:
    """The Authorization header in, the caller out (or AuthenticationError)."""
    from billing.accounts.authenticate import authenticate_caller
    from billing.adapters.dynamodb_api_keys import DynamoApiKeyRepository
    from billing.adapters.dynamodb_portal_sessions import DynamoPortalSessionStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.clock import RuntimeClock

    bind_table(_authorizer_table())
    return partial(authenticate_caller, DynamoApiKeyRepository(), DynamoPortalSessionStore(), RuntimeClock())


def _authorizer_table() -> str:
    """TableSettings' one variable, read by hand: the authorizer loads no pydantic at all (~50 ms of the cold
    start every cold API request waits for); tests/infra checks the stack sets what TableSettings reads."""
    name = os.environ.get("BILLING_TABLE", "")
    if len(name) < 3:
        raise RuntimeError("BILLING_TABLE must name the billing table")
    return name


def stripe_webhook() -> Callable[[dict[str, Any]], tuple[dict[str, Any], str]]:
    from billing.adapters.aws_messaging import SqsQueue
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.stripe_signatures import signatures_from_secret
    from billing.clock import RuntimeClock
    from billing.http.webhook import receive_webhook
    from billing.settings import WebhookSettings

    settings = WebhookSettings.from_environment()
    bind_table(settings.table)
    store, queue, clock = DynamoBillingStore(), SqsQueue(settings.payments_queue), RuntimeClock()
    signatures = signatures_from_secret(settings.stripe_secret)
    return lambda event: receive_webhook(signatures, store, queue, event, clock.now())


def billing_run() -> Callable[[], RunReport]:
    from billing.adapters.aws_messaging import EventBridgePublisher, SqsQueue
    from billing.adapters.dynamodb_due_work import DynamoDueWork
    from billing.adapters.dynamodb_tables import bind_table
    from billing.clock import RuntimeClock
    from billing.runs.run_billing import run_billing
    from billing.runs.shards import DUE_SHARDS
    from billing.settings import RunSettings

    settings = RunSettings.from_environment()
    bind_table(settings.table)
    store, queue = DynamoDueWork(), SqsQueue(settings.work_queue)
    publisher, clock = EventBridgePublisher(settings.event_bus), RuntimeClock()
    return lambda: run_billing(store, queue, publisher, clock, DUE_SHARDS)


def billing_worker() -> Invoke:
    from billing.adapters.aws_messaging import EventBridgePublisher
    from billing.adapters.dynamodb_accounts import DynamoAccountRepository
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.dynamodb_usage import DynamoUsageStore
    from billing.batch import PendingEvents
    from billing.clock import RuntimeClock
    from billing.runs.process_due import due_invoices, process_due
    from billing.runs.publish_events import publish_events
    from billing.settings import WorkerSettings
    from billing.sqs_batch import sqs_batch
    from billing.subscriptions.services import Services

    settings = WorkerSettings.from_environment()
    bind_table(settings.table)
    pending = PendingEvents()
    store = DynamoBillingStore(on_commit=pending, remember_series=True)
    from billing.adapters.aws_marketplace import AwsMarketplace
    from billing.invoices.read_ahead import ReadAhead

    ahead = ReadAhead(store, DynamoAccountRepository())  # also the accounts port: its reads come ahead first
    services = Services(
        store=store,
        accounts=ahead,
        usage=DynamoUsageStore(),
        clock=RuntimeClock(),
        marketplace=AwsMarketplace(),  # clients made on first use: only marketplace hours build them
        platform=_chorus_pro(settings),
        ahead=ahead,
    )
    publisher = EventBridgePublisher(settings.event_bus)

    def handle(message: Body) -> None:
        process_due(services, str(message["kind"]), str(message["id"]))

    def after_batch() -> None:
        store.forget_series()  # the next batch of the FIFO group may run in another container
        # The batch's events published together (the outbox keeps them until then, and after a failure).
        publish_events(pending.take(), store, publisher)

    return sqs_batch(handle, after_batch, before_batch=lambda bodies: ahead.load(due_invoices(bodies)))


def _chorus_pro(settings: PlatformSettings) -> InvoicingPlatform | None:
    """Chorus Pro where the stage is connected to it (public buyers' invoices are deposited, their statuses
    read hourly); None: deposited by hand."""
    if settings.chorus_pro is None:
        return None
    from billing.adapters.chorus_pro import ChorusPro

    return ChorusPro(settings.chorus_pro)


class _OnFirstUse:
    """Stands in for an adapter (or a module) that is built when the first of its attributes is looked up."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._built: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._built is None:
            self._built = self._build()
        return getattr(self._built, name)


FACTUR_X_ADAPTER = "billing.adapters.facturx_documents"


def _render_pdf(document: Document) -> bytes:
    # reportlab (~85 ms to import) is loaded by the first PDF: most events this function gets only email.
    from billing.adapters.pdf_reportlab import render_pdf

    return render_pdf(document)


def documents() -> Invoke:
    from billing.adapters.dynamodb_accounts import DynamoAccountRepository
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.s3_documents import S3Documents
    from billing.adapters.ses_mailer import SesMailer
    from billing.clock import RuntimeClock
    from billing.documents.on_event import EMAILED_METRICS, finalized_invoices, react
    from billing.documents.services import DocumentServices
    from billing.invoices.read_ahead import ReadAhead
    from billing.settings import DocumentSettings
    from billing.sqs_batch import sqs_batch

    settings = DocumentSettings.from_environment()
    bind_table(settings.table)
    store = DynamoBillingStore()
    ahead = ReadAhead(store, DynamoAccountRepository())  # also the accounts port: its reads come ahead first
    services = DocumentServices(
        store=store,
        accounts=ahead,
        storage=S3Documents(settings.documents_bucket, settings.document_lock_mode or None),
        mailer=SesMailer(settings.email_sender),
        render=_render_pdf,
        seller=settings.seller,
        # Factur-X needs lxml and pypdf (~100 ms to import): loaded by the first invoice, not by receipts.
        einvoice=cast(
            "EInvoiceWriter", _OnFirstUse(partial(importlib.import_module, "billing.adapters.facturx_documents"))
        ),
        clock=RuntimeClock(),
        platform=_chorus_pro(settings),
        ahead=ahead,
    )

    def handle(event: Body) -> None:  # EventBridge's envelope, delivered by the bus rule
        kind, emailed = react(services, event["detail-type"], event["detail"])
        if emailed and kind in EMAILED_METRICS:
            metrics.add_metric(name=EMAILED_METRICS[kind], unit="Count", value=1)

    return sqs_batch(handle, before_batch=lambda events: ahead.load(finalized_invoices(events)))


def payments() -> Invoke:
    from billing.adapters.aws_messaging import EventBridgePublisher
    from billing.adapters.dynamodb_accounts import DynamoAccountRepository
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.stripe_payments import gateway_from_secret
    from billing.batch import PendingEvents
    from billing.clock import RuntimeClock
    from billing.payments.on_event import react
    from billing.payments.record_payment import PaymentServices
    from billing.runs.publish_events import publish_events
    from billing.settings import PaymentsSettings
    from billing.sqs_batch import sqs_batch

    settings = PaymentsSettings.from_environment()
    bind_table(settings.table)
    pending = PendingEvents()
    store = DynamoBillingStore(on_commit=pending)
    services = PaymentServices(
        store=store,
        accounts=DynamoAccountRepository(),
        clock=RuntimeClock(),
        gateway=gateway_from_secret(settings.stripe_secret, settings.stripe_api_base),
    )
    publisher = EventBridgePublisher(settings.event_bus)

    def handle(message: Body) -> None:
        payment = react(services, message)
        if payment is not None:
            metrics.add_metric(name=f"Charge_{payment.status.value}", unit="Count", value=1)

    # The batch's events published together (the outbox keeps them until then, and after a failure).
    return sqs_batch(handle, lambda: publish_events(pending.take(), store, publisher))


def webhook_delivery() -> Invoke:
    """Outgoing webhooks: bus events become seller events (one delivery per endpoint), each delivery is
    one message and one attempt; the one-minute schedule queues the retries that fell due."""
    from billing.adapters.aws_messaging import SqsQueue
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.dynamodb_webhooks import DynamoWebhookStore
    from billing.adapters.http_webhooks import HttpWebhookSender
    from billing.clock import RuntimeClock
    from billing.settings import WebhookDeliverySettings
    from billing.sqs_batch import sqs_batch
    from billing.webhooks.deliver_event import deliver_event
    from billing.webhooks.record_event import BusEvents
    from billing.webhooks.retry_deliveries import retry_deliveries
    from billing.webhooks.services import WebhookServices

    settings = WebhookDeliverySettings.from_environment()
    bind_table(settings.table)
    services = WebhookServices(
        store=DynamoWebhookStore(),
        clock=RuntimeClock(),
        queue=SqsQueue(settings.webhooks_queue),
        sender=HttpWebhookSender(),
    )

    # A batch of bus events (up to ten, their own queue): one read of the endpoints, one write of the events
    # none of them wants, when the batch ends.
    bus_events: BusEvents | None = None

    def handle(body: Body) -> None:
        nonlocal bus_events
        if "detail-type" in body:  # EventBridge's envelope, delivered by the bus rule
            if bus_events is None:
                bus_events = BusEvents(services)
            bus_events.record(body["detail-type"], body["detail"], datetime.fromisoformat(body["time"]))
            return
        delivery = deliver_event(services, body["event"], body["endpoint"])
        if delivery is not None:
            metrics.add_metric(name=f"WebhookDelivery_{delivery.status.value}", unit="Count", value=1)

    def close_batch() -> None:
        nonlocal bus_events
        closing, bus_events = bus_events, None
        if closing is not None:
            closing.close()

    work = sqs_batch(handle, after_batch=close_batch)

    def invoke(event: dict[str, Any], context: Any) -> Any:
        if "Records" in event:
            return work(event, context)
        return {"queued": retry_deliveries(services)}  # the schedule

    return invoke


def marketplace() -> Invoke:
    """AWS Marketplace notices: each message kept under its keys, then the purchases it concerns reconciled
    (a subscription managed by AWS started, following its entitlements, or ended)."""
    from billing.adapters.aws_marketplace import AwsMarketplace
    from billing.adapters.aws_messaging import EventBridgePublisher
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.batch import PendingEvents
    from billing.clock import RuntimeClock
    from billing.marketplace.receive_notice import receive_notice
    from billing.runs.publish_events import publish_events
    from billing.settings import MarketplaceSettings
    from billing.sqs_batch import sqs_batch

    settings = MarketplaceSettings.from_environment()
    bind_table(settings.table)
    pending = PendingEvents()
    store = DynamoBillingStore(on_commit=pending)
    publisher = EventBridgePublisher(settings.event_bus)
    gateway = AwsMarketplace()
    clock = RuntimeClock()

    def handle(message: Body) -> None:
        notice = receive_notice(store, gateway, message, clock.now())
        if notice is not None:
            metrics.add_metric(name=f"MarketplaceNotice_{notice.kind.value}", unit="Count", value=1)
        publish_events(pending.take(), store, publisher)  # a failure fails the record; the outbox keeps them

    return sqs_batch(handle)
