"""How each part of a WriteBatch becomes items of one TransactWriteItems: one writer per batch field.

Most parts are documents: one item per object, put only over the version read (0: must not exist),
listed on GSI1, on the DUE index while something is due. ``DOCUMENTS`` says, per field, how to key,
version and list them. The other parts (series counters, ledger appends, pending items, claims, the
outbox, …) have a writer each. ``WRITERS`` covers every field of WriteBatch: a new field without a
writer fails at import, not in production.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from pynamodb.transactions import TransactWrite

from billing.adapters.documents import dump
from billing.adapters.dynamodb_accounts import AccountItem
from billing.adapters.dynamodb_items import (
    DocItem,
    budget_key,
    coupon_key,
    credit_note_key,
    digest_key,
    invoice_key,
    issued_key,
    listed,
    outbox_key,
    payment_key,
    payment_profile_key,
    price_key,
    product_key,
    promotion_key,
    receipt_key,
    registration_key,
    subscription_key,
)
from billing.adapters.dynamodb_tables import account_pk
from billing.batch import AccountStatusChange, LedgerAppend, SeriesAdvance, WriteBatch
from billing.events import DomainEvent
from billing.invoices.invoice_items import InvoiceItem
from billing.invoices.numbering import seller_month
from billing.marketplace.notices import Notice
from billing.payments.models import ReceiptDigest
from billing.runs.shards import shard_of

Writer = Callable[[TransactWrite, Any], None]


def version_condition(version: int) -> Any:
    return DocItem.pk.does_not_exist() if version == 0 else DocItem.version == version


@dataclass(frozen=True, slots=True)
class Document:
    """One kind of versioned document. A batch entry is the object, or (object, version read)."""

    kind: str
    key: Callable[[Any], tuple[str, str]]
    listing: Callable[[Any], tuple[str, str] | None]
    paired: bool = False  # entries are (object, version read); else objects carry it (none: created once)
    due: Callable[[Any], datetime | None] = lambda _: None
    # The month it was issued in (invoices once finalized, credit notes, receipts): a reference to it is kept
    # under ISSUED#<month>, where the month's reports (e-reporting) find every account's documents at once.
    issued: Callable[[Any], datetime | None] = lambda _: None

    def __call__(self, transaction: TransactWrite, entry: Any) -> None:
        value, version = entry if self.paired else (entry, getattr(entry, "version", 0))
        doc = dump(value)
        doc["version"] = version + 1
        key = self.key(value)
        item = DocItem(key[0], key[1], kind=self.kind, doc=doc, version=version + 1)
        listing = self.listing(value)
        if listing is not None:
            item.gsi1pk, item.gsi1sk = listing
        due = self.due(value)
        if due is not None:
            object_id = key[0].split("#", 1)[1]
            item.duepk, item.duesk = f"DUE#{shard_of(object_id)}", f"{due.isoformat()}#{self.kind}#{object_id}"
        transaction.save(item, condition=version_condition(version))
        issued = self.issued(value)
        if issued is not None:  # rewritten with every save of the document: the same item, never a conflict
            reference = {"pk": key[0], "sk": key[1]}  # the document's own key, for the month's BatchGet
            transaction.save(
                DocItem(*issued_key(self.kind, seller_month(issued), key[0]), kind="issued", doc=reference)
            )


def _account_listing(kind: str) -> Callable[[Any], tuple[str, str]]:
    return lambda value: (f"{account_pk(value.account_id)}#{kind}", listed(value.created, value.id))


def _catalog_listing(kind: str) -> Callable[[Any], tuple[str, str]]:
    return lambda value: (f"CATALOG#{kind}", listed(value.created, value.id) if value.created else value.id)


DOCUMENTS: dict[str, Document] = {
    "products": Document("product", lambda p: product_key(p.id), _catalog_listing("product")),
    "prices": Document("price", lambda p: price_key(p.id), _catalog_listing("price")),
    "coupons": Document("coupon", lambda c: coupon_key(c.id), lambda c: ("CATALOG#coupon", c.id), paired=True),
    "promotion_codes": Document(
        "promotion_code", lambda c: promotion_key(c.code), lambda c: ("CATALOG#promotion_code", c.id), paired=True
    ),
    "subscriptions": Document(
        "subscription", lambda s: subscription_key(s.id), _account_listing("SUB"), due=lambda s: s.next_due()
    ),
    "invoices": Document(
        "invoice",
        lambda i: invoice_key(i.id),
        lambda i: (f"{account_pk(i.account_id)}#INVOICE", listed(i.draft.created, i.id)),
        due=lambda i: i.next_due(),
        issued=lambda i: i.finalized_at,
    ),
    "credit_notes": Document(
        "credit_note", lambda n: credit_note_key(n.id), _account_listing("CREDITNOTE"), issued=lambda n: n.created
    ),
    "payment_profiles": Document("payment_profile", lambda p: payment_profile_key(p.account_id), lambda _: None),
    "payments": Document("payment", lambda p: payment_key(p.id), _account_listing("PAYMENT")),
    "receipts": Document(
        "receipt", lambda r: receipt_key(r.id), _account_listing("RECEIPT"), issued=lambda r: r.created
    ),
    # Budgets with forecast thresholds are due every hour (the billing run evaluates them).
    "budgets": Document("budget", lambda b: budget_key(b.id), _account_listing("BUDGET"), due=lambda b: b.next_due()),
    # Found by id (derived from the AWS customer) and by license ARN (license events name it).
    "registrations": Document(
        "marketplace_registration",
        lambda r: registration_key(r.id),
        lambda r: (f"MPLICENSE#{r.customer.license_arn}", r.id) if r.customer.license_arn else None,
        due=lambda r: r.next_due(),  # the next hour to report to AWS, once it has closed
    ),
    "metering_hours": Document(
        "marketplace_hour", lambda h: (f"MPMETER#{h.subscription_id}", h.hour.isoformat()), lambda _: None
    ),
}


def _series(transaction: TransactWrite, advance: SeriesAdvance) -> None:
    condition = DocItem.pk.does_not_exist() if advance.expected_last == 0 else DocItem.last == advance.expected_last
    counter = DocItem(f"SERIES#{advance.series}", "SERIES", kind="series", doc={}, last=advance.taken)
    transaction.save(counter, condition=condition)


def _ledger(transaction: TransactWrite, append: LedgerAppend) -> None:
    """The head carries the version appends are conditioned on; entries are keyed in posting order."""
    pk = account_pk(append.account_id)
    head = DocItem(pk, "LEDGERHEAD", kind="ledger_head", doc={}, version=append.head_version + 1)
    transaction.save(head, condition=version_condition(append.head_version))
    for index, entry in enumerate(append.entries):
        sequence = f"LEDGER#{append.head_version + 1:010d}.{index:03d}"
        transaction.save(
            DocItem(pk, sequence, kind="ledger_entry", doc=dump(entry)), condition=DocItem.pk.does_not_exist()
        )


def _pending_item(transaction: TransactWrite, item: InvoiceItem) -> None:
    transaction.save(
        DocItem(account_pk(item.account_id), f"ITEM#{item.id}", kind="invoice_item", doc=dump(item)),
        condition=DocItem.pk.does_not_exist(),
    )


def _consumed_item(transaction: TransactWrite, item: InvoiceItem) -> None:
    transaction.delete(DocItem(account_pk(item.account_id), f"ITEM#{item.id}"), condition=DocItem.pk.exists())


def _account_status(transaction: TransactWrite, change: AccountStatusChange) -> None:
    # The account item is typed (accounts/); PynamoDB's version handling conditions the update on the
    # version read and increments it, so a concurrent profile save conflicts instead of putting back
    # the old status.
    account = AccountItem(account_pk(change.account_id), "ACCOUNT")
    account.version = change.version or None
    transaction.update(account, actions=[AccountItem.status.set(change.status.value)])


def _digest(transaction: TransactWrite, digest: ReceiptDigest) -> None:
    # Every receipt of the month writes the same item: an overwrite, never a conflict.
    scheduled = DocItem(*digest_key(digest.id), kind="receipt_digest", doc=dump(digest))
    scheduled.duepk = f"DUE#{shard_of(digest.id)}"
    scheduled.duesk = f"{digest.due_at.isoformat()}#digest#{digest.id}"
    transaction.save(scheduled)


def _digest_sent(transaction: TransactWrite, digest: ReceiptDigest) -> None:
    transaction.delete(DocItem(*digest_key(digest.id)), condition=DocItem.pk.exists())


def _claim(transaction: TransactWrite, claim: str) -> None:
    transaction.save(DocItem(f"CLAIM#{claim}", "CLAIM", kind="claim", doc={}), condition=DocItem.pk.does_not_exist())


def _released_claim(transaction: TransactWrite, claim: str) -> None:
    transaction.delete(DocItem(f"CLAIM#{claim}", "CLAIM"))


def _notice(transaction: TransactWrite, notice: Notice) -> None:
    # One item under each key a registration may look it up by; a redelivered notice rewrites the same.
    for key in notice.keys:
        sk = f"{notice.occurred_at.isoformat()}#{notice.id}"
        transaction.save(DocItem(f"MPKEY#{key}", sk, kind="marketplace_notice", doc=dump(notice)))


def _event(transaction: TransactWrite, event: DomainEvent) -> None:
    # Overwriting is harmless: an event id names one fact, with one content.
    transaction.save(DocItem(*outbox_key(event), kind="outbox_event", doc=dump(event)))


WRITERS: dict[str, Writer] = {
    **DOCUMENTS,
    "series": _series,
    "ledger": _ledger,
    "pending_items": _pending_item,
    "consumed_items": _consumed_item,
    "account_statuses": _account_status,
    "digests": _digest,
    "digests_sent": _digest_sent,
    "claims": _claim,
    "released_claims": _released_claim,
    "notices": _notice,
    "events": _event,
}
_missing = {f.name for f in fields(WriteBatch)} ^ set(WRITERS)
if _missing:
    raise TypeError(f"WriteBatch fields without a DynamoDB writer (or writers without a field): {_missing}")


def stage(transaction: TransactWrite, batch: WriteBatch) -> None:
    """Add every part of the batch to the transaction."""
    for part in fields(batch):
        write = WRITERS[part.name]
        for entry in getattr(batch, part.name):
            write(transaction, entry)
