"""The whole backend in one process, on the in-memory fakes: no socket, no emulator.

The API is the real Powertools resolver fed API Gateway proxy events; what a deployed stack does between
functions is done here by the same code paths: committed events are published and handed to the
functions the bus rules name (infra/manifest.py's EVENT_RULES), Stripe's webhooks go through the
webhook intake and the payments worker, and a billing run queues what is due and works each message.
Time only moves when a test says so.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from billing.accounts.access import Permission, Principal, Role
from billing.accounts.authenticate import authenticate_caller
from billing.adapters import facturx_documents
from billing.adapters.pdf_reportlab import render_pdf
from billing.adapters.stripe_signatures import StripeSignatures
from billing.batch import PendingEvents
from billing.clock import FixedClock
from billing.documents.local_seller import LOCAL_SELLER
from billing.documents.on_event import react as react_to_document_event
from billing.documents.services import DocumentServices
from billing.errors import AuthenticationError
from billing.events import DomainEvent, EventType
from billing.http.app import build_app
from billing.http.services import ApiServices
from billing.http.webhook import receive_webhook
from billing.marketplace.receive_notice import receive_notice
from billing.payments.on_event import react as react_to_payments_message
from billing.payments.receive_event import receive_event
from billing.payments.record_payment import PaymentServices
from billing.runs.process_due import process_due
from billing.runs.publish_events import publish_events
from billing.runs.run_billing import RunReport, run_billing
from billing.runs.shards import DUE_SHARDS
from billing.settings import ApiSettings
from billing.subscriptions.services import Services
from billing.webhooks.deliver_event import deliver_event
from billing.webhooks.record_event import record_event
from billing.webhooks.retry_deliveries import retry_deliveries
from billing.webhooks.services import WebhookServices
from infra.manifest import EVENT_RULES
from local.gateway import Gateway
from local.scheduler import next_minute_at, next_run_at
from tests.builders import proxy_event
from tests.fakes import InMemoryAccounts, InMemoryIdempotency, InMemoryKeys, InMemoryPortalSessions
from tests.fakes.billing_store import InMemoryBillingStore, InMemoryUsageStore
from tests.fakes.marketplace import FakeMarketplace
from tests.fakes.outside import InMemoryDocuments, InMemoryPlatform, RecordingMailer, RecordingPublisher, RecordingQueue
from tests.fakes.payments import WEBHOOK_SECRET, FakePaymentGateway
from tests.fakes.webhooks import InMemoryWebhookStore, ScriptedReceiver

START = datetime(2026, 3, 1, 9, tzinfo=UTC)
OPERATOR = Principal(role=Role.OPERATOR, key_id="key_operator")
_RULE_TARGETS: dict[EventType, list[str]] = {}
for _types, _target in EVENT_RULES.values():
    for _event_type in _types:
        _RULE_TARGETS.setdefault(_event_type, []).append(_target)


def owner_of(account_id: str) -> Principal:
    return Principal(
        role=Role.OWNER, key_id=f"key_{account_id}", account_id=account_id, permissions=frozenset(Permission)
    )


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any

    def ok(self, status: int = 200) -> Any:
        assert self.status == status, (self.status, self.body)
        return self.body

    def problem(self, status: int, code: str) -> dict[str, Any]:
        assert (self.status, self.headers.get("Content-Type")) == (status, "application/problem+json"), self
        assert self.body["code"] == code, self.body
        return dict(self.body)


_GATEWAY = Gateway()  # the local API Gateway's route table and refusals; its functions are never loaded here


def _route(method: str, path: str) -> Any:
    found = _GATEWAY.match(method, path)
    assert found is not None, f"no route {method} {path} in infra/manifest.py"
    return found


def _gateway_problem(kind: str) -> Answer:
    status, headers, body = _GATEWAY.gateway_problem(kind)
    return Answer(status, headers, json.loads(body))


class World:
    def __init__(self, start: datetime = START) -> None:
        self.clock = FixedClock(start)
        self.accounts = InMemoryAccounts()
        self.keys = InMemoryKeys()
        self.portal_sessions = InMemoryPortalSessions()
        self.pending = PendingEvents()
        self.store = InMemoryBillingStore(self.accounts, on_commit=self.pending)
        self.usage = InMemoryUsageStore()
        self.gateway = FakePaymentGateway()
        self.signatures = StripeSignatures(lambda: WEBHOOK_SECRET)
        self.publisher = RecordingPublisher()
        self.work_queue = RecordingQueue()
        self.payments_queue = RecordingQueue()
        self.documents = InMemoryDocuments()
        self.chorus_pro = InMemoryPlatform()
        self.mailer = RecordingMailer()
        self.webhook_store = InMemoryWebhookStore()
        self.receiver = ScriptedReceiver()  # every seller endpoint: answers 200 unless scripted otherwise
        self.webhooks_queue = RecordingQueue()
        self.webhook_services = WebhookServices(
            store=self.webhook_store, clock=self.clock, queue=self.webhooks_queue, sender=self.receiver
        )
        self.marketplace = FakeMarketplace()
        self.api_services = ApiServices(
            marketplace=lambda: self.marketplace,
            marketplace_landing_url="https://app.example.com/aws/welcome",
            portal_sessions=self.portal_sessions,
            portal_url="https://billing.example.com/portal/",
            webhook_store=self.webhook_store,
            webhook_queue=self.webhooks_queue,
            clock=self.clock,
            accounts=self.accounts,
            keys=self.keys,
            idempotency=InMemoryIdempotency(),
            store=self.store,
            usage=self.usage,
            documents=self.documents,
            payment_gateway=lambda: self.gateway,
        )
        self.billing = Services(
            store=self.store,
            accounts=self.accounts,
            usage=self.usage,
            clock=self.clock,
            marketplace=self.marketplace,
            platform=self.chorus_pro,
        )
        self.payment_services = PaymentServices(
            store=self.store, accounts=self.accounts, clock=self.clock, gateway=self.gateway
        )
        self.document_services = DocumentServices(
            store=self.store,
            accounts=self.accounts,
            storage=self.documents,
            mailer=self.mailer,
            render=render_pdf,
            seller=LOCAL_SELLER,
            einvoice=facturx_documents,
            clock=self.clock,
            platform=self.chorus_pro,
        )
        self.app = build_app(ApiSettings(table="memory", idempotency_table="memory"))
        self.problems_answered: set[tuple[str, str, str]] = set()  # (method, route, code), for the catalogue

    # --- the API ----------------------------------------------------------------------------------
    def call(
        self,
        method: str,
        target: str,
        principal: Principal | None = OPERATOR,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        url = urlsplit(target)
        found = _route(method, url.path)
        route, parameters = found.route, found.path_parameters
        event = proxy_event(method, url.path, route.path, body, principal, headers, parameters or None)
        if route.function == "stripe_webhook":
            response, _ = receive_webhook(self.signatures, self.store, self.payments_queue, event, self.clock.now())
            self._work_payments_queue()
            return self._answer(response)
        if url.query:
            query = parse_qs(url.query, keep_blank_values=True)
            event["queryStringParameters"] = {k: v[-1] for k, v in query.items()}
            event["multiValueQueryStringParameters"] = query
        self.app.append_context(services=self.api_services)
        response = self.app.resolve(event, None)
        self.settle()
        answer = self._answer(response)
        if answer.status >= 400 and isinstance(answer.body, dict):
            self.problems_answered.add((method, route.path, str(answer.body.get("code"))))
        return answer

    @staticmethod
    def _answer(response: dict[str, Any]) -> Answer:
        out = {k: str(v) for k, v in (response.get("headers") or {}).items()}
        out |= {k: ", ".join(v) for k, v in (response.get("multiValueHeaders") or {}).items()}
        text = response.get("body") or ""
        is_json = "json" in out.get("Content-Type", "")
        return Answer(int(response["statusCode"]), out, json.loads(text) if text and is_json else text)

    def request(
        self,
        method: str,
        path: str,
        secret: str | None,
        body: Any = None,
        params: dict[str, Any] | None = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """A call as a client with an API key makes it: the gateway's checks, then the API."""
        if (method, path) == ("POST", "/_local/clock"):  # local mode's clock route (local/scheduler.py)
            instant = datetime.fromisoformat(str(body["advance_to"]).replace("Z", "+00:00"))
            return Answer(200, {"Content-Type": "application/json"}, self.advance_to(instant))
        principal = None
        found = _GATEWAY.match(method, urlsplit(path).path)
        if found is None:
            return _gateway_problem("MISSING_AUTHENTICATION_TOKEN")
        route = found.route
        if route.authorized:
            try:
                authorization = f"Bearer {secret}" if secret else None
                principal = authenticate_caller(self.keys, self.portal_sessions, self.clock, authorization)
            except AuthenticationError:
                return _gateway_problem("UNAUTHORIZED")
        if params:
            path = f"{path}{'&' if '?' in path else '?'}{urlencode(params)}"
        if data is not None:
            body = data.decode() if isinstance(data, bytes) else data
        elif body is not None:
            body = json.dumps(body)
        return self.call(method, path, principal, body, headers)

    def get(self, target: str, principal: Principal | None = OPERATOR) -> Answer:
        return self.call("GET", target, principal)

    def post(self, target: str, body: Any = None, principal: Principal | None = OPERATOR, **kw: Any) -> Answer:
        return self.call("POST", target, principal, body, **kw)

    def patch(self, target: str, body: Any = None, principal: Principal | None = OPERATOR) -> Answer:
        return self.call("PATCH", target, principal, body)

    def delete(self, target: str, principal: Principal | None = OPERATOR) -> Answer:
        return self.call("DELETE", target, principal)

    # --- what happens between functions ---------------------------------------------------------------
    def settle(self) -> None:
        """Publish what was committed, run the functions the bus feeds, deliver Stripe's webhooks, until
        nothing is left (a receipt's email follows the payment that a webhook booked, and so on)."""
        while True:
            self._work_webhooks_queue()
            events = self.pending.take()
            webhooks = self.gateway.take_sent()
            if not events and not webhooks:
                return
            publish_events(events, self.store, self.publisher)
            for event in events:
                self.deliver_event(event)
            for payload, signature in webhooks:
                self.deliver_webhook(payload, signature)

    def deliver_event(self, event: DomainEvent) -> None:
        """One bus event to every function its rules name (a redelivery, when a test calls it again)."""
        for target in _RULE_TARGETS.get(EventType(event.type), []):
            if target == "Documents":
                react_to_document_event(self.document_services, str(event.type), event.bus_detail())
            elif target == "Payments":
                envelope = {"detail-type": str(event.type), "source": "billing", "detail": event.bus_detail()}
                react_to_payments_message(self.payment_services, envelope)
            elif target == "WebhookEvents":
                record_event(self.webhook_services, str(event.type), event.bus_detail(), event.at)
                self._work_webhooks_queue()

    def _work_webhooks_queue(self) -> None:
        """The delivery function on each queued message: one attempt each."""
        for message in self.webhooks_queue.take():
            deliver_event(self.webhook_services, str(message["event"]), str(message["endpoint"]))

    def deliver_marketplace(self, message: dict[str, Any]) -> None:
        """One message of the marketplace queue (an EventBridge event or an SNS envelope) to its function."""
        receive_notice(self.store, self.marketplace, message, self.clock.now())
        self.settle()

    def deliver_webhook(self, payload: bytes, signature: str | None) -> bool:
        """Stripe's delivery through the intake (signature, dedup, queue) and the payments worker."""
        fresh = receive_event(self.signatures, self.store, self.payments_queue, payload, signature, self.clock.now())
        self._work_payments_queue()
        return fresh

    def _work_payments_queue(self) -> None:
        for message in self.payments_queue.take():
            react_to_payments_message(self.payment_services, message)
        self.settle()

    def run_billing(self) -> RunReport:
        """The scheduled runs: the hourly billing run, then the worker on every message it queued; the
        webhook retry sweep, then the delivery function on each retry."""
        report = run_billing(self.store, self.work_queue, self.publisher, self.clock, DUE_SHARDS)
        for message in self.work_queue.take():
            process_due(self.billing, str(message["kind"]), str(message["id"]))
        retry_deliveries(self.webhook_services)
        self.settle()
        return report

    def earliest_due(self) -> datetime | None:
        """When a schedule next has work: the hour after something falls due (billing run), or the
        minute a webhook retry falls due (the one-minute sweep)."""
        until, now = datetime.max.replace(tzinfo=UTC), self.clock.now()
        due = [
            self._due_at(kind, object_id)
            for shard in range(DUE_SHARDS)
            for kind, object_id in self.store.due(shard, until)
        ]
        fires = [next_run_at(at, now) for at in due if at is not None]
        for event_id, endpoint_id in self.webhook_store.due_deliveries(until):
            delivery = self.webhook_store.get_delivery(event_id, endpoint_id)
            if delivery is not None and delivery.next_attempt_at is not None:
                fires.append(next_minute_at(delivery.next_attempt_at, now))
        return min(fires, default=None)

    def _due_at(self, kind: str, object_id: str) -> datetime | None:
        if kind == "subscription":
            subscription = self.store.get_subscription(object_id)
            return subscription.next_due() if subscription else None
        if kind == "invoice":
            invoice = self.store.get_invoice(object_id)
            return invoice.next_due() if invoice else None
        if kind == "marketplace_registration":
            registration = self.store.get_registration(object_id)
            return registration.next_due() if registration else None
        if kind == "budget":
            budget = self.store.get_budget(object_id)
            return budget.next_due() if budget else None
        digest = self.store.get_digest(object_id)
        return digest.due_at if digest else None

    def advance_to(self, target: datetime) -> dict[str, Any]:
        """What ``POST /_local/clock`` does (local/scheduler.py): the hourly run at each hour at which
        something falls due, up to ``target``, then once at ``target``."""
        runs = 0
        while (fire := self.earliest_due()) is not None:
            if fire > target:
                break
            self.clock.advance_to(fire)
            self.run_billing()
            runs += 1
        self.clock.advance_to(max(target, self.clock.now()))
        self.run_billing()
        return {"now": self.clock.now().isoformat(), "runs": runs + 1}

    def snapshot(self) -> Any:
        """Everything stored, sent or published, copied: equal before and after means nothing changed."""
        return copy.deepcopy(
            (
                self.store.tables,
                self.accounts.items,
                self.usage.items,
                self.keys.by_hash,
                self.portal_sessions.sessions,
                self.webhook_store.endpoints,
                self.webhook_store.events,
                self.webhook_store.deliveries,
                len(self.publisher.published),
                len(self.mailer.sent),
            )
        )

    def event_log(self) -> list[dict[str, Any]]:
        """The bus's events as a rule's target receives them (EventBridge's envelope)."""
        return [
            {
                "detail-type": str(e.type),
                "source": "billing",
                "detail": e.bus_detail(),
            }
            for e in self.publisher.published
        ]


class Response:
    """The part of ``requests.Response`` the API tests read."""

    def __init__(self, answer: Answer) -> None:
        self.status_code = answer.status
        self.headers = answer.headers
        self.text = answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
        self.content = self.text.encode()

    def json(self) -> Any:
        return json.loads(self.text)


class Client:
    """An API caller holding one key, with the ``requests`` calling convention the API tests use.

    The key goes through the authorizer's own use case (``authenticate``): an unknown key is the
    gateway's 401, as deployed."""

    def __init__(self, world: World, secret: str | None) -> None:
        self.world = world
        self.secret = secret

    def __getattr__(self, method: str) -> Any:
        def call(path: str, json: Any = None, params: dict[str, Any] | None = None, data: Any = None,
                 headers: dict[str, str] | None = None, **_: Any) -> Response:  # fmt: skip
            return Response(self.world.request(method.upper(), path, self.secret, json, params, data, headers))

        return call
