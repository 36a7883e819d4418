"""In-memory billing and usage stores: the reference models of the DynamoDB adapters.

They keep the adapters' rules that use cases depend on: a batch is all or nothing, each versioned
object is written only over the version it was read at (0: must not exist), series numbers are taken
once, pending items exist until consumed, claims are taken once ever, listings are newest first and
paged by an opaque cursor, the DUE index holds what is due per shard. The contract tests
(tests/contracts) hold both implementations to the same behaviour.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, TypeVar

from billing.accounts.models import Account
from billing.batch import Committed, OnCommit, WriteBatch
from billing.catalog.models import Price, Product
from billing.costs.budgets import Budget
from billing.discounts.models import Coupon, PromotionCode
from billing.errors import ConflictError, ErrorCode, InvalidInputError
from billing.events import DomainEvent
from billing.invoices.invoice_items import InvoiceItem
from billing.invoices.models import CreditNote, Invoice
from billing.invoices.numbering import seller_month
from billing.ledger.account_ledger import AccountLedger, LedgerEntry
from billing.marketplace.models import MeteringHour, Registration
from billing.marketplace.notices import Notice
from billing.payments.models import Payment, PaymentProfile, Receipt, ReceiptDigest
from billing.ports import Page, PageRequest
from billing.runs.shards import shard_of
from billing.subscriptions.models import Subscription
from billing.usage.models import DailyUsage, UsageEvent

T = TypeVar("T")
MAX_TRANSACTION_ITEMS = 100  # DynamoDB's TransactWriteItems limit


def _conflict() -> ConflictError:
    return ConflictError(ErrorCode.CONCURRENT_UPDATE, "Something this change depends on changed meanwhile; retry.")


@dataclass
class _Tables:
    """Everything stored, by kind; copied whole for a transaction, so a failed one leaves no trace."""

    products: dict[str, Product] = field(default_factory=dict)
    prices: dict[str, Price] = field(default_factory=dict)
    coupons: dict[str, tuple[Coupon, int]] = field(default_factory=dict)
    promotion_codes: dict[str, tuple[PromotionCode, int]] = field(default_factory=dict)  # by upper-case code
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    invoices: dict[str, Invoice] = field(default_factory=dict)
    credit_notes: dict[str, CreditNote] = field(default_factory=dict)
    series: dict[str, int] = field(default_factory=dict)
    ledgers: dict[str, tuple[list[LedgerEntry], int]] = field(default_factory=dict)
    pending: dict[str, dict[str, InvoiceItem]] = field(default_factory=dict)
    payment_profiles: dict[str, PaymentProfile] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    receipts: dict[str, Receipt] = field(default_factory=dict)
    budgets: dict[str, Budget] = field(default_factory=dict)
    registrations: dict[str, Registration] = field(default_factory=dict)
    notices: dict[str, Notice] = field(default_factory=dict)
    metering_hours: dict[tuple[str, datetime], MeteringHour] = field(default_factory=dict)
    digests: dict[str, ReceiptDigest] = field(default_factory=dict)
    claims: set[str] = field(default_factory=set)
    outbox: dict[str, DomainEvent] = field(default_factory=dict)
    webhooks: dict[str, datetime] = field(default_factory=dict)

    def copy(self) -> _Tables:
        fresh = _Tables(**{name: value.copy() for name, value in vars(self).items()})
        fresh.pending = {account: dict(items) for account, items in self.pending.items()}  # changed in place
        return fresh


def _encode(position: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": position}).encode()).decode()


def _decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return int(decoded["after"])
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise InvalidInputError(ErrorCode.INVALID_CURSOR, "This cursor is not one we issued.", "cursor") from error


def listed_page(items: list[T], sort_key: Callable[[T], str], page: PageRequest, keep: Callable[[T], bool]) -> Page[T]:
    """Newest first; the filter applies after the limit, as a DynamoDB query's FilterExpression does."""
    ordered = sorted(items, key=sort_key, reverse=True)
    start = _decode(page.cursor)
    window = ordered[start : start + page.limit]
    end = start + len(window)
    return Page([item for item in window if keep(item)], _encode(end) if end < len(ordered) else None)


def _listed(created: datetime | None, object_id: str) -> str:
    return f"{created.isoformat()}#{object_id}" if created else object_id


