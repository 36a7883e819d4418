"""Usage events in the single table: packed by subscription and hour, one claim per event id; and daily
totals per account, one item per (day, subscription, meter, usage period, tag set).

Why packs: an item per event listed on GSI1 cost 2 WCU per event (the item and its index entry, each
rounded up to 1 KB for ~250 bytes). A pack holds the compact rows of one batch's events of a subscription
in one hour (keyed ``<hour>#<hash of its rows>``, so a retried batch rewrites the same pack), and the
listing is a range query on the base table; the claim, a key-only item per id, keeps the deduplication
by id. Packs are written before claims: a crash in between leaves events unclaimed, which the retry
writes again into the same pack, and a listing drops an id met twice."""

from __future__ import annotations

import hashlib
import json
import random
import time
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from billing.adapters.dynamodb_items import usage_key
from billing.adapters.dynamodb_tables import TableItem, transaction_connection
from billing.usage.models import DailyUsage, UsageEvent

# Quantities carry at most 6 decimals (the API refuses more): totals are kept as integer millionths, which
# DynamoDB's ADD sums exactly (PynamoDB's NumberAttribute would read a decimal back as a float).
_MICROS = Decimal(10) ** 6
_FOLD_KEPT = timedelta(days=40)  # events older than 35 days are refused: no retry can come later
_PER_TRANSACTION = 99  # DynamoDB's 100 items, one of them the fold marker
_PACK_BYTES = 300_000  # a pack's rows, well under DynamoDB's 400 KB per item
# A batch holds its subscriptions' usage for at most API Gateway's 29 s: a holder that died leaves a lease
# that the next writer takes over once expired. A writer waits about as long before giving up.
_LEASE_S = 30
_LEASE_WAIT_S = 30


class UsageDayItem(TableItem):
    kind = UnicodeAttribute(default="usage_day")
    account = UnicodeAttribute()
    day = UnicodeAttribute()
    subscription = UnicodeAttribute()
    meter = UnicodeAttribute()
    period_start = UnicodeAttribute()
    tags = UnicodeAttribute()  # canonical JSON of the sorted (key, value) pairs
    micros = NumberAttribute(default=0)
    events = NumberAttribute(default=0)


class UsagePack(TableItem):
    kind = UnicodeAttribute(default="usage_pack")
    rows = UnicodeAttribute()  # a JSON list of _row(event)


class UsageClaim(TableItem):
    kind = UnicodeAttribute(default="usage_event")


class FoldMarker(TableItem):
    kind = UnicodeAttribute(default="usage_fold")
    expires_at = NumberAttribute()


def _day_pk(account_id: str) -> str:
    return f"USAGEDAY#{account_id}"


def _day_sk(total: DailyUsage) -> str:
    tags = hashlib.sha256(_tags_json(total).encode()).hexdigest()[:16]
    return f"{total.day.isoformat()}#{total.subscription_id}#{total.meter}#{total.period_start.isoformat()}#{tags}"


def _tags_json(total: DailyUsage) -> str:
    return json.dumps([list(pair) for pair in total.tags], ensure_ascii=False, separators=(",", ":"))


class UsageLease(TableItem):
    kind = UnicodeAttribute(default="usage_lease")
    holder = UnicodeAttribute()
    expires_at = NumberAttribute()  # also the table's TTL attribute: a dead holder's lease goes away


