"""Stripe, the payment provider: the only module importing ``stripe``, and only when it first calls Stripe.

Most messages of the payments function never call Stripe: the webhook's payment-intent events, invoice.paid,
account changes (their snapshots are read from plain dicts). Importing the SDK costs ~40 ms (it loads
``requests`` and ``asyncio`` with it), and its first client and PaymentIntent class ~20 ms more, so a cold
start pays for them only with its first Stripe call (a charge, a refund, a setup, a charge's refunds).

Every call that creates something carries an idempotency key from our state, so a Lambda retry gets
Stripe's first answer back instead of a second object. Stripe's objects are translated here into the
domain's snapshots; declines come back as failed snapshots, other Stripe errors as our errors.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from types import ModuleType
from typing import TYPE_CHECKING, Any

from billing.adapters.stripe_signatures import stripe_keys
from billing.errors import ErrorCode, InvalidInputError, PaymentDeclinedError, ProviderUnavailableError
from billing.payments.dunning import HARD_DECLINES
from billing.payments.models import (
    ChargeRequest,
    ChargeSnapshot,
    Failure,
    IntentSnapshot,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    RefundSnapshot,
    SetupIntentInfo,
    SetupSnapshot,
)
from billing.payments.pacing import Pacer

if TYPE_CHECKING:
    import stripe

_STATUSES = {
    "succeeded": PaymentStatus.SUCCEEDED,
    "processing": PaymentStatus.PROCESSING,
    "canceled": PaymentStatus.FAILED,
    "requires_action": PaymentStatus.REQUIRES_ACTION,
}


def _sdk() -> ModuleType:
    """The ``stripe`` package, imported on first use (see above); its error classes are looked up through it
    in ``except`` clauses, which Python evaluates only when an error is raised."""
    import stripe

    return stripe


def _dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value  # events arrive as plain dicts: reading them needs no SDK
    # The SDK's answers are StripeObjects: to_dict turns them, and their nested objects, into plain dicts.
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else {}


def _id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    return _dict(value).get("id")


def intent_snapshot(data: dict[str, Any]) -> IntentSnapshot:
    """A PaymentIntent object (API answer or event) as the domain's snapshot."""
    metadata = {str(k): str(v) for k, v in _dict(data.get("metadata")).items()}
    error = _dict(data.get("last_payment_error"))
    status = _STATUSES.get(str(data.get("status")))
    if data.get("status") == "requires_payment_method" and error:
        status = PaymentStatus.FAILED
    failure = None
    if status is PaymentStatus.FAILED:
        code = str(error.get("decline_code") or error.get("code") or data.get("status") or "payment_failed")
        failure = Failure(code, str(error.get("message") or "The payment failed."), code in HARD_DECLINES)
    purpose = metadata.get("purpose")
    method = data.get("payment_method")
    return IntentSnapshot(
        provider_id=_id(data),
        status=status,
        amount=int(data.get("amount") or 0),
        currency=str(data.get("currency") or "").upper(),
        payment_id=metadata.get("payment"),
        account_id=metadata.get("account"),
        purpose=PaymentPurpose(purpose) if purpose in set(PaymentPurpose) else None,
        invoice_id=metadata.get("invoice"),
        attempt=int(metadata["attempt"]) if metadata.get("attempt", "").isdigit() else None,
        method_id=_id(method),
        method_type=_dict(method).get("type"),
        failure=failure,
        metadata=metadata,
        client_secret=data.get("client_secret") if status is PaymentStatus.REQUIRES_ACTION else None,
    )


def setup_snapshot(data: dict[str, Any]) -> SetupSnapshot:
    metadata = _dict(data.get("metadata"))
    return SetupSnapshot(
        setup_id=str(data.get("id")),
        account_id=metadata.get("account"),
        customer_id=_id(data.get("customer")),
        method_id=_id(data.get("payment_method")),
        succeeded=data.get("status") == "succeeded",
    )


def method_snapshot(data: dict[str, Any]) -> PaymentMethod:
    kind = str(data.get("type", "card"))
    details = _dict(data.get(kind))
    return PaymentMethod(
        id=str(data["id"]),
        type=kind,
        created=datetime.fromtimestamp(int(data.get("created") or time.time()), UTC),
        brand=details.get("brand") or details.get("bank_name"),
        last4=details.get("last4"),
        exp_month=details.get("exp_month"),
        exp_year=details.get("exp_year"),
    )


