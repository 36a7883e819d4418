"""What payments need from outside: their stored objects, the webhook log, the payment provider."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from billing.batch import BatchWriter

if TYPE_CHECKING:
    from billing.payments.models import (
        ChargeRequest,
        ChargeSnapshot,
        IntentSnapshot,
        Payment,
        PaymentMethod,
        PaymentProfile,
        Receipt,
        ReceiptDigest,
        SetupIntentInfo,
        SetupSnapshot,
    )
    from billing.ports import Page, PageRequest


class PaymentStore(BatchWriter, Protocol):
    def get_payment_profile(self, account_id: str) -> PaymentProfile | None: ...
    def get_payment(self, payment_id: str) -> Payment | None: ...
    def list_payments(self, account_id: str, page: PageRequest) -> Page[Payment]: ...
    def get_receipt(self, receipt_id: str) -> Receipt | None: ...
    def list_receipts(self, account_id: str, page: PageRequest) -> Page[Receipt]: ...
    def receipts_in(self, month: str) -> list[Receipt]:
        """Every receipt (a payment received) of ``month`` (``seller_month``), all accounts."""
        ...

    def get_digest(self, digest_id: str) -> ReceiptDigest | None: ...


class WebhookLog(Protocol):
    def record_webhook(self, event_id: str, received: datetime) -> bool:
        """Remember a provider event id for longer than its retry window; False if already known."""
        ...

    def forget_webhook(self, event_id: str) -> None: ...


class EventSignatures(Protocol):
    """The payment provider's webhook signatures."""

    def verify_event(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        """The event, if the signature holds for this payload; ``InvalidInputError`` otherwise."""
        ...


class PaymentGateway(Protocol):
    """The payment provider (Stripe), as the domain needs it; its objects come back as snapshots."""

    def ensure_customer(self, account_id: str, email: str, name: str) -> str: ...
    def create_setup_intent(
        self, customer_id: str, method_types: tuple[str, ...], account_id: str
    ) -> SetupIntentInfo: ...

    def payment_method(self, method_id: str) -> PaymentMethod: ...
    def attach(self, method_id: str, customer_id: str) -> PaymentMethod: ...
    def detach(self, method_id: str) -> None: ...
    def charge(self, request: ChargeRequest) -> IntentSnapshot:
        """Create and confirm a payment; a decline comes back as a failed snapshot, not an error."""
        ...

    def refund(self, intent_id: str, amount: int, idempotency_key: str) -> str: ...
    def intent_from(self, data: dict[str, Any]) -> IntentSnapshot: ...
    def setup_from(self, data: dict[str, Any]) -> SetupSnapshot: ...
    def charge_from(self, data: dict[str, Any]) -> ChargeSnapshot: ...
    def dispute_from(self, data: dict[str, Any]) -> ChargeSnapshot: ...
