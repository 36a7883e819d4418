"""Run localstripe on loopback only (its own CLI listens on every interface), closer to Stripe.

localstripe leaves out a few things Stripe documents and our code relies on; they are added here, in
the emulator, never in our code:
- ``Idempotency-Key``: Stripe answers a repeated POST with the first answer for 24 hours
  (docs.stripe.com/api/idempotent_requests); localstripe ignores the header.
- a SEPA debit's charge is ``pending`` (its intent ``processing``) until it settles; localstripe
  reports it succeeded at once and only its webhook comes later.
- events Stripe sends and localstripe does not: ``setup_intent.succeeded`` when a SetupIntent is
  confirmed, ``payment_intent.processing`` when a debit (SEPA) starts, ``charge.refunded`` on a refund.
- SetupIntents for ``us_bank_account`` (ACH) and ``paypal``, which localstripe refuses to create.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
from typing import Any

from aiohttp import web
from localstripe import resources
from localstripe.resources import Charge, Event, PaymentIntent, Refund, SetupIntent
from localstripe.webhooks import schedule_webhook

_answers: dict[tuple[str, str], tuple[int, bytes, str]] = {}


@web.middleware
async def idempotency(request: web.Request, handler: Any) -> web.StreamResponse:
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key:
        return await handler(request)
    scope = (hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest(), key)
    if scope in _answers:
        status, body, content_type = _answers[scope]
        return web.Response(
            status=status, body=body, content_type=content_type, headers={"Idempotent-Replayed": "true"}
        )
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    if isinstance(response, web.Response) and response.status < 500 and response.body is not None:
        body = response.body if isinstance(response.body, bytes) else bytes(response.body)  # type: ignore[arg-type]
        _answers[scope] = (response.status, body, response.content_type)
    return response


def _extend_events() -> None:
    confirm_setup = SetupIntent._api_confirm.__func__

    def confirm(cls: type, id: str, **kwargs: Any) -> Any:
        intent = confirm_setup(cls, id, **kwargs)
        if intent.status == "succeeded":
            schedule_webhook(Event("setup_intent.succeeded", intent))
        return intent

    SetupIntent._api_confirm = classmethod(confirm)
    # The server registers these routes when imported: point the entry at the extended method first.
    resources.extra_apis[:] = [
        (method, url, SetupIntent._api_confirm if url == "/v1/setup_intents/{id}/confirm" else func)
        for method, url, func in resources.extra_apis
    ]

    create_charge = PaymentIntent._create_charge

    def charge(self: Any, on_failure_now: Any) -> None:
        create_charge(self, on_failure_now)
        if self.status == "processing":
            schedule_webhook(Event("payment_intent.processing", self))

    PaymentIntent._create_charge = charge

    initialize_charge = Charge._initialize_charge

    def initialize(self: Any, *args: Any, **kwargs: Any) -> None:
        initialize_charge(self, *args, **kwargs)
        if self._authorized and self._is_async_payment_method() and self.balance_transaction is None:
            self.status = "pending"  # a debit is pending until the bank settles (localstripe: 0.5 s later)

    Charge._initialize_charge = initialize

    refund_init = Refund.__init__

    def refund(self: Any, *args: Any, **kwargs: Any) -> None:
        refund_init(self, *args, **kwargs)
        schedule_webhook(Event("charge.refunded", Charge._api_retrieve(self.charge)))

    Refund.__init__ = refund

    setup_init = SetupIntent.__init__

    def setup(self: Any, *args: Any, payment_method_types: list[str] | None = None, **kwargs: Any) -> None:
        extra = [t for t in payment_method_types or [] if t in ("us_bank_account", "paypal")]
        known = [t for t in payment_method_types or [] if t not in extra] or None
        setup_init(self, *args, payment_method_types=known, **kwargs)
        if extra:
            self.payment_method_types = [*self.payment_method_types, *extra]

    SetupIntent.__init__ = setup


def _keep_state(state_file: str | None) -> Any:
    """localstripe pickles its whole store to /tmp/localstripe.pickle after every write (time growing with the
    store, one file shared by every backend on the machine). Here: nothing per write; with ``state_file``,
    the store and the idempotent answers are loaded at start and saved on ``POST /_config/snapshot``
    (`make run` with BILLING_STATE_DIR snapshots every emulator at once)."""
    resources.Store.dump_to_disk = lambda self: None
    if state_file and os.path.exists(state_file):
        with open(state_file, "rb") as saved:
            store, answers = pickle.load(saved)  # noqa: S301 - our own file, written below
        resources.store.update(store)
        _answers.update(answers)

    async def snapshot(_: web.Request) -> web.Response:
        if not state_file:
            return web.json_response({"saved": False}, status=400)
        written = f"{state_file}.tmp"
        with open(written, "wb") as out:
            pickle.dump((dict(resources.store), dict(_answers)), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(written, state_file)
        return web.json_response({"saved": True})

    return snapshot


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-file", help="keep the store across restarts (POST /_config/snapshot saves it)")
    args = parser.parse_args()
    _extend_events()
    snapshot = _keep_state(args.state_file)
    from localstripe.server import app  # after the extensions: it registers routes on import

    app.router.add_post("/_config/snapshot", snapshot)
    app.middlewares.insert(0, idempotency)  # outermost: declines (402) replay too, as at Stripe
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
