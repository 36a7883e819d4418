"""Billing objects in the single table, as documents (docs/data-model.md lists every key).

Each object is one item: its key, a ``kind``, its serialized ``doc``, a ``version`` for optimistic
concurrency and, when it is listed, GSI1 keys. ``commit`` writes a whole WriteBatch in one
TransactWriteItems, so what belongs together is stored together or not at all.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.transactions import TransactWrite

from billing.adapters.documents import dump, load
from billing.adapters.dynamodb_accounts import AccountItem
from billing.adapters.dynamodb_tables import TableItem, account_pk, transaction_connection
from billing.batch import Committed, OnCommit, WriteBatch
from billing.catalog.models import Price, Product
from billing.discounts.models import Coupon, PromotionCode
from billing.errors import ConflictError, ErrorCode, InvalidInputError
from billing.events import DomainEvent
from billing.invoices.invoice_items import InvoiceItem
from billing.invoices.models import CreditNote, Invoice
from billing.ledger.account_ledger import AccountLedger, LedgerEntry
from billing.payments.models import Payment, PaymentProfile, Receipt, ReceiptDigest
from billing.ports import Page, PageRequest
from billing.runs.shards import shard_of
from billing.subscriptions.models import Subscription
from billing.usage.models import UsageEvent

T = TypeVar("T")
MAX_TRANSACTION_ITEMS = 100
# Stripe retries a webhook for three days: an event id is remembered for a week.
WEBHOOK_MEMORY = timedelta(days=7)


class Gsi1(GlobalSecondaryIndex["DocItem"]):
    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex["DocItem"]):
    class Meta:
        index_name = "DUE"
        projection = KeysOnlyProjection()

    duepk = UnicodeAttribute(hash_key=True)
    duesk = UnicodeAttribute(range_key=True)


class DocItem(TableItem):
    kind = UnicodeAttribute()
    doc = MapAttribute[str, Any]()
    version = NumberAttribute(default=0)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    duepk = UnicodeAttribute(null=True)  # set only while something is due: a sparse index
    duesk = UnicodeAttribute(null=True)
    last = NumberAttribute(null=True)  # series counters
    expires_at = NumberAttribute(null=True)  # DynamoDB TTL (epoch seconds): webhook event ids
    gsi1 = Gsi1()
    due_index = DueIndex()


def _listed(created: datetime, object_id: str) -> str:
    return f"{created.isoformat()}#{object_id}"


# Key design, one place: (pk, sk) and the GSI1 listing of each kind.
def product_key(product_id: str) -> tuple[str, str]:
    return f"PRODUCT#{product_id}", "PRODUCT"


def price_key(price_id: str) -> tuple[str, str]:
    return f"PRICE#{price_id}", "PRICE"


def coupon_key(coupon_id: str) -> tuple[str, str]:
    return f"COUPON#{coupon_id}", "COUPON"


def promotion_key(code: str) -> tuple[str, str]:
    return f"PROMO#{code.upper()}", "PROMO"


def subscription_key(subscription_id: str) -> tuple[str, str]:
    return f"SUB#{subscription_id}", "SUB"


def invoice_key(invoice_id: str) -> tuple[str, str]:
    return f"INVOICE#{invoice_id}", "INVOICE"


def payment_profile_key(account_id: str) -> tuple[str, str]:
    return account_pk(account_id), "PAYMENTPROFILE"


def payment_key(payment_id: str) -> tuple[str, str]:
    return f"PAYMENT#{payment_id}", "PAYMENT"


def receipt_key(receipt_id: str) -> tuple[str, str]:
    return f"RECEIPT#{receipt_id}", "RECEIPT"


def digest_key(digest_id: str) -> tuple[str, str]:
    return f"DIGEST#{digest_id}", "DIGEST"


def webhook_key(event_id: str) -> tuple[str, str]:
    return f"WEBHOOK#{event_id}", "WEBHOOK"


def usage_key(subscription_id: str, event_id: str) -> tuple[str, str]:
    return f"USAGE#{subscription_id}#{event_id}", "EVENT"


def outbox_key(event: DomainEvent) -> tuple[str, str]:
    return f"OUTBOX#{shard_of(event.id)}", f"{event.at.isoformat()}#{event.id}"


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    return None if not key else base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error) as error:
        raise InvalidInputError(ErrorCode.INVALID_CURSOR, "This cursor is not one we issued.", "cursor") from error
    if not isinstance(decoded, dict):
        raise InvalidInputError(ErrorCode.INVALID_CURSOR, "This cursor is not one we issued.", "cursor")
    return decoded


class DynamoBillingStore:
    def __init__(self, on_commit: OnCommit | None = None) -> None:
        self.on_commit = on_commit  # told of each commit: the function's PendingEvents

    # --- reads -------------------------------------------------------------------------------------
    def _get(self, key: tuple[str, str], kind: type[T]) -> tuple[T, int] | None:
        try:
            item = DocItem.get(*key, consistent_read=True)
        except DocItem.DoesNotExist:
            return None
        return load(kind, item.doc.as_dict()), int(item.version)

    def _get_many(self, keys: list[tuple[str, str]], kind: type[T]) -> list[T]:
        return [load(kind, item.doc.as_dict()) for item in DocItem.batch_get(keys)] if keys else []

    def _list(self, gsi1pk: str, kind: type[T], page: PageRequest, condition: Any = None) -> Page[T]:
        results = DocItem.gsi1.query(
            gsi1pk,
            scan_index_forward=False,  # newest first
            limit=page.limit,
            last_evaluated_key=decode_cursor(page.cursor),
            filter_condition=condition,
        )
        items = [load(kind, item.doc.as_dict()) for item in results]
        return Page(items, encode_cursor(results.last_evaluated_key))

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

    def list_invoices(self, account_id: str, status: str | None, page: PageRequest) -> Page[Invoice]:
        condition = DocItem.doc["status"] == status if status else None
        return self._list(f"{account_pk(account_id)}#INVOICE", Invoice, page, condition)

    def pending_items(self, account_id: str) -> list[InvoiceItem]:
        items = DocItem.query(account_pk(account_id), DocItem.sk.startswith("ITEM#"), consistent_read=True)
        return [load(InvoiceItem, item.doc.as_dict()) for item in items]

    def series_last(self, series: str) -> int:
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

    def due(self, shard: int, until: datetime) -> list[tuple[str, str]]:
        found = []
        for item in DocItem.due_index.query(f"DUE#{shard}", DocItem.duesk <= f"{until.isoformat()}#~"):
            _, kind, object_id = item.duesk.rsplit("#", 2)
            found.append((kind, object_id))
        return found

    def outbox(self, shard: int) -> list[DomainEvent]:
        return [
            load(DomainEvent, item.doc.as_dict()) for item in DocItem.query(f"OUTBOX#{shard}", consistent_read=True)
        ]

    def clear_outbox(self, events: Iterable[DomainEvent]) -> None:
        with DocItem.batch_write() as batch:
            for event in events:
                batch.delete(DocItem(*outbox_key(event)))

    def get_credit_note(self, credit_note_id: str) -> CreditNote | None:
        found = self._get((f"CREDITNOTE#{credit_note_id}", "CREDITNOTE"), CreditNote)
        return None if found is None else found[0]

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
                self._stage(transaction, batch)
        except TransactWriteError as error:
            # Canceled: a condition failed (a version moved). Conflict: another transaction held an item.
            if error.cause_response_code in ("TransactionCanceledException", "TransactionConflictException"):
                raise ConflictError(
                    ErrorCode.CONCURRENT_UPDATE, "Something this change depends on changed meanwhile; retry.", None
                ) from error
            raise
        committed = Committed.of(batch)
        if self.on_commit is not None:
            self.on_commit(committed)
        return committed

    def _stage(self, transaction: TransactWrite, batch: WriteBatch) -> None:
        for product in batch.products:
            self._put_new(transaction, product_key(product.id), "product", product, "CATALOG#product", product.id)
        for price in batch.prices:
            self._put_new(transaction, price_key(price.id), "price", price, "CATALOG#price", price.id)
        for coupon, version in batch.coupons:
            self._put_versioned(
                transaction, coupon_key(coupon.id), "coupon", coupon, version, ("CATALOG#coupon", coupon.id)
            )
        for code, version in batch.promotion_codes:
            self._put_versioned(
                transaction,
                promotion_key(code.code),
                "promotion_code",
                code,
                version,
                ("CATALOG#promotion_code", code.id),
            )
        for subscription in batch.subscriptions:
            self._put_versioned(
                transaction,
                subscription_key(subscription.id),
                "subscription",
                subscription,
                subscription.version,
                (f"{account_pk(subscription.account_id)}#SUB", _listed(subscription.created, subscription.id)),
                due=subscription.next_due(),
            )
        for invoice in batch.invoices:
            self._put_versioned(
                transaction,
                invoice_key(invoice.id),
                "invoice",
                invoice,
                invoice.version,
                (f"{account_pk(invoice.account_id)}#INVOICE", _listed(invoice.draft.created, invoice.id)),
                due=invoice.next_due(),
            )
        for note in batch.credit_notes:
            self._put_versioned(
                transaction,
                (f"CREDITNOTE#{note.id}", "CREDITNOTE"),
                "credit_note",
                note,
                note.version,
                (f"{account_pk(note.account_id)}#CREDITNOTE", _listed(note.created, note.id)),
            )
        for advance in batch.series:
            condition = (
                DocItem.pk.does_not_exist() if advance.expected_last == 0 else DocItem.last == advance.expected_last
            )
            counter = DocItem(f"SERIES#{advance.series}", "SERIES", kind="series", doc={}, last=advance.taken)
            transaction.save(counter, condition=condition)
        for append in batch.ledger:
            head = DocItem(
                account_pk(append.account_id), "LEDGERHEAD", kind="ledger_head", doc={}, version=append.head_version + 1
            )
            transaction.save(head, condition=self._version_condition(append.head_version))
            for index, entry in enumerate(append.entries):
                sequence = f"LEDGER#{append.head_version + 1:010d}.{index:03d}"
                transaction.save(
                    DocItem(account_pk(append.account_id), sequence, kind="ledger_entry", doc=dump(entry)),
                    condition=DocItem.pk.does_not_exist(),
                )
        for item in batch.pending_items:
            transaction.save(
                DocItem(account_pk(item.account_id), f"ITEM#{item.id}", kind="invoice_item", doc=dump(item)),
                condition=DocItem.pk.does_not_exist(),
            )
        for item in batch.consumed_items:
            transaction.delete(DocItem(account_pk(item.account_id), f"ITEM#{item.id}"), condition=DocItem.pk.exists())
        for profile in batch.payment_profiles:
            self._put_versioned(
                transaction, payment_profile_key(profile.account_id), "payment_profile", profile, profile.version, None
            )
        for payment in batch.payments:
            self._put_versioned(
                transaction,
                payment_key(payment.id),
                "payment",
                payment,
                payment.version,
                (f"{account_pk(payment.account_id)}#PAYMENT", _listed(payment.created, payment.id)),
            )
        for receipt in batch.receipts:
            self._put_versioned(
                transaction,
                receipt_key(receipt.id),
                "receipt",
                receipt,
                receipt.version,
                (f"{account_pk(receipt.account_id)}#RECEIPT", _listed(receipt.created, receipt.id)),
            )
        for change in batch.account_statuses:
            # The account item is typed (accounts/); PynamoDB's version handling conditions the update on
            # the version read and increments it, so a concurrent profile save conflicts instead of
            # putting back the old status.
            account = AccountItem(account_pk(change.account_id), "ACCOUNT")
            account.version = change.version or None
            transaction.update(account, actions=[AccountItem.status.set(change.status.value)])
        for digest in batch.digests:
            # Every receipt of the month writes the same item: an overwrite, never a conflict.
            scheduled = DocItem(*digest_key(digest.id), kind="receipt_digest", doc=dump(digest))
            scheduled.duepk = f"DUE#{shard_of(digest.id)}"
            scheduled.duesk = f"{digest.due_at.isoformat()}#digest#{digest.id}"
            transaction.save(scheduled)
        for digest in batch.digests_sent:
            transaction.delete(DocItem(*digest_key(digest.id)), condition=DocItem.pk.exists())
        for claim in batch.claims:
            transaction.save(
                DocItem(f"CLAIM#{claim}", "CLAIM", kind="claim", doc={}), condition=DocItem.pk.does_not_exist()
            )
        for event in batch.events:
            # Overwriting is harmless: an event id names one fact, with one content.
            transaction.save(DocItem(*outbox_key(event), kind="outbox_event", doc=dump(event)))

    @staticmethod
    def _version_condition(version: int) -> Any:
        return DocItem.pk.does_not_exist() if version == 0 else DocItem.version == version

    def _put_new(
        self, transaction: TransactWrite, key: tuple[str, str], kind: str, value: Any, gsi1pk: str, object_id: str
    ) -> None:
        created = getattr(value, "created", None)
        listed = _listed(created, object_id) if created else object_id
        self._put_versioned(transaction, key, kind, value, 0, (gsi1pk, listed))

    def _put_versioned(
        self,
        transaction: TransactWrite,
        key: tuple[str, str],
        kind: str,
        value: Any,
        version: int,
        listing: tuple[str, str] | None,
        due: datetime | None = None,
    ) -> None:
        doc = dump(value)
        doc.pop("version", None)
        doc["version"] = version + 1
        item = DocItem(key[0], key[1], kind=kind, doc=doc, version=version + 1)
        if listing is not None:
            item.gsi1pk, item.gsi1sk = listing
        if due is not None:
            object_id = key[0].split("#", 1)[1]
            item.duepk, item.duesk = f"DUE#{shard_of(object_id)}", f"{due.isoformat()}#{kind}#{object_id}"
        transaction.save(item, condition=self._version_condition(version))


class DynamoUsageStore:
    def known_event_ids(self, subscription_event_ids: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        keys = sorted({usage_key(sub, event) for sub, event in subscription_event_ids})
        found = set()
        for item in DocItem.batch_get(keys, attributes_to_get=["pk"]):
            _, subscription_id, event_id = item.pk.split("#", 2)
            found.add((subscription_id, event_id))
        return found

    def add_events(self, events: Iterable[UsageEvent]) -> None:
        with DocItem.batch_write() as batch:
            for event in events:
                item = DocItem(*usage_key(event.subscription_id, event.id), kind="usage_event", doc=dump(event))
                item.gsi1pk = f"USAGE#{event.subscription_id}"
                item.gsi1sk = f"{event.timestamp.isoformat()}#{event.id}"
                batch.save(item)

    def events(self, subscription_id: str, start: datetime, end: datetime) -> list[UsageEvent]:
        results = DocItem.gsi1.query(
            f"USAGE#{subscription_id}", DocItem.gsi1sk.between(start.isoformat(), f"{end.isoformat()}#\uffff")
        )
        return [event for item in results if (event := load(UsageEvent, item.doc.as_dict())).timestamp < end]
