"""Interfaces the domain needs from the outside world; adapters implement them, fakes stand in for tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:  # keeps the authorizer's import light: it never loads the billing profile model
    from billing.accounts.models import Account, ApiKey
    from billing.batch import WriteBatch
    from billing.catalog.models import Price, Product
    from billing.discounts.models import Coupon, PromotionCode
    from billing.events import DomainEvent
    from billing.invoices.invoice_items import InvoiceItem
    from billing.invoices.models import CreditNote, Invoice
    from billing.ledger.account_ledger import AccountLedger
    from billing.subscriptions.models import Subscription
    from billing.usage.models import UsageEvent

T = TypeVar("T")


class AccountRepository(Protocol):
    def add(self, account: Account) -> None:
        """Store a new account; its id must be unused."""
        ...

    def get(self, account_id: str) -> Account | None: ...

    def save(self, account: Account) -> Account:
        """Replace an account if its stored version is still ``account.version``; return the new one.

        Raises ``ConflictError`` when another writer saved first.
        """
        ...


class ApiKeyRepository(Protocol):
    def add_key(self, key: ApiKey) -> None: ...

    def find_by_hash(self, secret_hash: str) -> ApiKey | None:
        """The authorizer's lookup: one read."""
        ...

    def get_key(self, account_id: str, key_id: str) -> ApiKey | None: ...

    def list_keys(self, account_id: str) -> list[ApiKey]: ...

    def remove_key(self, key: ApiKey) -> None:
        """Revoke at once: after this returns, the secret no longer authenticates."""
        ...


class Idempotency(Protocol):
    def run(self, scope: str, key: str, body: Any, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Run ``compute`` once per (scope, key) and replay its answer; other body, same key: conflict."""
        ...

    def register_lambda_context(self, context: Any) -> None:
        """Called per invocation, so records of a crashed invocation expire with it."""
        ...


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = 20
    cursor: str | None = None  # opaque: from the previous page's ``next_cursor``


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class BillingStore(Protocol):
    """Reads of billing objects (one request each where the key allows) and atomic batch writes."""

    def get_product(self, product_id: str) -> Product | None: ...
    def list_products(self, page: PageRequest) -> Page[Product]: ...
    def get_price(self, price_id: str) -> Price | None: ...
    def get_prices(self, price_ids: Iterable[str]) -> dict[str, Price]: ...
    def list_prices(self, page: PageRequest) -> Page[Price]: ...
    def get_coupon(self, coupon_id: str) -> tuple[Coupon, int] | None: ...
    def list_coupons(self, page: PageRequest) -> Page[Coupon]: ...
    def find_promotion_code(self, code: str) -> tuple[PromotionCode, int] | None: ...
    def list_promotion_codes(self, page: PageRequest) -> Page[PromotionCode]: ...

    def get_subscription(self, subscription_id: str) -> Subscription | None: ...
    def get_subscriptions(self, subscription_ids: Iterable[str]) -> dict[str, Subscription]: ...
    def list_subscriptions(self, account_id: str, page: PageRequest) -> Page[Subscription]: ...

    def get_invoice(self, invoice_id: str) -> Invoice | None: ...
    def list_invoices(self, account_id: str, status: str | None, page: PageRequest) -> Page[Invoice]: ...
    def pending_items(self, account_id: str) -> list[InvoiceItem]: ...
    def series_last(self, series: str) -> int: ...

    def ledger(self, account_id: str, currency: str) -> tuple[AccountLedger, int]:
        """The account's ledger rebuilt from its entries, and the version to append against."""
        ...

    def commit(self, batch: WriteBatch) -> None:
        """Write the batch in one transaction; a stale version raises ``ConflictError``."""
        ...

    def due(self, shard: int, until: datetime) -> list[tuple[str, str]]:
        """(kind, id) of what is due up to ``until`` in one shard of the DUE index."""
        ...

    def outbox(self, shard: int) -> list[DomainEvent]: ...
    def clear_outbox(self, events: Iterable[DomainEvent]) -> None: ...
    def get_credit_note(self, credit_note_id: str) -> CreditNote | None: ...
    def list_credit_notes(self, account_id: str, page: PageRequest) -> Page[CreditNote]: ...


class WorkQueue(Protocol):
    def send(self, messages: Iterable[dict[str, Any]]) -> None: ...


class EventPublisher(Protocol):
    def publish(self, events: Iterable[DomainEvent]) -> None: ...


class UsageStore(Protocol):
    def known_event_ids(self, subscription_event_ids: Iterable[tuple[str, str]]) -> set[tuple[str, str]]: ...
    def add_events(self, events: Iterable[UsageEvent]) -> None:
        """Store events keyed by (subscription, id): writing one twice leaves one item."""
        ...

    def events(self, subscription_id: str, start: datetime, end: datetime) -> list[UsageEvent]: ...


class DocumentStorage(Protocol):
    def put(self, key: str, body: bytes, content_type: str = "application/pdf") -> None: ...
    def get(self, key: str) -> bytes: ...
    def url(self, key: str, filename: str) -> str:
        """A short-lived download link."""
        ...


class Mailer(Protocol):
    def send(self, to: str, subject: str, text: str, attachment: tuple[str, bytes] | None = None) -> None: ...


class PdfRenderer(Protocol):
    def __call__(self, document: Any) -> bytes: ...