def charge_outcome(snapshot: IntentSnapshot, request: ChargeRequest) -> IntentSnapshot:
    """What a confirmed intent means for this charge."""
    if request.off_session and snapshot.status is PaymentStatus.REQUIRES_ACTION:
        # Nobody is there to authenticate: Stripe calls this a decline (authentication_required).
        failure = Failure("authentication_required", "The bank asks the cardholder to authenticate.", False)
        return replace(snapshot, status=PaymentStatus.FAILED, failure=failure, client_secret=None)
    return snapshot


class StripeGateway:
    def __init__(self, keys: Callable[[], tuple[str, str]], api_base: str | None = None) -> None:
        """``keys`` gives (secret key, webhook signing secret) when first needed, not at cold start."""
        self._keys = keys
        self._api_base = api_base
        self._pacer = Pacer(time.monotonic, time.sleep)
        self.calls = 0  # for the benchmark: Stripe requests made by this instance

    @cached_property
    def _client(self) -> stripe.StripeClient:
        api_key, _ = self._keys()
        base = {"api": self._api_base} if self._api_base else {}
        return _sdk().StripeClient(api_key, base_addresses=base, max_network_retries=2)

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        self._pacer.wait()
        self.calls += 1
        sdk = _sdk()
        try:
            return method(*args, **kwargs)
        except (sdk.APIConnectionError, sdk.RateLimitError, sdk.APIError) as error:
            raise ProviderUnavailableError(ErrorCode.PROVIDER_UNAVAILABLE, f"Stripe did not answer: {error}") from error

    # --- customers and methods ----------------------------------------------------------------------
    def ensure_customer(self, account_id: str, email: str, name: str) -> str:
        customer = self._call(
            self._client.v1.customers.create,
            {"email": email, "name": name, "metadata": {"account": account_id}},
            {"idempotency_key": f"customer-{account_id}"},
        )
        return str(customer.id)

    def create_setup_intent(self, customer_id: str, method_types: tuple[str, ...], account_id: str) -> SetupIntentInfo:
        try:
            intent = self._call(
                self._client.v1.setup_intents.create,
                {
                    "customer": customer_id,
                    "usage": "off_session",
                    "payment_method_types": list(method_types),
                    "metadata": {"account": account_id},
                },
            )
        except _sdk().InvalidRequestError as error:
            raise InvalidInputError(
                ErrorCode.SETUP_REFUSED, f"Stripe refused the setup: {error.user_message}"
            ) from error
        return SetupIntentInfo(intent.id, intent.client_secret, tuple(intent.payment_method_types))

    def payment_method(self, method_id: str) -> PaymentMethod:
        try:
            method = self._call(self._client.v1.payment_methods.retrieve, method_id)
        except _sdk().InvalidRequestError as error:
            raise InvalidInputError(
                ErrorCode.INVALID_PAYMENT_METHOD,
                f"Stripe does not know this payment method: {method_id}.",
                "payment_method",
            ) from error
        return method_snapshot(_dict(method))

    def attach(self, method_id: str, customer_id: str) -> PaymentMethod:
        try:
            method = self._call(self._client.v1.payment_methods.attach, method_id, {"customer": customer_id})
        except _sdk().CardError as error:
            raise PaymentDeclinedError(error.code or "card_declined", error.user_message or "Declined.") from error
        except _sdk().InvalidRequestError as error:
            raise InvalidInputError(
                ErrorCode.INVALID_PAYMENT_METHOD,
                f"Stripe does not know this payment method: {method_id}.",
                "payment_method",
            ) from error
        return method_snapshot(_dict(method))

    def detach(self, method_id: str) -> None:
        with contextlib.suppress(_sdk().InvalidRequestError):  # already detached at Stripe: the goal is reached
            self._call(self._client.v1.payment_methods.detach, method_id)

    # --- payments ---------------------------------------------------------------------------------------
    def charge(self, request: ChargeRequest) -> IntentSnapshot:
        params: dict[str, Any] = {
            "amount": request.amount,
            "currency": request.currency.lower(),
            "customer": request.customer_id,
            "payment_method": request.method_id,
            "payment_method_types": [request.method_type],
            "confirm": True,
            "metadata": request.metadata,
        }
        if request.off_session:
            params["off_session"] = True
        try:
            intent = self._call(
                self._client.v1.payment_intents.create, params, {"idempotency_key": request.idempotency_key}
            )
        except _sdk().CardError as error:
            return self._declined(error, request)
        except _sdk().InvalidRequestError as error:
            raise InvalidInputError(
                ErrorCode.INVALID_PAYMENT_METHOD, f"Stripe refused the payment: {error.user_message}", "payment_method"
            ) from error
        return charge_outcome(intent_snapshot(_dict(intent)), request)

    def _declined(self, error: stripe.CardError, request: ChargeRequest) -> IntentSnapshot:
        body = _dict(getattr(error, "json_body", None)).get("error", {})
        intent = _dict(body.get("payment_intent"))
        if not intent and body.get("charge"):
            # Some emulators omit the intent from the error: the charge names it.
            charge = _dict(self._call(self._client.v1.charges.retrieve, str(body["charge"])))
            if charge.get("payment_intent"):
                intent = _dict(self._call(self._client.v1.payment_intents.retrieve, str(charge["payment_intent"])))
        if intent:
            snapshot = self.intent_from(intent)
            if snapshot.status is PaymentStatus.FAILED:
                return snapshot
        code = str(body.get("decline_code") or error.code or "card_declined")
        metadata = request.metadata
        return IntentSnapshot(
            provider_id=_id(intent) if intent else None,
            status=PaymentStatus.FAILED,
            amount=request.amount,
            currency=request.currency,
            payment_id=metadata.get("payment"),
            account_id=metadata.get("account"),
            purpose=PaymentPurpose(metadata["purpose"]) if "purpose" in metadata else None,
            invoice_id=metadata.get("invoice"),
            attempt=int(metadata["attempt"]) if "attempt" in metadata else None,
            method_id=request.method_id,
            method_type=request.method_type,
            failure=Failure(code, error.user_message or "Your card was declined.", code in HARD_DECLINES),
        )

    def refund(self, intent_id: str, amount: int, idempotency_key: str) -> str:
        refund = self._call(
            self._client.v1.refunds.create,
            {"payment_intent": intent_id, "amount": amount},
            {"idempotency_key": idempotency_key},
        )
        return str(refund.id)

    # --- events (their signatures: adapters/stripe_signatures.py) ------------------------------------
    def intent_from(self, data: dict[str, Any]) -> IntentSnapshot:
        return intent_snapshot(data)

    def setup_from(self, data: dict[str, Any]) -> SetupSnapshot:
        return setup_snapshot(data)

    def _intent_metadata(self, intent_id: str | None) -> dict[str, Any]:
        if not intent_id:
            return {}
        return _dict(_dict(self._call(self._client.v1.payment_intents.retrieve, intent_id)).get("metadata"))

    def charge_from(self, data: dict[str, Any]) -> ChargeSnapshot:
        # Refund lists are not expanded in charge events since API version 2022-11-15: ask for them.
        intent_id = _id(data.get("payment_intent"))
        metadata = self._intent_metadata(intent_id)
        refunds = self._call(self._client.v1.refunds.list, {"charge": str(data["id"]), "limit": 100})
        return ChargeSnapshot(
            charge_id=str(data["id"]),
            intent_id=intent_id,
            payment_id=metadata.get("payment"),
            account_id=metadata.get("account"),
            currency=str(data.get("currency") or "").upper(),
            refunds=tuple(
                RefundSnapshot(str(r["id"]), int(r["amount"]))
                for r in (_dict(item) for item in refunds.data)
                if r.get("status", "succeeded") in ("succeeded", "pending")
            ),
        )

    def dispute_from(self, data: dict[str, Any]) -> ChargeSnapshot:
        intent_id = _id(data.get("payment_intent"))
        metadata = self._intent_metadata(intent_id)
        return ChargeSnapshot(
            charge_id=str(_id(data.get("charge"))),
            intent_id=intent_id,
            payment_id=metadata.get("payment"),
            account_id=metadata.get("account"),
            currency=str(data.get("currency") or "").upper(),
            dispute_id=_id(data),
            dispute_amount=int(data.get("amount") or 0),
        )


def gateway_from_secret(secret_name: str, api_base: str | None) -> StripeGateway:
    return StripeGateway(stripe_keys(secret_name), api_base)
