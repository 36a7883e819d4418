"""Stripe in memory, as the domain sees it through the PaymentGateway port.

Stripe's test tokens behave as in test mode (and in localstripe): ``pm_card_visa`` pays,
``pm_card_visa_chargeDeclined`` is declined when attached, ``pm_card_chargeCustomerFail`` attaches and
is declined when charged, ``pm_card_authenticationRequired`` asks for 3-D Secure, ``pm_sepa_debit``
stays processing until :meth:`settle_debit`. Objects are kept in Stripe's JSON shapes and translated
by the Stripe adapter's own pure functions, so events built here are the events the webhook receives.
Everything Stripe would send as a webhook is appended to ``sent``, signed when taken.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from billing.adapters.stripe_payments import (
    charge_outcome,
    intent_snapshot,
    method_snapshot,
    setup_snapshot,
)
from billing.errors import ErrorCode, InvalidInputError, PaymentDeclinedError
from billing.payments.models import (
    ChargeRequest,
    ChargeSnapshot,
    IntentSnapshot,
    PaymentMethod,
    RefundSnapshot,
    SetupIntentInfo,
    SetupSnapshot,
)

WEBHOOK_SECRET = "whsec_fake"
_CARDS = {
    "pm_card_visa": ("visa", "4242"),
    "pm_card_mastercard": ("mastercard", "4444"),
    "pm_card_visa_chargeDeclined": ("visa", "0002"),
    "pm_card_chargeCustomerFail": ("visa", "0341"),
    "pm_card_authenticationRequired": ("visa", "3184"),
}


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header, computed as Stripe documents it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class FakePaymentGateway:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.customers: dict[str, str] = {}  # idempotency: one customer per account
        self.methods: dict[str, dict[str, Any]] = {}
        self.setups: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}  # idempotency key -> intent or refund id
        self.refunds: dict[str, list[dict[str, Any]]] = {}  # by intent
        self.sent: list[dict[str, Any]] = []  # not delivered yet
        self.events: list[dict[str, Any]] = []  # every event ever sent (Stripe's event list)

    def _new(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):06d}"

    def _emit(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        event = {"id": self._new("evt"), "object": "event", "type": event_type, "data": {"object": dict(obj)}}
        self.sent.append(event)
        self.events.append(event)
        return event

    def take_sent(self) -> list[tuple[bytes, str]]:
        """The webhooks Stripe would deliver now, as (payload, signature)."""
        taken, self.sent = self.sent, []
        return [self.signed(event) for event in taken]

    @staticmethod
    def signed(event: dict[str, Any], timestamp: int | None = None) -> tuple[bytes, str]:
        payload = json.dumps(event, sort_keys=True).encode()
        return payload, sign(payload, timestamp=timestamp)

    # --- customers and methods ----------------------------------------------------------------------
    def ensure_customer(self, account_id: str, email: str, name: str) -> str:
        return self.customers.setdefault(account_id, self._new("cus"))

    def create_setup_intent(self, customer_id: str, method_types: tuple[str, ...], account_id: str) -> SetupIntentInfo:
        setup_id = self._new("seti")
        self.setups[setup_id] = {
            "id": setup_id,
            "object": "setup_intent",
            "customer": customer_id,
            "status": "requires_payment_method",
            "payment_method": None,
            "metadata": {"account": account_id},
        }
        return SetupIntentInfo(setup_id, f"{setup_id}_secret_fake", method_types)

    def create_method(self, data: dict[str, Any]) -> str:
        """Stripe.js creating a method from what the customer typed: a card number or an IBAN."""
        kind = data["type"]
        new_id = self._new("pm")
        if kind == "card":
            number = str(data["card"]["number"])
            token = {
                "4000002500003155": "pm_card_authenticationRequired",
                "4000000000000341": "pm_card_chargeCustomerFail",
            }
            brand = "mastercard" if number.startswith("5") else "visa"
            details = {"brand": brand, "last4": number[-4:], "exp_month": 12, "exp_year": 2030}
            self.methods[new_id] = {"type": "card", "card": details, "_token": token.get(number, "pm_card_visa")}
        else:
            iban = str(data["sepa_debit"]["iban"])
            self.methods[new_id] = {"type": "sepa_debit", "sepa_debit": {"last4": iban[-4:]}, "_token": "pm_sepa_debit"}
        self.methods[new_id] |= {
            "id": new_id,
            "object": "payment_method",
            "created": int(time.time()),
            "customer": None,
        }
        return new_id

    def confirm_setup(self, setup_id: str, token: str | dict[str, Any]) -> dict[str, Any]:
        """What Stripe.js does in the customer's browser: the method is saved, the webhook follows."""
        setup = self.setups[setup_id]
        method = self._method(token if isinstance(token, str) else self.create_method(token))
        self._attach(method, setup["customer"])
        setup.update(status="succeeded", payment_method=method["id"])
        return self._emit("setup_intent.succeeded", setup)

    def _method(self, method_id: str) -> dict[str, Any]:
        # Like Stripe, reading a test token makes a new method of it.
        if method_id in self.methods:
            return self.methods[method_id]
        created = int(time.time())
        if method_id in _CARDS:
            brand, last4 = _CARDS[method_id]
            card = {"brand": brand, "last4": last4, "exp_month": 12, "exp_year": 2030}
            data = {"type": "card", "card": card}
        elif method_id == "pm_sepa_debit":
            data = {"type": "sepa_debit", "sepa_debit": {"bank_code": "37040044", "last4": "3000"}}
        else:
            raise InvalidInputError(
                ErrorCode.INVALID_PAYMENT_METHOD,
                f"Stripe does not know this payment method: {method_id}.",
                "payment_method",
            )
        new_id = self._new("pm")
        self.methods[new_id] = {"id": new_id, "object": "payment_method", "created": created, "customer": None, **data}
        self.methods[new_id]["_token"] = method_id
        return self.methods[new_id]

    def _attach(self, method: dict[str, Any], customer_id: str) -> None:
        if method["_token"] == "pm_card_visa_chargeDeclined":
            raise PaymentDeclinedError("card_declined", "Your card was declined.")
        method["customer"] = customer_id

    def payment_method(self, method_id: str) -> PaymentMethod:
        return method_snapshot(self._method(method_id))

    def attach(self, method_id: str, customer_id: str) -> PaymentMethod:
        method = self._method(method_id)
        self._attach(method, customer_id)
        return method_snapshot(method)

    def detach(self, method_id: str) -> None:
        if method_id in self.methods:
            self.methods[method_id]["customer"] = None

    # --- payments ---------------------------------------------------------------------------------------
    def charge(self, request: ChargeRequest) -> IntentSnapshot:
        known = self.by_key.get(request.idempotency_key)
        if known is not None:  # Stripe replays the first answer for the same key
            return charge_outcome(intent_snapshot(self.intents[known]), request)
        method = self._method(request.method_id)
        # Like Stripe: a method typed for one payment (attached to nobody) may be charged once without
        # being saved; one saved on another customer may not.
        if method["customer"] not in (None, request.customer_id):
            raise InvalidInputError(
                ErrorCode.INVALID_PAYMENT_METHOD, "Stripe refused the payment: not this customer's.", "payment_method"
            )
        intent_id = self._new("pi")
        intent: dict[str, Any] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": request.amount,
            "currency": request.currency.lower(),
            "customer": request.customer_id,
            "payment_method": {"id": method["id"], "type": method["type"]},
            "metadata": dict(request.metadata),
            "latest_charge": self._new("ch"),
            "last_payment_error": None,
            "client_secret": f"{intent_id}_secret_fake",
        }
        token = method["_token"]
        if token in ("pm_card_chargeCustomerFail", "pm_card_visa_chargeDeclined"):
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {"code": "card_declined", "message": "Your card was declined."}
            self._emit("payment_intent.payment_failed", intent)
        elif token == "pm_card_authenticationRequired":
            intent["status"] = "requires_action"
        elif method["type"] == "sepa_debit":
            intent["status"] = "processing"
            self._emit("payment_intent.processing", intent)
        else:
            intent["status"] = "succeeded"
            self._emit("payment_intent.succeeded", intent)
        self.intents[intent_id] = intent
        self.by_key[request.idempotency_key] = intent_id
        return charge_outcome(intent_snapshot(intent), request)

    def authenticate(self, intent_id: str) -> dict[str, Any]:
        """The cardholder passes 3-D Secure in the browser."""
        intent = self.intents[intent_id]
        intent["status"] = "succeeded"
        return self._emit("payment_intent.succeeded", intent)

    def settle_debit(self, intent_id: str, succeeded: bool = True) -> dict[str, Any]:
        """A SEPA or ACH debit clears (or bounces) days later."""
        intent = self.intents[intent_id]
        if succeeded:
            intent["status"] = "succeeded"
            return self._emit("payment_intent.succeeded", intent)
        intent["status"] = "requires_payment_method"
        intent["last_payment_error"] = {"code": "insufficient_funds", "message": "The debit was refused."}
        return self._emit("payment_intent.payment_failed", intent)

    def refund(self, intent_id: str, amount: int, idempotency_key: str) -> str:
        if idempotency_key in self.by_key:
            return self.by_key[idempotency_key]
        refund_id = self._new("re")
        self.refunds.setdefault(intent_id, []).append({"id": refund_id, "amount": amount, "status": "succeeded"})
        self.by_key[idempotency_key] = refund_id
        intent = self.intents[intent_id]
        self._emit("charge.refunded", {"id": intent["latest_charge"], "object": "charge", "payment_intent": intent_id,
                                       "currency": intent["currency"]})  # fmt: skip
        return refund_id

    def dispute(self, intent_id: str, amount: int) -> dict[str, Any]:
        """The cardholder disputes the charge at their bank."""
        intent = self.intents[intent_id]
        return self._emit(
            "charge.dispute.created",
            {"id": self._new("dp"), "object": "dispute", "charge": intent["latest_charge"],
             "payment_intent": intent_id, "amount": amount, "currency": intent["currency"]},
        )  # fmt: skip

    # --- events (their signatures: billing/adapters/stripe_signatures.py, pure, used as is) ----------
    def intent_from(self, data: dict[str, Any]) -> IntentSnapshot:
        return intent_snapshot(data)

    def setup_from(self, data: dict[str, Any]) -> SetupSnapshot:
        return setup_snapshot(data)

    def _charge(self, intent_id: str | None) -> dict[str, Any]:
        return self.intents.get(intent_id or "", {})

    def charge_from(self, data: dict[str, Any]) -> ChargeSnapshot:
        intent = self._charge(data.get("payment_intent"))
        metadata = intent.get("metadata", {})
        return ChargeSnapshot(
            charge_id=str(data["id"]),
            intent_id=data.get("payment_intent"),
            payment_id=metadata.get("payment"),
            account_id=metadata.get("account"),
            currency=str(data.get("currency") or "").upper(),
            refunds=tuple(RefundSnapshot(r["id"], r["amount"]) for r in self.refunds.get(intent.get("id", ""), [])),
        )

    def dispute_from(self, data: dict[str, Any]) -> ChargeSnapshot:
        intent = self._charge(data.get("payment_intent"))
        metadata = intent.get("metadata", {})
        return ChargeSnapshot(
            charge_id=str(data.get("charge")),
            intent_id=data.get("payment_intent"),
            payment_id=metadata.get("payment"),
            account_id=metadata.get("account"),
            currency=str(data.get("currency") or "").upper(),
            dispute_id=data.get("id"),
            dispute_amount=int(data.get("amount") or 0),
        )