class InMemoryBillingStore:
    def __init__(self, accounts: Any, on_commit: OnCommit | None = None) -> None:
        """``accounts`` is the in-memory account repository: dunning moves an account's status in the
        same transaction as the invoices that caused it."""
        self.accounts = accounts
        self.tables = _Tables()
        self.on_commit = on_commit

    # --- reads -------------------------------------------------------------------------------------
    def get_product(self, product_id: str) -> Product | None:
        return self.tables.products.get(product_id)

    def list_products(self, page: PageRequest) -> Page[Product]:
        return listed_page(list(self.tables.products.values()), lambda p: _listed(p.created, p.id), page, bool)

    def get_price(self, price_id: str) -> Price | None:
        return self.tables.prices.get(price_id)

    def get_prices(self, price_ids: Iterable[str]) -> dict[str, Price]:
        return {i: self.tables.prices[i] for i in set(price_ids) if i in self.tables.prices}

    def list_prices(self, page: PageRequest) -> Page[Price]:
        return listed_page(list(self.tables.prices.values()), lambda p: _listed(p.created, p.id), page, bool)

    def get_coupon(self, coupon_id: str) -> tuple[Coupon, int] | None:
        return self.tables.coupons.get(coupon_id)

    def list_coupons(self, page: PageRequest) -> Page[Coupon]:
        coupons = [coupon for coupon, _ in self.tables.coupons.values()]
        return listed_page(coupons, lambda c: _listed(c.created, c.id), page, bool)

    def find_promotion_code(self, code: str) -> tuple[PromotionCode, int] | None:
        return self.tables.promotion_codes.get(code.upper())

    def list_promotion_codes(self, page: PageRequest) -> Page[PromotionCode]:
        codes = [code for code, _ in self.tables.promotion_codes.values()]
        return listed_page(codes, lambda c: _listed(c.created, c.id), page, bool)

    def get_subscription(self, subscription_id: str) -> Subscription | None:
        return self.tables.subscriptions.get(subscription_id)

    def get_subscriptions(self, subscription_ids: Iterable[str]) -> dict[str, Subscription]:
        found = self.tables.subscriptions
        return {i: found[i] for i in set(subscription_ids) if i in found}

    def list_subscriptions(self, account_id: str, page: PageRequest) -> Page[Subscription]:
        mine = [s for s in self.tables.subscriptions.values() if s.account_id == account_id]
        return listed_page(mine, lambda s: _listed(s.created, s.id), page, bool)

    def get_invoice(self, invoice_id: str) -> Invoice | None:
        return self.tables.invoices.get(invoice_id)

    def get_invoices(self, invoice_ids: Iterable[str]) -> dict[str, Invoice]:
        found = self.tables.invoices
        return {i: found[i] for i in set(invoice_ids) if i in found}

    def list_invoices(self, account_id: str, status: str | None, page: PageRequest) -> Page[Invoice]:
        mine = [i for i in self.tables.invoices.values() if i.account_id == account_id]
        return listed_page(
            mine, lambda i: _listed(i.draft.created, i.id), page, lambda i: status is None or i.status.value == status
        )

    def pending_items(self, account_id: str) -> list[InvoiceItem]:
        items = self.tables.pending.get(account_id, {})
        return [items[item_id] for item_id in sorted(items)]

    def series_last(self, series: str) -> int:
        return self.tables.series.get(series, 0)

    def ledger(self, account_id: str, currency: str) -> tuple[AccountLedger, int]:
        entries, version = self.tables.ledgers.get(account_id, ([], 0))
        currency = entries[0].currency if entries else currency
        return AccountLedger.replay(account_id, currency, list(entries)), version

    def due(self, shard: int, until: datetime) -> list[tuple[str, str]]:
        scheduled: list[tuple[datetime, str, str]] = []
        for kind, objects in (("subscription", self.tables.subscriptions), ("invoice", self.tables.invoices)):
            for object_id, value in objects.items():
                at = value.next_due()
                if at is not None:
                    scheduled.append((at, kind, object_id))
        scheduled += [(d.due_at, "digest", d.id) for d in self.tables.digests.values()]
        scheduled += [(at, "budget", b.id) for b in self.tables.budgets.values() if (at := b.next_due()) is not None]
        scheduled += [
            (at, "marketplace_registration", r.id)
            for r in self.tables.registrations.values()
            if (at := r.next_due()) is not None
        ]
        return [
            (kind, object_id)
            for at, kind, object_id in sorted(scheduled)
            if at <= until and shard_of(object_id) == shard
        ]

    def outbox(self, shard: int) -> list[DomainEvent]:
        events = [e for e in self.tables.outbox.values() if shard_of(e.id) == shard]
        return sorted(events, key=lambda e: (e.at, e.id))

    def clear_outbox(self, events: Iterable[DomainEvent]) -> None:
        for event in events:
            self.tables.outbox.pop(event.id, None)

    def get_credit_note(self, credit_note_id: str) -> CreditNote | None:
        return self.tables.credit_notes.get(credit_note_id)

    def list_credit_notes(self, account_id: str, page: PageRequest) -> Page[CreditNote]:
        mine = [n for n in self.tables.credit_notes.values() if n.account_id == account_id]
        return listed_page(mine, lambda n: _listed(n.created, n.id), page, bool)

    def issued_in(self, month: str) -> tuple[list[Invoice], list[CreditNote]]:
        finalized = [i for i in self.tables.invoices.values() if i.finalized_at is not None]
        invoices = [i for i in finalized if i.finalized_at and seller_month(i.finalized_at) == month]
        notes = [n for n in self.tables.credit_notes.values() if seller_month(n.created) == month]
        return invoices, notes

    def get_payment_profile(self, account_id: str) -> PaymentProfile | None:
        return self.tables.payment_profiles.get(account_id)

    def get_payment(self, payment_id: str) -> Payment | None:
        return self.tables.payments.get(payment_id)

    def list_payments(self, account_id: str, page: PageRequest) -> Page[Payment]:
        mine = [p for p in self.tables.payments.values() if p.account_id == account_id]
        return listed_page(mine, lambda p: _listed(p.created, p.id), page, bool)

    def get_registration(self, registration_id: str) -> Registration | None:
        return self.tables.registrations.get(registration_id)

    def registration_for_license(self, license_arn: str) -> Registration | None:
        found = [r for r in self.tables.registrations.values() if r.customer.license_arn == license_arn]
        return found[0] if found else None

    def metering_hours(self, subscription_id: str, start: datetime, end: datetime) -> list[MeteringHour]:
        found = [h for (s, at), h in self.tables.metering_hours.items() if s == subscription_id and start <= at < end]
        return sorted(found, key=lambda h: h.hour)

    def notices(self, keys: Iterable[str]) -> list[Notice]:
        wanted = set(keys)
        found = [n for n in self.tables.notices.values() if wanted & set(n.keys)]
        return sorted(found, key=lambda n: (n.occurred_at, n.id))

    def get_budget(self, budget_id: str) -> Budget | None:
        return self.tables.budgets.get(budget_id)

    def list_budgets(self, account_id: str) -> list[Budget]:
        return sorted((b for b in self.tables.budgets.values() if b.account_id == account_id), key=lambda b: b.created)

    def get_receipt(self, receipt_id: str) -> Receipt | None:
        return self.tables.receipts.get(receipt_id)

    def list_receipts(self, account_id: str, page: PageRequest) -> Page[Receipt]:
        mine = [r for r in self.tables.receipts.values() if r.account_id == account_id]
        return listed_page(mine, lambda r: _listed(r.created, r.id), page, bool)

    def receipts_in(self, month: str) -> list[Receipt]:
        return [r for r in self.tables.receipts.values() if seller_month(r.created) == month]

    def get_digest(self, digest_id: str) -> ReceiptDigest | None:
        return self.tables.digests.get(digest_id)

    def record_webhook(self, event_id: str, received: datetime) -> bool:
        if event_id in self.tables.webhooks:  # remembered longer than any retry
            return False
        self.tables.webhooks[event_id] = received
        return True

    def forget_webhook(self, event_id: str) -> None:
        self.tables.webhooks.pop(event_id, None)

    # --- writes ------------------------------------------------------------------------------------
    def commit(self, batch: WriteBatch) -> Committed:
        if len(batch) > MAX_TRANSACTION_ITEMS:
            raise InvalidInputError(ErrorCode.TOO_MANY_CHANGES, "This change is too large for one transaction.", None)
        staged = self.tables.copy()
        accounts = dict(self.accounts.items)
        self._stage(staged, accounts, batch)
        self.tables = staged
        self.accounts.items = accounts
        committed = Committed.of(batch)
        if self.on_commit is not None:
            self.on_commit(committed)
        return committed

    @staticmethod
    def _versioned(table: dict[str, Any], key: str, value: Any, version: int) -> None:
        stored = table.get(key)
        if (0 if stored is None else stored.version) != version:
            raise _conflict()
        table[key] = replace(value, version=version + 1)

    def _stage(self, tables: _Tables, accounts: dict[str, Account], batch: WriteBatch) -> None:
        for product in batch.products:
            if product.id in tables.products:
                raise _conflict()
            tables.products[product.id] = product
        for price in batch.prices:
            if price.id in tables.prices:
                raise _conflict()
            tables.prices[price.id] = price
        for coupon, version in batch.coupons:
            self._versioned_pair(tables.coupons, coupon.id, coupon, version)
        for code, version in batch.promotion_codes:
            self._versioned_pair(tables.promotion_codes, code.code.upper(), code, version)
        for subscription in batch.subscriptions:
            self._versioned(tables.subscriptions, subscription.id, subscription, subscription.version)
        for invoice in batch.invoices:
            self._versioned(tables.invoices, invoice.id, invoice, invoice.version)
        for note in batch.credit_notes:
            self._versioned(tables.credit_notes, note.id, note, note.version)
        for advance in batch.series:
            if tables.series.get(advance.series, 0) != advance.expected_last:
                raise _conflict()
            tables.series[advance.series] = advance.taken
        for append in batch.ledger:
            entries, version = tables.ledgers.get(append.account_id, ([], 0))
            if version != append.head_version:
                raise _conflict()
            tables.ledgers[append.account_id] = ([*entries, *append.entries], version + 1)
        for item in batch.pending_items:
            pending = tables.pending.setdefault(item.account_id, {})
            if item.id in pending:
                raise _conflict()
            pending[item.id] = item
        for item in batch.consumed_items:
            if tables.pending.get(item.account_id, {}).pop(item.id, None) is None:
                raise _conflict()
        for profile in batch.payment_profiles:
            self._versioned(tables.payment_profiles, profile.account_id, profile, profile.version)
        for payment in batch.payments:
            self._versioned(tables.payments, payment.id, payment, payment.version)
        for receipt in batch.receipts:
            self._versioned(tables.receipts, receipt.id, receipt, receipt.version)
        for budget in batch.budgets:
            self._versioned(tables.budgets, budget.id, budget, budget.version)
        for registration in batch.registrations:
            self._versioned(tables.registrations, registration.id, registration, registration.version)
        for notice in batch.notices:
            tables.notices[notice.id] = notice
        for hour in batch.metering_hours:
            stored = tables.metering_hours.get((hour.subscription_id, hour.hour))
            if (0 if stored is None else stored.version) != hour.version:
                raise _conflict()
            tables.metering_hours[(hour.subscription_id, hour.hour)] = replace(hour, version=hour.version + 1)
        for change in batch.account_statuses:
            account = accounts.get(change.account_id)
            if account is None or account.version != change.version:
                raise _conflict()
            accounts[change.account_id] = replace(account, status=change.status, version=account.version + 1)
        for digest in batch.digests:
            tables.digests[digest.id] = digest  # the month's receipts all write the same schedule
        for digest in batch.digests_sent:
            if tables.digests.pop(digest.id, None) is None:
                raise _conflict()
        for claim in batch.claims:
            if claim in tables.claims:
                raise _conflict()
            tables.claims.add(claim)
        for claim in batch.released_claims:
            tables.claims.discard(claim)
        for event in batch.events:
            tables.outbox[event.id] = event

    @staticmethod
    def _versioned_pair(table: dict[str, tuple[Any, int]], key: str, value: Any, version: int) -> None:
        stored = table.get(key)
        if (0 if stored is None else stored[1]) != version:
            raise _conflict()
        table[key] = (value, version + 1)


