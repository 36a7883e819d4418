"""The one declaration of tables, functions, routes and gateway answers.

The CDK stack (infra/stack.py) and the local runtime (local/) are both built from it, so what runs on a
laptop is what deploys; tests/infra checks the synthesized template against it.
Pure data: importing this module costs nothing and imports no CDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from billing.errors import ErrorCode
from billing.events import EventType

Method = Literal["GET", "POST", "PATCH", "DELETE"]


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str
    keys_only: bool = False  # project only the keys (the DUE index needs nothing else)


@dataclass(frozen=True)
class Table:
    id: str
    partition_key: str
    sort_key: str | None = None
    ttl_attribute: str | None = None
    indexes: tuple[Index, ...] = ()


@dataclass(frozen=True)
class Queue:
    id: str
    visibility_timeout_s: int = 60
    max_receive_count: int = 5  # then the message goes to the queue's dead-letter queue
    # FIFO: messages of one group are handed to one copy of the function at a time (billing/ports.py
    # WorkQueue), every other group in parallel.
    fifo: bool = False


@dataclass(frozen=True)
class Bucket:
    id: str
    object_lock: bool = False  # created with S3 Object Lock: legal documents are kept, unaltered, for years


@dataclass(frozen=True)
class Schedule:
    id: str
    expression: str  # EventBridge Scheduler syntax
    function: str


@dataclass(frozen=True)
class QueueTrigger:
    queue: str
    batch_size: int = 10
    max_concurrency: int | None = None  # at most this many copies read the queue (a rate-limited API)


@dataclass(frozen=True)
class Function:
    name: str
    description: str
    # environment variable → id of the table whose name it carries
    tables: dict[str, str] = field(default_factory=dict)
    memory_mb: int = 512
    timeout_s: int = 10
    # DynamoDB actions granted per table id; explicit, never "dynamodb:*"
    table_actions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    queues: dict[str, str] = field(default_factory=dict)  # environment variable → queue id (to send to)
    buckets: dict[str, str] = field(default_factory=dict)  # environment variable → bucket id
    publishes_events: bool = False
    sends_email: bool = False
    uses_stripe: bool = False  # reads the Stripe keys secret (BILLING_STRIPE_SECRET)
    # AWS Marketplace actions (they take no resource ARN: granted on "*")
    marketplace_actions: tuple[str, ...] = ()
    triggers: tuple[QueueTrigger, ...] = ()  # the queues it reads (most read one)

    @property
    def source_dir(self) -> str:
        return f"functions/{self.name}"


@dataclass(frozen=True)
class Route:
    method: Method
    path: str  # API Gateway syntax: /v1/accounts/{account_id}
    function: str
    authorized: bool = True


@dataclass(frozen=True)
class GatewayProblem:
    """An answer API Gateway gives itself (before our function runs), as problem+json."""

    status: int
    code: ErrorCode
    detail: str


# GSI1 lists things by owner and time: an account's subscriptions and invoices, the catalog, a
# subscription's usage events (docs/data-model.md).
MAIN_TABLE = Table(
    id="Main",
    partition_key="pk",
    sort_key="sk",
    ttl_attribute="expires_at",
    indexes=(Index("GSI1", "gsi1pk", "gsi1sk"), Index("DUE", "duepk", "duesk", keys_only=True)),
)
# Powertools idempotency's own layout (key "id", TTL "expiration"): one record per key, no hot partition.
IDEMPOTENCY_TABLE = Table(id="Idempotency", partition_key="id", ttl_attribute="expiration")
TABLES = (MAIN_TABLE, IDEMPOTENCY_TABLE)

# A sparse index of what is due and when (renewals, usage periods, drafts to finalize, invoices falling
# overdue), sharded so no partition takes every write: the billing run reads the shards up to "now".
from billing.runs.shards import DUE_SHARDS  # noqa: E402,F401 - one number for both

_READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem")
_WRITE = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")

# FIFO: finalizations take the next number of one gapless series, so the run sends them in one group
# (billing/runs/run_billing.py): one writer at a time, no conditional-write retries.
WORK_QUEUE = Queue(id="BillingWork", visibility_timeout_s=120, fifo=True)
DOCUMENTS_QUEUE = Queue(id="Documents", visibility_timeout_s=120)
PAYMENTS_QUEUE = Queue(id="Payments", visibility_timeout_s=120)
# Retries of a failing endpoint are the delivery's own (days apart, in the due index); the redrive count
# only catches a crashing function.
WEBHOOKS_QUEUE = Queue(id="Webhooks", visibility_timeout_s=60)
# Every bus event, to be recorded as a seller event with its deliveries (which go to the queue above).
WEBHOOK_EVENTS_QUEUE = Queue(id="WebhookEvents", visibility_timeout_s=60)
# AWS Marketplace's agreement and license events (default bus) and its legacy SNS messages, one queue.
MARKETPLACE_QUEUE = Queue(id="Marketplace", visibility_timeout_s=60)
QUEUES = (WORK_QUEUE, DOCUMENTS_QUEUE, PAYMENTS_QUEUE, WEBHOOK_EVENTS_QUEUE, WEBHOOKS_QUEUE, MARKETPLACE_QUEUE)
# AWS sends these to the seller account's default bus (us-east-1); the role suffix varies with the offer.
MARKETPLACE_SOURCE = "aws.agreement-marketplace"
MARKETPLACE_DETAIL_TYPES = (
    *(
        f"{what} - {role}"
        for what in ("Purchase Agreement Created", "Purchase Agreement Amended", "Purchase Agreement Ended")
        for role in ("Manufacturer", "Proposer")
    ),
    "License Updated - Manufacturer",
    "License Deprovisioned - Manufacturer",
)
DOCUMENTS_BUCKET = Bucket(id="Documents", object_lock=True)
BUCKETS = (DOCUMENTS_BUCKET,)
EVENT_BUS = "BillingEvents"
# Event rules: detail-types → queue. Documents renders and emails what was issued or happened to a
# payment; Payments charges what falls due.
EVENT_RULES = {
    "DocumentsOnFinalize": ((EventType.INVOICE_FINALIZED, EventType.CREDIT_NOTE_CREATED), "Documents"),
    "DocumentsOnPayments": (
        (
            EventType.RECEIPT_CREATED,
            EventType.PAYMENT_FAILED,
            EventType.PAYMENT_METHOD_ADDED,
            EventType.PAYMENT_METHOD_DEFAULT_CHANGED,
            EventType.PAYMENT_METHOD_REMOVED,
            EventType.INVOICE_PAYMENT_REMINDER,
            EventType.RECEIPTS_DIGEST_DUE,
            EventType.ACCOUNT_STATUS_CHANGED,
            EventType.SUBSCRIPTION_TRIAL_ENDING,
            EventType.BUDGET_THRESHOLD_CROSSED,
        ),
        "Documents",
    ),
    "ChargesOnDue": ((EventType.INVOICE_CHARGE_DUE,), "Payments"),
    "ReferralOnPaid": ((EventType.INVOICE_PAID,), "Payments"),  # a referee's first paid invoice credits its referrer
    "ResumeOnGoodStanding": ((EventType.ACCOUNT_STATUS_CHANGED,), "Payments"),  # billing stopped by dunning resumes
    "WebhooksOnEvery": (tuple(EventType), "WebhookEvents"),  # sellers' endpoints hear every event
}
# Stripe allows 25 requests/s: two copies of the payments function, each paced (billing/payments/pacing.py).
PAYMENTS_CONCURRENCY = 2
SCHEDULES = (
    Schedule(id="HourlyBillingRun", expression="rate(1 hour)", function="billing_run"),
    # Webhook retries are minutes apart at first: the sweep reads the due deliveries every minute.
    Schedule(id="WebhookRetries", expression="rate(1 minute)", function="webhook_delivery"),
)
_BILLING_TABLES = {"BILLING_TABLE": "Main"}
_STORE_ACTIONS: dict[str, tuple[str, ...]] = {
    "Main": (
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    )
}

FUNCTIONS = (
    Function(
        name="authorizer",
        description="API key to principal (REQUEST authorizer)",
        tables={"BILLING_TABLE": "Main"},
        memory_mb=256,
        table_actions={"Main": ("dynamodb:GetItem",)},
    ),
    Function(
        name="api",
        description="REST API: accounts, keys, catalog, subscriptions, usage, invoices, balance, payments",
        tables={"BILLING_TABLE": "Main", "BILLING_IDEMPOTENCY_TABLE": "Idempotency"},
        table_actions={"Main": _READ + _WRITE, "Idempotency": ("dynamodb:GetItem", *_WRITE)},
        buckets={"BILLING_DOCUMENTS_BUCKET": "Documents"},
        queues={"BILLING_WEBHOOKS_QUEUE": "Webhooks"},
        publishes_events=True,
        uses_stripe=True,
        # The fulfillment URL resolves the buyer; linking a registration reads its entitlements.
        marketplace_actions=("aws-marketplace:ResolveCustomer", "aws-marketplace:GetEntitlements"),
    ),
    Function(
        name="stripe_webhook",
        description="Stripe webhooks: verify the signature, remember the event id, queue it, answer 2xx",
        tables=_BILLING_TABLES,
        memory_mb=256,
        table_actions={"Main": ("dynamodb:PutItem", "dynamodb:DeleteItem")},
        queues={"BILLING_PAYMENTS_QUEUE": "Payments"},
        uses_stripe=True,
    ),
    Function(
        name="payments",
        description="Automatic charges (rate-limited) and Stripe events: payments, receipts, methods, refunds",
        tables=_BILLING_TABLES,
        table_actions=_STORE_ACTIONS,
        publishes_events=True,
        uses_stripe=True,
        timeout_s=60,
        triggers=(QueueTrigger("Payments", batch_size=10, max_concurrency=PAYMENTS_CONCURRENCY),),
    ),
    Function(
        name="billing_run",
        description="Hourly: find what is due through the DUE index and queue one message per object",
        tables=_BILLING_TABLES,
        table_actions={"Main": ("dynamodb:Query", "dynamodb:GetItem", "dynamodb:DeleteItem")},
        queues={"BILLING_WORK_QUEUE": "BillingWork"},
        publishes_events=True,
        timeout_s=300,
    ),
    Function(
        name="billing_worker",
        description="Renew one subscription period, close a usage period, finalize a draft, flag overdue",
        tables=_BILLING_TABLES,
        table_actions=_STORE_ACTIONS,
        publishes_events=True,
        marketplace_actions=("aws-marketplace:BatchMeterUsage",),  # a marketplace purchase's hourly usage
        timeout_s=60,
        triggers=(QueueTrigger("BillingWork"),),
    ),
    Function(
        name="documents",
        description="Invoice, credit note and receipt PDFs (reportlab) to S3; invoice, receipt and notice emails",
        tables=_BILLING_TABLES,
        table_actions=_STORE_ACTIONS,
        buckets={"BILLING_DOCUMENTS_BUCKET": "Documents"},
        sends_email=True,
        memory_mb=1024,
        timeout_s=60,
        triggers=(QueueTrigger("Documents", batch_size=5),),
    ),
    Function(
        name="webhook_delivery",
        description="Outgoing webhooks: record each event, POST it signed to each endpoint, retry for 3 days",
        tables=_BILLING_TABLES,
        table_actions={"Main": _READ + _WRITE},
        queues={"BILLING_WEBHOOKS_QUEUE": "Webhooks"},
        timeout_s=30,
        # Bus events are recorded ten a batch (no HTTP: the endpoints are read once a batch); each delivery is
        # one invocation, so an endpoint that never answers delays no other endpoint's events.
        triggers=(QueueTrigger("WebhookEvents", batch_size=10), QueueTrigger("Webhooks", batch_size=1)),
    ),
    Function(
        name="marketplace",
        description="AWS Marketplace agreement, license and SNS notices: kept, applied to the buyer's subscription",
        tables=_BILLING_TABLES,
        table_actions=_STORE_ACTIONS,
        publishes_events=True,
        marketplace_actions=("aws-marketplace:GetEntitlements",),
        timeout_s=30,
        triggers=(QueueTrigger("Marketplace", batch_size=1),),
    ),
)

ROUTES = (
    Route("GET", "/v1/health", "api", authorized=False),
    Route("GET", "/v1/openapi.json", "api", authorized=False),
    Route("GET", "/v1/docs", "api", authorized=False),  # the reference page (Swagger UI, no CDN)
    Route("POST", "/v1/accounts", "api"),
    Route("GET", "/v1/accounts", "api"),
    Route("GET", "/v1/accounts/{account_id}", "api"),
    Route("PATCH", "/v1/accounts/{account_id}", "api"),
    Route("POST", "/v1/accounts/{account_id}/api_keys", "api"),
    Route("GET", "/v1/accounts/{account_id}/api_keys", "api"),
    Route("DELETE", "/v1/accounts/{account_id}/api_keys/{key_id}", "api"),
    Route("GET", "/v1/accounts/{account_id}/balance", "api"),
    Route("GET", "/v1/accounts/{account_id}/balance_transactions", "api"),
    Route("POST", "/v1/accounts/{account_id}/balance_transactions", "api"),
    Route("POST", "/v1/products", "api"),
    Route("GET", "/v1/products", "api"),
    Route("GET", "/v1/products/{product_id}", "api"),
    Route("POST", "/v1/prices", "api"),
    Route("GET", "/v1/prices", "api"),
    Route("GET", "/v1/prices/{price_id}", "api"),
    Route("POST", "/v1/coupons", "api"),
    Route("GET", "/v1/coupons", "api"),
    Route("GET", "/v1/coupons/{coupon_id}", "api"),
    Route("POST", "/v1/promotion_codes", "api"),
    Route("GET", "/v1/promotion_codes", "api"),
    Route("POST", "/v1/subscriptions", "api"),
    Route("GET", "/v1/subscriptions", "api"),
    Route("GET", "/v1/subscriptions/{subscription_id}", "api"),
    Route("PATCH", "/v1/subscriptions/{subscription_id}", "api"),
    Route("POST", "/v1/subscriptions/{subscription_id}/cancel", "api"),
    Route("POST", "/v1/subscriptions/{subscription_id}/discount", "api"),
    Route("DELETE", "/v1/subscriptions/{subscription_id}/discount", "api"),
    Route("POST", "/v1/subscriptions/{subscription_id}/collection_method", "api"),
    Route("POST", "/v1/invoices/preview", "api"),
    Route("GET", "/v1/invoices", "api"),
    Route("GET", "/v1/invoices/{invoice_id}", "api"),
    Route("POST", "/v1/invoices/{invoice_id}/finalize", "api"),
    Route("POST", "/v1/invoices/{invoice_id}/void", "api"),
    Route("POST", "/v1/credit_notes", "api"),
    Route("GET", "/v1/credit_notes", "api"),
    Route("GET", "/v1/credit_notes/{credit_note_id}", "api"),
    Route("POST", "/v1/invoice_items", "api"),
    Route("POST", "/v1/usage_events", "api"),
    Route("GET", "/v1/usage_summaries", "api"),
    Route("GET", "/v1/accounts/{account_id}/usage_summaries", "api"),
    Route("GET", "/v1/accounts/{account_id}/forecast", "api"),
    Route("GET", "/v1/accounts/{account_id}/cost_allocation", "api"),
    Route("POST", "/v1/accounts/{account_id}/budgets", "api"),
    Route("GET", "/v1/accounts/{account_id}/budgets", "api"),
    Route("GET", "/v1/accounts/{account_id}/budgets/{budget_id}", "api"),
    Route("PATCH", "/v1/accounts/{account_id}/budgets/{budget_id}", "api"),
    Route("DELETE", "/v1/accounts/{account_id}/budgets/{budget_id}", "api"),
    Route("GET", "/v1/invoices/{invoice_id}/pdf", "api"),
    Route("GET", "/v1/invoices/{invoice_id}/xml", "api"),
    Route("GET", "/v1/credit_notes/{credit_note_id}/pdf", "api"),
    Route("GET", "/v1/credit_notes/{credit_note_id}/xml", "api"),
    Route("GET", "/v1/reports/e_reporting", "api"),
    Route("GET", "/v1/accounts/{account_id}/documents.zip", "api"),
    Route("POST", "/v1/accounts/{account_id}/setup_intents", "api"),
    Route("GET", "/v1/accounts/{account_id}/payment_methods", "api"),
    Route("POST", "/v1/accounts/{account_id}/payment_methods/{payment_method_id}/default", "api"),
    Route("DELETE", "/v1/accounts/{account_id}/payment_methods/{payment_method_id}", "api"),
    Route("POST", "/v1/payments", "api"),
    Route("GET", "/v1/payments", "api"),
    Route("GET", "/v1/payments/{payment_id}", "api"),
    Route("POST", "/v1/accounts/{account_id}/top_ups", "api"),
    Route("GET", "/v1/receipts", "api"),
    Route("GET", "/v1/receipts/{receipt_id}", "api"),
    Route("GET", "/v1/receipts/{receipt_id}/pdf", "api"),
    Route("POST", "/v1/webhook_endpoints", "api"),
    Route("GET", "/v1/webhook_endpoints", "api"),
    Route("GET", "/v1/webhook_endpoints/{endpoint_id}", "api"),
    Route("PATCH", "/v1/webhook_endpoints/{endpoint_id}", "api"),
    Route("DELETE", "/v1/webhook_endpoints/{endpoint_id}", "api"),
    Route("POST", "/v1/webhook_endpoints/{endpoint_id}/roll_secret", "api"),
    Route("GET", "/v1/webhook_endpoints/{endpoint_id}/deliveries", "api"),
    Route("GET", "/v1/events", "api"),
    Route("GET", "/v1/events/{event_id}", "api"),
    Route("POST", "/v1/events/{event_id}/resend", "api"),
    Route("POST", "/v1/marketplace/registrations/{registration_id}/link", "api"),
    Route("GET", "/v1/subscriptions/{subscription_id}/marketplace_metering", "api"),
    # The buyer's browser, sent by AWS Marketplace: the registration token is the credential.
    Route("POST", "/marketplace/register", "api", authorized=False),
    Route("POST", "/v1/portal_sessions", "api"),
    Route("DELETE", "/v1/accounts/{account_id}/portal_sessions/{session_id}", "api"),
    # The billing portal's page: the one-time token of its URL is the credential.
    Route("POST", "/portal/session", "api", authorized=False),
    # Stripe authenticates by signature, not by API key.
    Route("POST", "/webhooks/stripe", "stripe_webhook", authorized=False),
)

# API Gateway's own refusals, reshaped to our problem+json (keys are API Gateway response types).
GATEWAY_PROBLEMS = {
    "UNAUTHORIZED": GatewayProblem(401, ErrorCode.INVALID_API_KEY, "Send a valid API key as 'Authorization: Bearer'."),
    "ACCESS_DENIED": GatewayProblem(403, ErrorCode.ACCESS_DENIED, "This API key may not call this route."),
    # API Gateway answers an unknown path with 403 "Missing Authentication Token"; we say 404.
    "MISSING_AUTHENTICATION_TOKEN": GatewayProblem(404, ErrorCode.ROUTE_NOT_FOUND, "No such route."),
    "THROTTLED": GatewayProblem(429, ErrorCode.THROTTLED, "Too many requests; retry with backoff."),
    "REQUEST_TOO_LARGE": GatewayProblem(413, ErrorCode.BODY_TOO_LARGE, "The request body is too large."),
}

AUTHORIZER = "authorizer"
API_STAGE = "v1"


def function(name: str) -> Function:
    return next(f for f in FUNCTIONS if f.name == name)
