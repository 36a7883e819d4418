"""The whole backend on this machine: emulators, resources, operator key, API gateway."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

from billing.accounts.key_secrets import SECRET_PREFIX
from billing.documents.local_seller import LOCAL_SELLER
from local.emulators import LOOPBACK, Emulators, start_emulators
from local.gateway import Gateway, serve
from local.mailbox import emails_request
from local.marketplace import marketplace_routes
from local.persistence import StateDir
from local.portal_files import PREFIX as PORTAL_PREFIX
from local.portal_files import portal_files
from local.provision import LOCAL_STRIPE_KEY, provision, provision_messaging
from local.scheduler import LocalTriggers, clock_reading, clock_request

POWERTOOLS_ENV = {
    "POWERTOOLS_SERVICE_NAME": "billing",
    "POWERTOOLS_METRICS_NAMESPACE": "Billing",
    # X-Ray has no local daemon; metrics still print as EMF lines.
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}

LOCAL_LOCK_MODE = "GOVERNANCE"

# This process answers every AWS request (moto), every API call (the gateway) and every queue (the triggers),
# each a thread that mostly waits on a socket. Python hands the GIL to a thread whose socket became ready
# only after the running one held it this long (5 ms by default): with the emulator busy, each request's
# hops waited for it, and a billing run's containers with them (measured: ~13 % more invoices a second, a
# tenth less idle CPU, at 0.5 ms; 0.2 ms and 1 ms did less well).
GIL_SWITCH_S = 0.0005


@dataclass
class LocalBackend:
    port: int = 0
    operator_key: str | None = None
    aws_endpoint: str | None = None
    table_prefix: str = "billing-local"
    url: str = ""
    tables: dict[str, str] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)
    triggers: LocalTriggers | None = None
    tick_seconds: float | None = None  # `make run`: run what falls due in real time
    # Containers per function at most (local/gateway.py): concurrent requests run in parallel, as on Lambda.
    concurrency: int = 1
    # A folder to keep the emulators' state and the clock in across restarts (moto only: local/persistence.py).
    state_dir: str | None = None
    _emulators: Emulators | None = None
    _server: ThreadingHTTPServer | None = None
    _gateway: Gateway | None = None
    _state: StateDir | None = None
    _saved_env: dict[str, str | None] = field(default_factory=dict)

    def start(self) -> LocalBackend:
        sys.setswitchinterval(GIL_SWITCH_S)
        keep = self.state_dir if self.aws_endpoint is None else None
        stripe_state = str(Path(keep) / "stripe.pickle") if keep else None
        self._emulators = start_emulators(self.aws_endpoint, stripe_state)
        restored = False
        if keep:
            self._state = StateDir(keep, self._emulators.stripe_endpoint)
            restored = self._state.restore()
        self._set_env(self._emulators.env)
        self.tables = provision(self._emulators.aws_endpoint, self.table_prefix)
        self.resources = provision_messaging(self._emulators.aws_endpoint, self.table_prefix)
        self._set_env(
            POWERTOOLS_ENV
            | {
                "BILLING_TABLE": self.tables["Main"],
                "BILLING_IDEMPOTENCY_TABLE": self.tables["Idempotency"],
                "BILLING_CORS_ORIGINS": os.environ.get("BILLING_CORS_ORIGINS", "http://localhost:5173"),
                "BILLING_WORK_QUEUE": self.resources["queue:BillingWork"],
                "BILLING_PAYMENTS_QUEUE": self.resources["queue:Payments"],
                "BILLING_WEBHOOKS_QUEUE": self.resources["queue:Webhooks"],
                "BILLING_STRIPE_SECRET": self.resources["secret:stripe"],
                "BILLING_DOCUMENTS_BUCKET": self.resources["bucket:Documents"],
                "BILLING_EVENT_BUS": self.resources["bus"],
                "BILLING_EMAIL_SENDER": self.resources["sender"],
                "BILLING_SELLER": LOCAL_SELLER.model_dump_json(),
                # Locked as in prod, but in the mode that lets a local state be thrown away.
                "BILLING_DOCUMENT_LOCK_MODE": LOCAL_LOCK_MODE,
            }
        )
        self.operator_key = seed_operator_key(self.operator_key)
        gateway = self._gateway = Gateway(concurrency=self.concurrency)
        self.triggers = LocalTriggers(gateway, self.resources, self.tables["Main"], self._emulators.aws_endpoint)
        triggers = self.triggers
        if self._state is not None:
            saved_now = self._state.saved_now() if restored else None
            if saved_now is not None:
                triggers.clock.advance_to(saved_now)  # time never goes back across a restart
            triggers.after_step = self._state.snapshot
        gateway.local_routes[("POST", "/_local/clock")] = lambda _, body: clock_request(triggers, body)
        gateway.local_routes[("GET", "/_local/clock")] = lambda *_: clock_reading(triggers)
        aws_endpoint = self._emulators.aws_endpoint
        gateway.local_routes[("GET", "/_local/emails")] = lambda query, _: emails_request(aws_endpoint, query)
        gateway.local_routes[("GET", "/_local/endpoints")] = lambda *_: self.endpoints_answer()
        gateway.file_routes[PORTAL_PREFIX] = portal_files(self._emulators.stripe_endpoint)
        gateway.local_routes |= marketplace_routes(
            aws_endpoint, self._emulators.marketplace_endpoint, self.resources["queue:Marketplace"]
        )
        if self.tick_seconds:
            threading.Thread(target=triggers.tick_forever, args=(self.tick_seconds,), daemon=True).start()
        self._server = serve(gateway, LOOPBACK, self.port)
        self.port = self._server.server_address[1]
        self.url = f"http://{LOOPBACK}:{self.port}"
        # A buyer registered through /marketplace/register lands here (a seller's page, deployed); a portal
        # session's link leads to the portal this backend serves.
        self._set_env(
            {
                "BILLING_MARKETPLACE_LANDING_URL": os.environ.get(
                    "BILLING_MARKETPLACE_LANDING_URL", f"{self.url}/v1/docs"
                ),
                "BILLING_PORTAL_URL": os.environ.get("BILLING_PORTAL_URL", f"{self.url}/portal/"),
            }
        )
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        register_stripe_webhook(
            self._emulators.stripe_endpoint, f"{self.url}/webhooks/stripe", self.resources["stripe-webhook-secret"]
        )
        return self

    @property
    def aws_endpoint_url(self) -> str:
        assert self._emulators is not None
        return self._emulators.aws_endpoint

    @property
    def marketplace_endpoint_url(self) -> str:
        assert self._emulators is not None
        return self._emulators.marketplace_endpoint

    @property
    def chorus_pro_endpoint_url(self) -> str:
        assert self._emulators is not None
        return self._emulators.chorus_pro_endpoint

    @property
    def stripe_endpoint_url(self) -> str:
        assert self._emulators is not None
        return self._emulators.stripe_endpoint

    def endpoints_answer(self) -> tuple[int, dict[str, str], bytes]:
        """``GET /_local/endpoints``: where the emulators listen (their ports change at each start), for scripts
        that play the browser's part (Stripe.js confirming a SetupIntent) or read AWS directly."""
        endpoints = {
            "api": f"{self.url}/v1",
            "aws": self.aws_endpoint_url,
            "stripe": self.stripe_endpoint_url,
            "stripe_secret_key": LOCAL_STRIPE_KEY,
            "stripe_webhook_secret": self.resources["stripe-webhook-secret"],  # to replay a delivery
            "emails": f"{self.url}/_local/emails",
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(endpoints).encode()

    def stop(self) -> dict[str, float]:
        """Stop everything it started; returns the seconds each part took (`make run` prints them)."""
        took: dict[str, float] = {}
        started = time.monotonic()
        if self.triggers is not None:
            if self._state is not None:
                self._state.snapshot(self.triggers.clock.now())
                took["snapshot"], started = time.monotonic() - started, time.monotonic()
            self.triggers.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        took["gateway"], started = time.monotonic() - started, time.monotonic()
        if self._gateway is not None:
            self._gateway.functions.stop()
        took["containers"], started = time.monotonic() - started, time.monotonic()
        if self._emulators is not None:
            self._emulators.stop()
        took["emulators"] = time.monotonic() - started
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        return took

    def _set_env(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ[name] = value


def register_stripe_webhook(stripe_endpoint: str, url: str, secret: str) -> None:
    """Tell localstripe where to deliver signed events (Stripe's dashboard does this for a real account)."""
    data = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
    request = urllib.request.Request(f"{stripe_endpoint}/_config/webhooks/billing", data=data, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback emulator
        response.read()


def seed_operator_key(secret: str | None) -> str:
    """Store an operator key in the table (the given one, or a new one) and return its secret."""
    from billing.accounts.issue_api_key import issue_operator_key
    from billing.adapters.dynamodb_api_keys import DynamoApiKeyRepository
    from billing.adapters.dynamodb_tables import bind_table
    from billing.clock import SystemClock

    if secret is not None and (not secret.startswith(SECRET_PREFIX) or len(secret) < 24):
        raise SystemExit(f"BILLING_OPERATOR_KEY must start with {SECRET_PREFIX!r} and be 24+ characters")
    bind_table(os.environ["BILLING_TABLE"])
    repository = DynamoApiKeyRepository()
    if secret is not None:
        from billing.accounts.key_secrets import hash_secret

        if repository.find_by_hash(hash_secret(secret)) is not None:
            return secret
    return issue_operator_key(repository, SystemClock(), secret).secret