class InMemoryUsageStore:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], UsageEvent] = {}
        self.daily: dict[tuple[str, tuple[object, ...]], DailyUsage] = {}
        self.folds: set[str] = set()
        self._leases: dict[str, threading.Lock] = {}
        self._leasing = threading.Lock()

    @contextmanager
    def exclusive(self, subscription_ids: Collection[str]) -> Iterator[None]:
        with self._leasing:
            locks = [self._leases.setdefault(s, threading.Lock()) for s in sorted(subscription_ids)]
        with ExitStack() as held:
            for lock in locks:
                held.enter_context(lock)
            yield

    def known_event_ids(self, subscription_event_ids: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        return {pair for pair in subscription_event_ids if pair in self.items}

    def add_events(self, events: Iterable[UsageEvent]) -> None:
        for event in events:
            self.items[(event.subscription_id, event.id)] = event

    def events(self, subscription_id: str, start: datetime, end: datetime) -> list[UsageEvent]:
        mine = [e for (sub, _), e in self.items.items() if sub == subscription_id and start <= e.timestamp < end]
        return sorted(mine, key=lambda e: (e.timestamp, e.id))

    def fold_daily(self, totals: Sequence[DailyUsage], fold_id: str) -> None:
        if fold_id in self.folds:
            return
        self.folds.add(fold_id)
        for total in totals:
            known = self.daily.get((total.account_id, total.key))
            if known is not None:
                total = replace(known, quantity=known.quantity + total.quantity, events=known.events + total.events)
            self.daily[(total.account_id, total.key)] = total

    def daily_usage(self, account_id: str, first: date, last: date) -> list[DailyUsage]:
        mine = [t for (account, _), t in self.daily.items() if account == account_id and first <= t.day <= last]
        return sorted(mine, key=lambda t: t.key)
