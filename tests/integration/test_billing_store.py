"""The DynamoDB billing store: atomic batches, version checks, gapless series, ledger appends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from billing.adapters.dynamodb_billing import DynamoBillingStore, DynamoUsageStore
from billing.adapters.dynamodb_tables import bind_table
from billing.batch import LedgerAppend, SeriesAdvance, WriteBatch
from billing.errors import ConflictError
from billing.ids import new_id
from billing.ledger.account_ledger import EntryKind, LedgerEntry
from billing.subscriptions.create_subscription import NewItem, create_subscription
from billing.subscriptions.update_subscription import ItemUpdate, update_subscription
from billing.usage.models import UsageEvent
from tests.unit.engine.catalog import USER

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def store(backend):
    bind_table(backend.tables["Main"])
    return DynamoBillingStore()


def stored_subscription(store):
    subscription = create_subscription(new_id("sub"), new_id("acct"), [NewItem("seats", USER, 2)], now=NOW).subscription
    store.commit(WriteBatch(subscriptions=[subscription]))
    return store.get_subscription(subscription.id)


def test_two_conflicting_updates_cannot_both_win(store):
    read_by_a = stored_subscription(store)
    read_by_b = store.get_subscription(read_by_a.id)
    a = update_subscription(read_by_a, [ItemUpdate("seats", quantity=5)], NOW).subscription
    b = update_subscription(read_by_b, [ItemUpdate("seats", quantity=1)], NOW).subscription
    store.commit(WriteBatch(subscriptions=[a]))
    with pytest.raises(ConflictError):
        store.commit(WriteBatch(subscriptions=[b]))
    assert store.get_subscription(read_by_a.id).items[0].quantity == 5


def test_a_batch_is_all_or_nothing(store):
    subscription = stored_subscription(store)
    stale = replace(subscription, version=subscription.version - 1)
    account = subscription.account_id
    entry = LedgerEntry("adj:1", EntryKind.ADJUSTMENT, -500, "EUR", NOW)
    with pytest.raises(ConflictError):
        store.commit(WriteBatch(subscriptions=[stale], ledger=[LedgerAppend(account, (entry,), 0)]))
    ledger, version = store.ledger(account, "EUR")
    assert (ledger.entries, version) == ([], 0)


def test_series_numbers_are_taken_once(store):
    series = f"T-{new_id('s')}"
    store.commit(WriteBatch(series=[SeriesAdvance(series, 0, 1)]))
    with pytest.raises(ConflictError):
        store.commit(WriteBatch(series=[SeriesAdvance(series, 0, 1)]))  # a racer read the same last number
    store.commit(WriteBatch(series=[SeriesAdvance(series, 1, 2)]))
    assert store.series_last(series) == 2


def test_ledger_appends_replay_in_posting_order_and_refuse_a_stale_head(store):
    account = new_id("acct")
    fin = LedgerEntry("fin:in_1", EntryKind.INVOICE_FINALIZED, 1000, "EUR", NOW, "in_1")
    pay = LedgerEntry("pay:1", EntryKind.PAYMENT, -1500, "EUR", NOW)
    store.commit(WriteBatch(ledger=[LedgerAppend(account, (fin,), 0)]))
    store.commit(WriteBatch(ledger=[LedgerAppend(account, (pay,), 1)]))
    with pytest.raises(ConflictError):
        store.commit(WriteBatch(ledger=[LedgerAppend(account, (pay,), 1)]))
    ledger, version = store.ledger(account, "EUR")
    assert version == 2
    assert [e.id for e in ledger.entries] == ["fin:in_1", "pay:1"]
    assert (ledger.remaining("in_1"), ledger.credit_available(), ledger.balance()) == (0, 500, -500)


def test_usage_events_are_stored_once_per_id(backend):
    bind_table(backend.tables["Main"])
    usage = DynamoUsageStore()
    subscription_id = new_id("sub")
    events = [UsageEvent(f"e{n}", subscription_id, "minutes", Decimal(1), NOW.replace(minute=n)) for n in range(30)]
    usage.add_events(events)
    usage.add_events(events[:10])  # a replay rewrites the same items
    assert usage.known_event_ids([(subscription_id, "e3"), (subscription_id, "nope")]) == {(subscription_id, "e3")}
    stored = usage.events(subscription_id, NOW, NOW.replace(minute=59))
    assert [e.id for e in stored] == [f"e{n}" for n in range(30)]


def test_fifty_concurrent_finalizations_take_fifty_consecutive_numbers(backend, store):
    """Each finalization takes the series' next number in its own transaction; losers of a race retry."""
    import random
    import threading
    import time

    from billing.accounts.access import Principal, Role
    from billing.clock import FixedClock
    from billing.invoices.assemble_invoice import assemble_invoice
    from billing.invoices.manage_invoices import finalize_invoice
    from billing.invoices.models import BillingReason, Invoice, InvoiceLine, Section
    from tests.unit.engine.catalog import french_context

    year = 2400 + int(new_id("y")[-4:], 16) % 500  # a series of its own, whatever ran before
    clock = FixedClock(datetime(year, 6, 1, tzinfo=UTC))
    operator = Principal(role=Role.OPERATOR, key_id="key_test")
    invoice_ids = []
    for n in range(50):
        account = new_id("acct")
        line = InvoiceLine(Section.ONE_OFF, f"Service {n}", "EUR", 1000 + n)
        draft = assemble_invoice(french_context(account), [line], BillingReason.MANUAL, clock.now())
        invoice = Invoice(new_id("in"), draft)
        store.commit(WriteBatch(invoices=[invoice]))
        invoice_ids.append(invoice.id)
    numbers: list[str] = []
    attempts: list[int] = []

    def finalize(invoice_id: str) -> None:
        chance = random.Random(invoice_id)
        for attempt in range(1, 500):
            try:
                numbers.append(finalize_invoice(store, clock, operator, invoice_id).number)
                attempts.append(attempt)
                return
            except ConflictError as error:
                if error.code == "invoice_not_draft":  # an earlier attempt did commit: done
                    numbers.append(store.get_invoice(invoice_id).number)
                    attempts.append(attempt)
                    return
                time.sleep(chance.uniform(0, 0.02 * min(attempt, 10)))

    threads = [threading.Thread(target=finalize, args=(i,)) for i in invoice_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [f"F-{year}-{n:06d}" for n in range(1, 51)]
    assert max(attempts) > 1  # they did race
