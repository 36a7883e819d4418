"""The billing and usage stores: atomic batches, version checks, gapless series, ledger appends, listings."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from billing.accounts.models import Account
from billing.accounts.profile import BillingProfile
from billing.batch import LedgerAppend, PendingEvents, SeriesAdvance, WriteBatch
from billing.costs.budgets import Basis, Budget, BudgetScope, Threshold
from billing.errors import ConflictError, InvalidInputError
from billing.events import DomainEvent, EventType
from billing.ids import new_id
from billing.invoices.credit_breakdown import new_credit_note
from billing.invoices.models import InvoiceStatus
from billing.ledger.account_ledger import EntryKind, LedgerEntry
from billing.ports import PageRequest
from billing.runs.shards import shard_of
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.engine.update_subscription import ItemUpdate, update_subscription
from billing.usage.models import DailyUsage, UsageEvent
from tests.builders import aircall_like_invoice, french_company
from tests.unit.engine.catalog import USER

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


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
    entry = LedgerEntry(id="adj:1", kind=EntryKind.ADJUSTMENT, amount=-500, currency="EUR", at=NOW)
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


def test_the_worker_store_remembers_its_series_within_a_batch_and_never_issues_a_number_twice(backend):
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table

    bind_table(backend.tables["Main"])
    worker, other_writer = DynamoBillingStore(remember_series=True), DynamoBillingStore()
    series = f"T-{new_id('s')}"
    worker.commit(WriteBatch(series=[SeriesAdvance(series, 0, 1)]))
    other_writer.commit(WriteBatch(series=[SeriesAdvance(series, 1, 2)]))  # an operator's finalization
    assert worker.series_last(series) == 1  # remembered from its own commit, not read
    with pytest.raises(ConflictError):
        worker.commit(WriteBatch(series=[SeriesAdvance(series, 1, 2)]))
    assert worker.series_last(series) == 2  # read again after the failed commit
    worker.commit(WriteBatch(series=[SeriesAdvance(series, 2, 3)]))
    other_writer.commit(WriteBatch(series=[SeriesAdvance(series, 3, 4)]))
    worker.forget_series()  # the batch ends
    assert worker.series_last(series) == 4


def test_ledger_appends_replay_in_posting_order_and_refuse_a_stale_head(store):
    account = new_id("acct")
    fin = LedgerEntry(
        id="fin:in_1", kind=EntryKind.INVOICE_FINALIZED, amount=1000, currency="EUR", at=NOW, reference="in_1"
    )
    pay = LedgerEntry(id="pay:1", kind=EntryKind.PAYMENT, amount=-1500, currency="EUR", at=NOW)
    store.commit(WriteBatch(ledger=[LedgerAppend(account, (fin,), 0)]))
    store.commit(WriteBatch(ledger=[LedgerAppend(account, (pay,), 1)]))
    with pytest.raises(ConflictError):
        store.commit(WriteBatch(ledger=[LedgerAppend(account, (pay,), 1)]))
    ledger, version = store.ledger(account, "EUR")
    assert version == 2
    assert [e.id for e in ledger.entries] == ["fin:in_1", "pay:1"]
    assert (ledger.remaining("in_1"), ledger.credit_available(), ledger.balance()) == (0, 500, -500)


def test_usage_events_are_stored_once_per_id(usage):
    subscription_id = new_id("sub")
    events = [UsageEvent(f"e{n}", subscription_id, "minutes", Decimal(1), NOW.replace(minute=n)) for n in range(30)]
    usage.add_events(events)
    usage.add_events(events[:10])  # a replay rewrites the same items
    assert usage.known_event_ids([(subscription_id, "e3"), (subscription_id, "nope")]) == {(subscription_id, "e3")}
    stored = usage.events(subscription_id, NOW, NOW.replace(minute=59))
    assert [e.id for e in stored] == [f"e{n}" for n in range(30)]


def test_usage_events_keep_every_field_and_list_by_time_across_hours_and_days(usage):
    """A period's listing: start included, end excluded, whatever time zone it is asked in; events of
    several hours and days, stored over several batches, come back whole and in time order."""
    from dataclasses import fields
    from datetime import timedelta, timezone

    # Every field is set below; a new one must reach the DynamoDB adapter's pack rows too.
    assert [f.name for f in fields(UsageEvent)] == [
        "id",
        "subscription_id",
        "meter",
        "quantity",
        "timestamp",
        "tags",
        "unique_value",
    ]
    subscription_id, other = new_id("sub"), new_id("sub")
    paris = timezone(timedelta(hours=1))
    tagged = (("team", "Équipe #1"), ("zone", "eu"))
    events = [
        UsageEvent(f"h{n}", subscription_id, "minutes", Decimal("0.000001") * n, NOW + timedelta(minutes=37 * n))
        for n in range(60)
    ]
    rich = UsageEvent("rich", subscription_id, "users", Decimal("12.5"), NOW.astimezone(paris), tagged, "user-42")
    usage.add_events([*events[:40], rich, UsageEvent("h0", other, "minutes", Decimal(9), NOW)])
    usage.add_events(events[40:])
    usage.add_events([events[5], events[45]])  # a retried batch after a crash: its events claimed once
    listed = usage.events(subscription_id, NOW, NOW + timedelta(minutes=37 * 50))
    assert [e.id for e in listed] == ["h0", "rich", *(f"h{n}" for n in range(1, 50))]
    assert listed[1] == rich
    assert listed[7] == events[6]
    later = usage.events(subscription_id, (NOW + timedelta(minutes=37 * 50)).astimezone(paris), NOW + timedelta(days=2))
    assert [e.id for e in later] == [f"h{n}" for n in range(50, 60)]
    assert usage.events(subscription_id, NOW - timedelta(days=1), NOW) == []
    assert [e.id for e in usage.events(subscription_id, NOW, NOW + timedelta(hours=1))] == ["h0", "rich", "h1"]
    assert [e.quantity for e in usage.events(other, NOW, NOW + timedelta(hours=1))] == [Decimal(9)]


def test_usage_of_a_subscription_has_one_writer_at_a_time(usage):
    """Two batches sharing a subscription: the second waits until the first lets go, whatever the order
    they name their subscriptions in; other subscriptions are not held up."""
    import threading
    import time

    shared, other = new_id("sub"), new_id("sub")
    inside: list[str] = []
    overlaps: list[tuple[str, str]] = []

    def write(name: str, subscriptions: list[str]) -> None:
        with usage.exclusive(subscriptions):
            overlaps.extend((name, already) for already in inside)
            inside.append(name)
            time.sleep(0.2)
            inside.remove(name)

    threads = [
        threading.Thread(target=write, args=("a", [shared, other])),
        threading.Thread(target=write, args=("b", [other, shared])),
        threading.Thread(target=write, args=("c", [shared])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []
    with usage.exclusive([shared, other]):  # every lease was released
        pass
    started = time.monotonic()
    with usage.exclusive([new_id("sub")]):
        assert time.monotonic() - started < 1.0


def test_daily_totals_add_up_once_per_fold(usage):
    account = new_id("acct")
    subscription_id = new_id("sub")
    period = NOW.replace(day=1, hour=0)

    def total(day, quantity, events, tags=()):
        return DailyUsage(account, day, subscription_id, "minutes", period, tags, Decimal(quantity), events)

    first, second = NOW.date(), NOW.date().replace(day=2)
    tagged = (("team", "Équipe #1"), ("zone", "eu"))
    usage.fold_daily([total(first, "1.5", 2), total(first, "2", 1, tagged)], "fold-a")
    usage.fold_daily([total(first, "1.5", 2), total(first, "2", 1, tagged)], "fold-a")  # a retry: nothing added
    many = [total(second, "0.000001", 1, (("n", str(n)),)) for n in range(120)]  # two transactions
    usage.fold_daily([total(first, "0.5", 1), *many], "fold-b")
    rows = usage.daily_usage(account, first, second)
    assert [(r.day, r.tags, r.quantity, r.events) for r in rows[:2]] == [
        (first, (), Decimal(2), 3),
        (first, tagged, Decimal(2), 1),
    ]
    assert sorted(r.tags for r in rows[2:]) == sorted(t.tags for t in many)
    assert {(r.quantity, r.events) for r in rows[2:]} == {(Decimal("0.000001"), 1)}
    assert usage.daily_usage(account, second, second) == rows[2:]
    assert usage.daily_usage(new_id("acct"), first, second) == []
    assert rows[0].period_start == period


def test_listings_are_newest_first_and_paged_by_cursor(store):
    account = new_id("acct")
    created = []
    for n in range(5):
        at = NOW.replace(minute=n)
        subscription = create_subscription(new_id("sub"), account, [NewItem("seats", USER, 1)], now=at).subscription
        store.commit(WriteBatch(subscriptions=[subscription]))
        created.append(subscription.id)
    first = store.list_subscriptions(account, PageRequest(limit=2))
    second = store.list_subscriptions(account, PageRequest(limit=2, cursor=first.next_cursor))
    rest = store.list_subscriptions(account, PageRequest(limit=2, cursor=second.next_cursor))
    listed = [s.id for page in (first, second, rest) for s in page.items]
    assert listed == list(reversed(created))
    assert store.list_subscriptions(new_id("acct"), PageRequest()).items == []
    with pytest.raises(InvalidInputError) as refused:
        store.list_subscriptions(account, PageRequest(cursor="not-a-cursor"))
    assert refused.value.code == "invalid_cursor"


def new_subscription_and_event():
    subscription = create_subscription(new_id("sub"), new_id("acct"), [NewItem("seats", USER, 1)], now=NOW).subscription
    event = DomainEvent(
        id=f"test.event:{new_id('e')}",
        type=EventType.INVOICE_CREATED,
        at=NOW,
        account_id=subscription.account_id,
    )
    return subscription, event


def test_a_commit_answers_what_it_stored_and_reports_it_once(store):
    # Given a store that reports its commits to the invocation's pending events
    pending = PendingEvents()
    store.on_commit = pending
    subscription, event = new_subscription_and_event()
    # When a batch with a new subscription and an event is committed
    committed = store.commit(WriteBatch(subscriptions=[subscription], events=[event]))
    # Then the answer holds the subscription as stored, and the event went to the pending events once
    assert committed.subscriptions == (store.get_subscription(subscription.id),)
    assert committed.events == (event,)
    assert pending.take() == [event]
    assert pending.take() == []
    # And a refused commit reports nothing
    with pytest.raises(ConflictError):
        store.commit(WriteBatch(subscriptions=[subscription], events=[event]))
    assert pending.take() == []


def test_what_is_due_is_found_in_its_shard_and_the_outbox_keeps_events_until_cleared(store):
    subscription, event = new_subscription_and_event()
    store.commit(WriteBatch(subscriptions=[subscription], events=[event]))
    due_at = subscription.next_due()
    shard = shard_of(subscription.id)
    assert ("subscription", subscription.id) in store.due(shard, due_at)
    assert ("subscription", subscription.id) not in store.due(shard, due_at.replace(year=due_at.year - 1))
    assert event in store.outbox(shard_of(event.id))
    store.clear_outbox([event])
    assert event not in store.outbox(shard_of(event.id))


def test_a_claim_and_a_webhook_id_are_taken_once(store):
    claim = f"email:{new_id('in')}"
    store.commit(WriteBatch(claims=[claim]))
    with pytest.raises(ConflictError):
        store.commit(WriteBatch(claims=[claim]))
    store.commit(WriteBatch(released_claims=[claim]))  # given back: its email's send failed
    store.commit(WriteBatch(claims=[claim]))  # the retry takes it
    with pytest.raises(ConflictError):
        store.commit(WriteBatch(claims=[claim]))
    event_id = new_id("evt")
    assert store.record_webhook(event_id, NOW) is True
    assert store.record_webhook(event_id, NOW) is False
    store.forget_webhook(event_id)
    assert store.record_webhook(event_id, NOW) is True


def test_a_batch_over_the_transaction_limit_is_refused_whole(store):
    series = [SeriesAdvance(f"T-{new_id('s')}", 0, 1) for _ in range(101)]
    with pytest.raises(InvalidInputError) as refused:
        store.commit(WriteBatch(series=series))
    assert refused.value.code == "too_many_changes"
    assert store.series_last(series[0].series) == 0


def test_the_transaction_limit_counts_outbox_events_and_claims(store):
    # Given 99 claims, which with one event make 100 items: the most one transaction takes
    claims = [f"limit:{new_id('c')}" for _ in range(99)]
    _, event = new_subscription_and_event()
    store.commit(WriteBatch(claims=claims, events=[event]))
    # When one more claim is added to such a batch
    more = [f"limit:{new_id('c')}" for _ in range(100)]
    # Then it is refused whole, before anything is written
    with pytest.raises(InvalidInputError):
        store.commit(WriteBatch(claims=more, events=[event]))
    store.commit(WriteBatch(claims=more[:1]))  # nothing of the refused batch was taken


def test_budgets_are_versioned_listed_by_account_and_due_hourly_when_they_forecast(store):
    account = new_id("acct")
    actual = Budget(new_id("budget"), account, "Ops", "EUR", BudgetScope(), (Threshold(80),), NOW, amount=10000)
    forecast = Budget(
        new_id("budget"),
        account,
        "Builds",
        "EUR",
        BudgetScope(meter="builds", tag=("team", "a")),
        (Threshold(100, Basis.FORECAST),),
        NOW.replace(minute=1),
        quantity=Decimal("15.5"),
        evaluated_at=NOW,
    )
    store.commit(WriteBatch(budgets=[actual, forecast]))
    stored = store.get_budget(forecast.id)
    assert (stored.scope, stored.quantity, stored.version) == (forecast.scope, Decimal("15.5"), 1)
    assert [b.id for b in store.list_budgets(account)] == [actual.id, forecast.id]
    assert store.list_budgets(new_id("acct")) == []
    crossed = replace(stored, crossed=("2026-03:forecast:100",))
    store.commit(WriteBatch(budgets=[crossed]))
    with pytest.raises(ConflictError):
        store.commit(WriteBatch(budgets=[crossed]))  # the version it read has moved
    assert store.get_budget(forecast.id).crossed == ("2026-03:forecast:100",)
    due = {
        object_id
        for shard in range(8)
        for kind, object_id in store.due(shard, NOW.replace(hour=14))
        if kind == "budget"
    }
    assert forecast.id in due
    assert actual.id not in due  # actual thresholds are evaluated as usage arrives


def test_documents_are_found_by_the_month_they_were_issued_in(store):
    # A month of its own: the emulated store is shared by the whole session.
    issued = datetime(2100 + random.randrange(800), 3, 31, 22, 30, tzinfo=UTC)  # 1 April in Paris
    account = Account(new_id("acct"), BillingProfile.model_validate(french_company()), NOW)
    invoice = replace(aircall_like_invoice(account), id=new_id("in"), finalized_at=issued, version=0)
    draft = replace(invoice, id=new_id("in"), number=None, finalized_at=None, status=InvoiceStatus.DRAFT, version=0)
    note = replace(new_credit_note(invoice, new_id("cn"), "AV-1", 100, "Geste", issued), id=new_id("cn"))
    store.commit(WriteBatch(invoices=[invoice, draft], credit_notes=[note]))
    store.commit(WriteBatch(invoices=[replace(invoice, amount_credited=100, version=1)]))  # saved again: listed once
    month = f"{issued.year}-04"
    invoices, notes = store.issued_in(month)
    assert [(i.id, i.amount_credited) for i in invoices] == [(invoice.id, 100)]
    assert [n.id for n in notes] == [note.id]
    assert store.issued_in(f"{issued.year}-03") == ([], [])


def test_invoices_are_read_together_as_each_is_read_alone(store):
    account = Account(new_id("acct"), BillingProfile.model_validate(french_company()), NOW)
    first, second = (replace(aircall_like_invoice(account), id=new_id("in"), version=0) for _ in range(2))
    store.commit(WriteBatch(invoices=[first, second]))
    store.commit(WriteBatch(invoices=[replace(first, amount_credited=100, version=1)]))  # read as it is now
    together = store.get_invoices([first.id, second.id, first.id, "in_missing"])
    assert together == {first.id: store.get_invoice(first.id), second.id: store.get_invoice(second.id)}
    assert together[first.id].amount_credited == 100
    assert store.get_invoices([]) == {}
