"""The billing store on the single table: reads of documents (``dynamodb_items``), and ``commit``,
which writes a whole WriteBatch as one TransactWriteItems (``dynamodb_writes``), so what belongs
together is stored together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from billing.adapters.documents import load
from billing.adapters.dynamodb_due_work import DynamoDueWork
from billing.adapters.dynamodb_items import (
    DocItem,
    budget_key,
    coupon_key,
    credit_note_key,
    digest_key,
    invoice_key,
    listing,
    payment_key,
    payment_profile_key,
    price_key,
    product_key,
    promotion_key,
    receipt_key,
    registration_key,
    subscription_key,
    webhook_key,
)
from billing.adapters.dynamodb_tables import account_pk, transaction_connection
from billing.adapters.dynamodb_writes import stage
from billing.batch import Committed, OnCommit, WriteBatch
from billing.catalog.models import Price, Product
from billing.costs.budgets import Budget
from billing.discounts.models import Coupon, PromotionCode
from billing.errors import ConflictError, ErrorCode, InvalidInputError
from billing.invoices.invoice_items import InvoiceItem
from billing.invoices.models import CreditNote, Invoice
from billing.ledger.account_ledger import AccountLedger, LedgerEntry
from billing.marketplace.models import MeteringHour, Registration
from billing.marketplace.notices import Notice
from billing.payments.models import Payment, PaymentProfile, Receipt, ReceiptDigest
from billing.ports import Page, PageRequest
from billing.subscriptions.models import Subscription

T = TypeVar("T")
MAX_TRANSACTION_ITEMS = 100
# Stripe retries a webhook for three days: an event id is remembered for a week.
WEBHOOK_MEMORY = timedelta(days=7)


class DynamoBillingStore(DynamoDueWork):  # the DUE index and the outbox: dynamodb_due_work.py
    def __init__(self, on_commit: OnCommit | None = None, remember_series: bool = False) -> None:
        self.on_commit = on_commit  # told of each commit: the function's PendingEvents
        # The billing worker numbers invoices one at a time (its queue's FIFO group): within one batch a series
        # counter is what its own last commit left, so it is not read again. Forgotten after each batch (the
        # next may run in another container) and after any failed commit; a stale value can only fail the
        # counter's condition, never issue a number twice.
        self._series_known: dict[str, int] | None = {} if remember_series else None

    # --- reads -------------------------------------------------------------------------------------
    def _get(self, key: tuple[str, str], kind: type[T]) -> tuple[T, int] | None:
        try:
            item = DocItem.get(*key, consistent_read=True)
        except DocItem.DoesNotExist:
            return None
        return load(kind, item.doc.as_dict()), int(item.version)

    def _get_many(self, keys: list[tuple[str, str]], kind: type[T], consistent: bool = False) -> list[T]:
        if not keys:
            return []
        return [load(kind, item.doc.as_dict()) for item in DocItem.batch_get(keys, consistent_read=consistent)]

    def _list(self, gsi1pk: str, kind: type[T], page: PageRequest, condition: Any = None) -> Page[T]:
        items, cursor = listing(gsi1pk, page, condition)
        return Page([load(kind, item.doc.as_dict()) for item in items], cursor)

    def get_product(self, product_id: str) -> Product | None:
        found = self._get(product_key(product_id), Product)
        return None if found is None else found[0]

    def list_products(self, page: PageRequest) -> Page[Product]:
        return self._list("CATALOG#product", Product, page)

    def get_price(self, price_id: str) -> Price | None:
        found = self._get(price_key(price_id), Price)
        return None if found is None else found[0]

    def get_prices(self, price_ids: Iterable[str]) -> dict[str, Price]:
        prices = self._get_many([price_key(i) for i in sorted(set(price_ids))], Price)
        return {price.id: price for price in prices}

    def list_prices(self, page: PageRequest) -> Page[Price]:
        return self._list("CATALOG#price", Price, page)

    def get_coupon(self, coupon_id: str) -> tuple[Coupon, int] | None:
        return self._get(coupon_key(coupon_id), Coupon)

    def list_coupons(self, page: PageRequest) -> Page[Coupon]:
        return self._list("CATALOG#coupon", Coupon, page)

    def find_promotion_code(self, code: str) -> tuple[PromotionCode, int] | None:
        return self._get(promotion_key(code), PromotionCode)

    def list_promotion_codes(self, page: PageRequest) -> Page[PromotionCode]:
        return self._list("CATALOG#promotion_code", PromotionCode, page)

    def get_subscription(self, subscription_id: str) -> Subscription | None:
        found = self._get(subscription_key(subscription_id), Subscription)
        return None if found is None else found[0]

    def get_subscriptions(self, subscription_ids: Iterable[str]) -> dict[str, Subscription]:
        found = self._get_many([subscription_key(i) for i in sorted(set(subscription_ids))], Subscription)
        return {subscription.id: subscription for subscription in found}

    def list_subscriptions(self, account_id: str, page: PageRequest) -> Page[Subscription]:
        return self._list(f"{account_pk(account_id)}#SUB", Subscription, page)

    def get_invoice(self, invoice_id: str) -> Invoice | None:
        found = self._get(invoice_key(invoice_id), Invoice)
        return None if found is None else found[0]

    def get_invoices(self, invoice_ids: Iterable[str]) -> dict[str, Invoice]:
        found = self._get_many([invoice_key(i) for i in sorted(set(invoice_ids))], Invoice, consistent=True)
        return {invoice.id: invoice for invoice in found}

    def list_invoices(self, account_id: str, status: str | None, page: PageRequest) -> Page[Invoice]:
        condition = DocItem.doc["status"] == status if status else None
        return self._list(f"{account_pk(account_id)}#INVOICE", Invoice, page, condition)

    def pending_items(self, account_id: str) -> list[InvoiceItem]:
        items = DocItem.query(account_pk(account_id), DocItem.sk.startswith("ITEM#"), consistent_read=True)
        return [load(InvoiceItem, item.doc.as_dict()) for item in items]

    def forget_series(self) -> None:
        """Read the series counters again from now on (the end of a batch, a failed commit)."""
        if self._series_known is not None:
            self._series_known.clear()

    def series_last(self, series: str) -> int:
        if self._series_known is not None and series in self._series_known:
            return self._series_known[series]
        try:
            return int(DocItem.get(f"SERIES#{series}", "SERIES", consistent_read=True).last or 0)
        except DocItem.DoesNotExist:
            return 0

    def ledger(self, account_id: str, currency: str) -> tuple[AccountLedger, int]:
        """One Query: the entries (in posting order, by sequence) and the head holding the version."""
        entries, version = [], 0
        for item in DocItem.query(account_pk(account_id), DocItem.sk.startswith("LEDGER"), consistent_read=True):
            if item.sk == "LEDGERHEAD":
                version = int(item.version)
            else:
                entries.append(load(LedgerEntry, item.doc.as_dict()))
        currency = entries[0].currency if entries else currency
        return AccountLedger.replay(account_id, currency, entries), version

    def get_credit_note(self, credit_note_id: str) -> CreditNote | None:
        found = self._get(credit_note_key(credit_note_id), CreditNote)
        return None if found is None else found[0]

    def _issued(self, month: str, kind: str) -> list[tuple[str, str]]:
        """The keys of the documents of ``kind`` issued in ``month`` (their references under ISSUED#)."""
        references = DocItem.query(f"ISSUED#{month}", DocItem.sk.startswith(f"{kind}#"), consistent_read=True)
        return [(reference.doc["pk"], reference.doc["sk"]) for reference in references]

    def issued_in(self, month: str) -> tuple[list[Invoice], list[CreditNote]]:
        return (
            self._get_many(self._issued(month, "invoice"), Invoice),
            self._get_many(self._issued(month, "credit_note"), CreditNote),
        )

    def receipts_in(self, month: str) -> list[Receipt]:
        return self._get_many(self._issued(month, "receipt"), Receipt)

    def list_credit_notes(self, account_id: str, page: PageRequest) -> Page[CreditNote]:
        return self._list(f"{account_pk(account_id)}#CREDITNOTE", CreditNote, page)

    def get_payment_profile(self, account_id: str) -> PaymentProfile | None:
        found = self._get(payment_profile_key(account_id), PaymentProfile)
        return None if found is None else found[0]

    def get_payment(self, payment_id: str) -> Payment | None:
        found = self._get(payment_key(payment_id), Payment)
        return None if found is None else found[0]

    def list_payments(self, account_id: str, page: PageRequest) -> Page[Payment]:
        return self._list(f"{account_pk(account_id)}#PAYMENT", Payment, page)

    def get_budget(self, budget_id: str) -> Budget | None:
        found = self._get(budget_key(budget_id), Budget)
        return None if found is None else found[0]

    def list_budgets(self, account_id: str) -> list[Budget]:
        budgets: list[Budget] = []
        page = PageRequest(limit=100)
        while True:
            found = self._list(f"{account_pk(account_id)}#BUDGET", Budget, page)
            budgets += found.items
            if not found.next_cursor:
                return sorted(budgets, key=lambda b: b.created)
            page = PageRequest(limit=100, cursor=found.next_cursor)

    def get_registration(self, registration_id: str) -> Registration | None:
        found = self._get(registration_key(registration_id), Registration)
        return None if found is None else found[0]

    def registration_for_license(self, license_arn: str) -> Registration | None:
        found = self._list(f"MPLICENSE#{license_arn}", Registration, PageRequest(limit=1))
        return found.items[0] if found.items else None

    def metering_hours(self, subscription_id: str, start: datetime, end: datetime) -> list[MeteringHour]:
        items = DocItem.query(f"MPMETER#{subscription_id}", DocItem.sk.between(start.isoformat(), end.isoformat()))
        hours = [load(MeteringHour, item.doc.as_dict()) for item in items]
        return [hour for hour in hours if hour.hour < end]

    def notices(self, keys: Iterable[str]) -> list[Notice]:
        found: dict[str, Notice] = {}
        for key in sorted(set(keys)):
            for item in DocItem.query(f"MPKEY#{key}"):
                notice = load(Notice, item.doc.as_dict())
                found[notice.id] = notice
        return sorted(found.values(), key=lambda n: (n.occurred_at, n.id))

    def get_receipt(self, receipt_id: str) -> Receipt | None:
        found = self._get(receipt_key(receipt_id), Receipt)
        return None if found is None else found[0]

    def list_receipts(self, account_id: str, page: PageRequest) -> Page[Receipt]:
        return self._list(f"{account_pk(account_id)}#RECEIPT", Receipt, page)

    def get_digest(self, digest_id: str) -> ReceiptDigest | None:
        found = self._get(digest_key(digest_id), ReceiptDigest)
        return None if found is None else found[0]

    def record_webhook(self, event_id: str, received: datetime) -> bool:
        expires = int((received + WEBHOOK_MEMORY).timestamp())
        item = DocItem(
            *webhook_key(event_id), kind="webhook", doc={"received": received.isoformat()}, expires_at=expires
        )
        try:
            item.save(condition=DocItem.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def forget_webhook(self, event_id: str) -> None:
        DocItem(*webhook_key(event_id)).delete()

    # --- writes ------------------------------------------------------------------------------------
    def commit(self, batch: WriteBatch) -> Committed:
        if len(batch) > MAX_TRANSACTION_ITEMS:
            raise InvalidInputError(ErrorCode.TOO_MANY_CHANGES, "This change is too large for one transaction.", None)
        try:
            with TransactWrite(connection=transaction_connection()) as transaction:
                stage(transaction, batch)
        except TransactWriteError as error:
            self.forget_series()  # refused, or landed with its answer lost: the counters are read again
            # Canceled: a condition failed (a version moved). Conflict: another transaction held an item.
            if error.cause_response_code in ("TransactionCanceledException", "TransactionConflictException"):
                raise ConflictError(
                    ErrorCode.CONCURRENT_UPDATE, "Something this change depends on changed meanwhile; retry.", None
                ) from error
            raise
        if self._series_known is not None:
            self._series_known.update((advance.series, advance.taken) for advance in batch.series)
        committed = Committed.of(batch)
        if self.on_commit is not None:
            self.on_commit(committed)
        return committed