class DynamoUsageStore:
    @contextmanager
    def exclusive(self, subscription_ids: Collection[str]) -> Iterator[None]:
        """One conditional put per subscription, in sorted order (so two batches never wait on each
        other in a circle); released by deleting only our own leases."""
        holder = uuid.uuid4().hex
        held: list[UsageLease] = []
        try:
            for subscription_id in sorted(subscription_ids):
                held.append(_take_lease(subscription_id, holder))
            yield
        finally:
            for lease in held:
                with suppress(DeleteError):  # expired and taken over: the new holder's to release
                    lease.delete(condition=UsageLease.holder == holder)

    def known_event_ids(self, subscription_event_ids: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        keys = sorted({usage_key(sub, event) for sub, event in subscription_event_ids})
        found = set()
        for item in UsageClaim.batch_get(keys, attributes_to_get=["pk"]):
            _, subscription_id, event_id = item.pk.split("#", 2)
            found.add((subscription_id, event_id))
        return found

    def add_events(self, events: Iterable[UsageEvent]) -> None:
        events = list(events)
        with UsagePack.batch_write() as packs:
            for pack in _packs(events):
                packs.save(pack)
        with UsageClaim.batch_write() as claims:
            for event in events:
                claims.save(UsageClaim(*usage_key(event.subscription_id, event.id)))

    def events(self, subscription_id: str, start: datetime, end: datetime) -> list[UsageEvent]:
        last_hour = _hour_of(end - timedelta(microseconds=1))  # a period ending on the hour reads no pack after it
        packs = UsagePack.query(_pack_pk(subscription_id), UsagePack.sk.between(_hour_of(start), f"{last_hour}#\uffff"))
        found: dict[str, UsageEvent] = {}
        for pack in packs:
            for row in json.loads(pack.rows):
                event = _event(subscription_id, row)
                if start <= event.timestamp < end:
                    found.setdefault(event.id, event)
        return sorted(found.values(), key=lambda event: (event.timestamp, event.id))

    def fold_daily(self, totals: Sequence[DailyUsage], fold_id: str) -> None:
        """One transaction per 99 totals: a marker put only if absent, and an ADD per daily item; a
        retried fold finds its marker and the whole transaction is canceled, adding nothing."""
        expires = int(time.time() + _FOLD_KEPT.total_seconds())
        for chunk, start in enumerate(range(0, len(totals), _PER_TRANSACTION)):
            marker = FoldMarker(f"USAGEFOLD#{fold_id}#{chunk}", "FOLD", expires_at=expires)
            _fold_chunk(marker, totals[start : start + _PER_TRANSACTION])

    def daily_usage(self, account_id: str, first: date, last: date) -> list[DailyUsage]:
        items = UsageDayItem.query(
            _day_pk(account_id), UsageDayItem.sk.between(first.isoformat(), f"{last.isoformat()}#\uffff")
        )
        totals = [
            DailyUsage(
                account_id=item.account,
                day=date.fromisoformat(item.day),
                subscription_id=item.subscription,
                meter=item.meter,
                period_start=datetime.fromisoformat(item.period_start),
                tags=tuple((key, value) for key, value in json.loads(item.tags)),
                quantity=(Decimal(int(item.micros)) / _MICROS).normalize(),
                events=int(item.events),
            )
            for item in items
        ]
        return sorted(totals, key=lambda total: total.key)  # the items are keyed by a hash of their tags


def _pack_pk(subscription_id: str) -> str:
    return f"USAGEPACK#{subscription_id}"


def _hour_of(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0).isoformat()


def _packs(events: Sequence[UsageEvent]) -> Iterator[UsagePack]:
    by_hour: dict[tuple[str, str], list[UsageEvent]] = {}
    for event in events:
        by_hour.setdefault((event.subscription_id, _hour_of(event.timestamp)), []).append(event)
    for (subscription_id, hour), hourly in by_hour.items():
        rows: list[str] = []
        size = 0
        for event in sorted(hourly, key=lambda event: event.id):
            row = json.dumps(_row(event), ensure_ascii=False, separators=(",", ":"))
            if rows and size + len(row.encode()) > _PACK_BYTES:
                yield _pack(subscription_id, hour, rows)
                rows, size = [], 0
            rows.append(row)
            size += len(row.encode()) + 1
        yield _pack(subscription_id, hour, rows)


def _pack(subscription_id: str, hour: str, rows: list[str]) -> UsagePack:
    body = f"[{','.join(rows)}]"
    digest = hashlib.sha256(body.encode()).hexdigest()[:24]
    return UsagePack(_pack_pk(subscription_id), f"{hour}#{digest}", rows=body)


# A hand-written row rather than the pydantic document: a pack is read for every rating of a period, and a
# list of six values is half the document's size and reads back about twice as fast (measured: 2 µs a row).
def _row(event: UsageEvent) -> list[object]:
    timestamp = event.timestamp.astimezone(UTC).isoformat()
    tags = [list(pair) for pair in event.tags]
    return [event.id, event.meter, str(event.quantity), timestamp, tags, event.unique_value]


def _event(subscription_id: str, row: list[Any]) -> UsageEvent:
    event_id, meter, quantity, timestamp, tags, unique_value = row
    return UsageEvent(
        event_id,
        subscription_id,
        meter,
        Decimal(quantity),
        datetime.fromisoformat(timestamp),
        tuple((key, value) for key, value in tags),
        unique_value,
    )


def _take_lease(subscription_id: str, holder: str) -> UsageLease:
    deadline = time.monotonic() + _LEASE_WAIT_S
    pause = 0.01
    while True:
        now = int(time.time())
        lease = UsageLease(f"USAGELEASE#{subscription_id}", "LEASE", holder=holder, expires_at=now + _LEASE_S)
        try:
            lease.save(condition=UsageLease.pk.does_not_exist() | (UsageLease.expires_at < now))
            return lease
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException" or time.monotonic() > deadline:
                raise
        time.sleep(random.uniform(pause / 2, pause))  # noqa: S311 - jitter, not a secret
        pause = min(pause * 2, 0.2)


def _fold_chunk(marker: FoldMarker, totals: Sequence[DailyUsage]) -> None:
    for attempt in range(5):
        try:
            with TransactWrite(connection=transaction_connection()) as transaction:
                transaction.save(marker, condition=FoldMarker.pk.does_not_exist())
                for total in totals:
                    _stage_total(transaction, total)
            return
        except TransactWriteError as error:
            reasons = [reason.code if reason else None for reason in error.cancellation_reasons or []]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return  # folded before: a retried batch
            if error.cause_response_code != "TransactionConflictException" and "TransactionConflict" not in reasons:
                raise
            time.sleep(0.02 * 2**attempt)  # another batch is folding the same day items: let it finish
    raise RuntimeError("daily usage kept conflicting; the batch is retried")


def _stage_total(transaction: TransactWrite, total: DailyUsage) -> None:
    micros = total.quantity * _MICROS
    if micros != micros.to_integral_value():
        raise ValueError("usage quantities carry at most 6 decimals")
    item = UsageDayItem(_day_pk(total.account_id), _day_sk(total))
    transaction.update(
        item,
        actions=[
            UsageDayItem.kind.set("usage_day"),
            UsageDayItem.account.set(total.account_id),
            UsageDayItem.day.set(total.day.isoformat()),
            UsageDayItem.subscription.set(total.subscription_id),
            UsageDayItem.meter.set(total.meter),
            UsageDayItem.period_start.set(total.period_start.isoformat()),
            UsageDayItem.tags.set(_tags_json(total)),
            UsageDayItem.micros.add(int(micros)),
            UsageDayItem.events.add(total.events),
        ],
    )
