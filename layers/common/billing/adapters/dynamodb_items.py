"""The single table's billing items: one DocItem per object, its keys, its listings, its cursors.

Each object is one item: its key, a ``kind``, its serialized ``doc``, a ``version`` for optimistic
concurrency and, when it is listed, GSI1 keys; while something is due on it, DUE index keys.
docs/data-model.md lists every key. The store (``dynamodb_billing``), the batch writer
(``dynamodb_writes``) and the usage store (``dynamodb_usage``) share these.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from billing.adapters.dynamodb_tables import TableItem, account_pk
from billing.errors import ErrorCode, InvalidInputError
from billing.events import DomainEvent
from billing.ports import PageRequest
from billing.runs.shards import shard_of


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


def listed(created: datetime, object_id: str) -> str:
    return f"{created.isoformat()}#{object_id}"


# Key design, one place: (pk, sk) and the GSI1 listing of each kind.
def _by_id(prefix: str) -> Callable[[str], tuple[str, str]]:
    """Most kinds: partition ``<PREFIX>#<id>``, sort key ``<PREFIX>``."""
    return lambda object_id: (f"{prefix}#{object_id}", prefix)


product_key = _by_id("PRODUCT")
price_key = _by_id("PRICE")
coupon_key = _by_id("COUPON")
subscription_key = _by_id("SUB")
invoice_key = _by_id("INVOICE")
payment_key = _by_id("PAYMENT")
receipt_key = _by_id("RECEIPT")
digest_key = _by_id("DIGEST")
webhook_key = _by_id("WEBHOOK")
credit_note_key = _by_id("CREDITNOTE")
budget_key = _by_id("BUDGET")
registration_key = _by_id("MPREG")


def issued_key(kind: str, month: str, document_pk: str) -> tuple[str, str]:
    """A reference to a document issued in ``month``: partition per month, sort key its kind and own key."""
    return f"ISSUED#{month}", f"{kind}#{document_pk}"


def promotion_key(code: str) -> tuple[str, str]:
    return f"PROMO#{code.upper()}", "PROMO"


def payment_profile_key(account_id: str) -> tuple[str, str]:
    return account_pk(account_id), "PAYMENTPROFILE"


def usage_key(subscription_id: str, event_id: str) -> tuple[str, str]:
    return f"USAGE#{subscription_id}#{event_id}", "EVENT"


def outbox_key(event: DomainEvent) -> tuple[str, str]:
    return f"OUTBOX#{shard_of(event.id)}", f"{event.at.isoformat()}#{event.id}"


def listing(gsi1pk: str, page: PageRequest, condition: Any = None) -> tuple[list[DocItem], str | None]:
    """One page of a GSI1 listing, newest first, and the cursor of the next (``None`` at the end)."""
    results = DocItem.gsi1.query(
        gsi1pk,
        scan_index_forward=False,
        limit=page.limit,
        last_evaluated_key=decode_cursor(page.cursor),
        filter_condition=condition,
    )
    return list(results), encode_cursor(results.last_evaluated_key)


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
