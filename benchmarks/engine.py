"""Rating throughput of the pure engine: subscriptions with seats and usage rated into invoices."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import MISSING, fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from billing.catalog.models import Interval, Meter, Price, Recurring, UsageType
from billing.invoices.assemble_invoice import InvoiceContext, assemble_invoice
from billing.invoices.models import DraftInvoice, InvoiceLine, TaxLine
from billing.periods import Period
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.engine.renew_subscription import Renewed, renew_subscription
from billing.subscriptions.models import Charge, Subscription, SubscriptionItem
from billing.tax.vat import Buyer, vat_treatment
from billing.usage.aggregate_usage import aggregate, events_in
from billing.usage.models import UsageEvent

MONTHLY = Recurring(Interval.MONTH)
SEAT = Price("seat", "seat", "EUR", "Seat", MONTHLY, unit_amount=Decimal(3000))
NUMBER = Price("number", "number", "EUR", "Number", MONTHLY, unit_amount=Decimal(500))
MINUTES = Price(
    "minutes",
    "minutes",
    "EUR",
    "Minutes",
    MONTHLY,
    UsageType.METERED,
    unit_amount=Decimal(5),
    meter=Meter("outbound_minutes"),
)
EVENTS_PER_SUBSCRIPTION = 20


def _population(count: int) -> list[tuple[Subscription, list[UsageEvent]]]:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    population = []
    for n in range(count):
        subscription_id = f"sub_{n}"
        started = create_subscription(
            subscription_id,
            f"acct_{n}",
            [NewItem("seats", SEAT, 1 + n % 20), NewItem("numbers", NUMBER, 1 + n % 3), NewItem("minutes", MINUTES)],
            now=start + timedelta(minutes=n % 1440),
        )
        events = [
            UsageEvent(
                f"e{n}-{k}",
                subscription_id,
                "outbound_minutes",
                Decimal(1 + k % 7),
                start + timedelta(days=1 + k, minutes=n % 1440),
            )
            for k in range(EVENTS_PER_SUBSCRIPTION)
        ]
        population.append((started.subscription, events))
    return population


def rating_throughput(count: int = 20_000, rounds: int = 3) -> tuple[float, int]:
    """(subscriptions per second, count): renew each subscription with its usage and assemble its invoice.
    CPU time of this thread, best of ``rounds``: one core's figure, whatever else the machine runs."""
    population = _population(count)
    context = InvoiceContext("acct", vat_treatment(Buyer("FR"), datetime(2026, 4, 1).date()))
    due = datetime(2026, 4, 2, tzinfo=UTC)
    best = float("inf")
    for _ in range(rounds):
        started = time.thread_time()
        for subscription, events in population:
            renewed = renew_subscription(subscription, due, events)
            assemble_invoice(context, renewed.lines, renewed.billing_reason, due, subscription.id, renewed.period)
        best = min(best, time.thread_time() - started)
    return count / best, count


def rating_breakdown(count: int = 5_000) -> tuple[float, float, float, str, float]:
    """Where one subscription's rating goes: (renewal µs, assembly µs, Python calls per subscription, the
    function with the most own time and its share), the calls profiled by cProfile in a second pass."""
    import cProfile
    import pstats

    population = _population(count)
    context = InvoiceContext("acct", vat_treatment(Buyer("FR"), datetime(2026, 4, 1).date()))
    due = datetime(2026, 4, 2, tzinfo=UTC)
    # Each half timed over the whole population, best of 3: a clock read around every call would add its own
    # cost to both.
    renewals = [renew_subscription(subscription, due, events) for subscription, events in population]

    def renew_all() -> None:
        for subscription, events in population:
            renew_subscription(subscription, due, events)

    def assemble_all() -> None:
        for (subscription, _), renewed in zip(population, renewals, strict=True):
            assemble_invoice(context, renewed.lines, renewed.billing_reason, due, subscription.id, renewed.period)

    renewing, assembling = _best_of(3, renew_all), _best_of(3, assemble_all)
    profile = cProfile.Profile()
    profile.enable()
    for subscription, events in population:
        renewed = renew_subscription(subscription, due, events)
        assemble_invoice(context, renewed.lines, renewed.billing_reason, due, subscription.id, renewed.period)
    profile.disable()
    stats = pstats.Stats(profile)
    own_times = {f"{name} ({Path(file).name})": row[2] for (file, _, name), row in stats.stats.items()}  # type: ignore[attr-defined]
    hottest = max(own_times, key=own_times.__getitem__)
    share = own_times[hottest] / sum(own_times.values())
    calls = stats.total_calls  # type: ignore[attr-defined]
    return renewing / count * 1e6, assembling / count * 1e6, calls / count, hottest, share


def rating_floor(count: int = 5_000, rounds: int = 3) -> tuple[float, float]:
    """Why rating is not faster: µs a subscription takes (CPU time, best of ``rounds``) to build, from values
    ready beforehand, the objects its rating produces (no rule run), and to read its usage events (filtered,
    each id once, summed). The rest of its rating time is the rules' own steps."""
    population = _population(count)
    context = InvoiceContext("acct", vat_treatment(Buyer("FR"), datetime(2026, 4, 1).date()))
    due = datetime(2026, 4, 2, tzinfo=UTC)
    parts = []
    for subscription, events in population:
        renewed = renew_subscription(subscription, due, events)
        invoice = assemble_invoice(context, renewed.lines, renewed.billing_reason, due, subscription.id, renewed.period)
        objects = _objects_of(subscription, renewed, invoice)
        # The same objects, not look-alikes: what is timed rebuilds exactly what the rating returned.
        assert _build(*objects) == (renewed, invoice), subscription.id
        parts.append(objects)
    meter = MINUTES.meter
    assert meter is not None

    def read(subscription: Subscription, events: list[UsageEvent]) -> Decimal:
        mine = [event for event in events if event.subscription_id == subscription.id]
        return aggregate(events_in(mine, meter, subscription.usage_period), meter)

    def build_all() -> None:
        for objects in parts:
            _build(*objects)  # dropped at once, as the rating loop drops each invoice

    def read_all() -> None:
        for subscription, events in population:
            read(subscription, events)

    building = _best_of(rounds, build_all)
    reading = _best_of(rounds, read_all)
    return building / count * 1e6, reading / count * 1e6


def _best_of(rounds: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.thread_time()
        work()
        best = min(best, time.thread_time() - started)
    return best


def _given(instance: Any) -> dict[str, Any]:
    """The fields a constructor call sets (those that differ from the default), as the engine's calls do."""
    return {
        field.name: getattr(instance, field.name)
        for field in fields(instance)
        if field.default is MISSING or getattr(instance, field.name) != field.default
    }


def _objects_of(subscription: Subscription, renewed: Renewed, invoice: DraftInvoice) -> tuple[Any, ...]:
    """What one rating built, taken apart into constructor arguments."""
    lines = [_given(line) for line in renewed.lines]
    assessments = [(line.vat_rate, line.description) for line in invoice.lines]
    items = [  # a metered item is kept as it is; a licensed one gets its new charge
        item if item.charged is None else (item.id, item.price, item.quantity, item.charged.amount, item.charged.span)
        for item in renewed.subscription.items
    ]
    next_version = renewed.subscription
    periods = (_ends(next_version.current_period), _ends(next_version.usage_period))
    changes = {"status": next_version.status, "pending_lines": (), "scheduled_items": None}
    taxes = [_given(tax) for tax in invoice.taxes]
    totals = _given(invoice)
    return subscription, renewed, lines, assessments, items, periods, changes, taxes, totals


def _ends(period: Period) -> tuple[datetime, datetime]:
    return period.start, period.end


def _build(
    subscription: Subscription,
    renewed: Renewed,
    lines: list[dict[str, Any]],
    assessments: list[tuple[Decimal, str]],
    items: list[SubscriptionItem | tuple[str, Price, int, int, Period]],
    periods: tuple[tuple[datetime, datetime], tuple[datetime, datetime]],
    changes: dict[str, Any],
    taxes: list[dict[str, Any]],
    totals: dict[str, Any],
) -> tuple[Renewed, DraftInvoice]:
    """The objects one rating builds, from ready values: lines, then their assessed copies; the items charged,
    the next periods, the subscription's next version, the renewal; the VAT lines and the invoice."""
    built = [InvoiceLine(**line) for line in lines]
    assessed = tuple(line.assessed(rate, text) for line, (rate, text) in zip(built, assessments, strict=True))
    charged = tuple(
        item if isinstance(item, SubscriptionItem) else SubscriptionItem(*item[:3], Charge(item[3], item[4]))
        for item in items
    )
    current, usage = Period(*periods[0]), Period(*periods[1])
    next_version = subscription.evolve(items=charged, current_period=current, usage_period=usage, **changes)
    renewal = Renewed(next_version, built, renewed.billing_reason, current)
    return renewal, DraftInvoice(**totals | {"lines": assessed, "taxes": tuple(TaxLine(**tax) for tax in taxes)})


class _OneSubscription:
    """Stands in for the stores: one subscription, no event seen before (measures compute only)."""

    def __init__(self, subscription: Subscription) -> None:
        self.subscription = subscription

    def get_subscriptions(self, ids: object) -> dict[str, Subscription]:
        return {self.subscription.id: self.subscription}

    def exclusive(self, subscription_ids: object) -> AbstractContextManager[None]:
        return nullcontext()  # one writer here: the lease's requests are I/O, not the compute measured

    def known_event_ids(self, keys: object) -> set[tuple[str, str]]:
        return set()

    def add_events(self, events: object) -> None:
        list(events)  # type: ignore[call-overload]

    def fold_daily(self, totals: object, fold_id: str) -> None:
        list(totals)  # type: ignore[call-overload]

    def get(self, account_id: str) -> None:
        return None  # no account: days in UTC, no budget to evaluate (the compute of the fold is measured)


def ingestion_throughput(batches: int = 20) -> float:
    """Events per second through request validation and ingest_usage (the Lambda's compute): CPU time of this
    thread, as rating's, since the bench measures it beside a running backend (its wall time read 23.6k/s in a
    run where it read 45.9k/s the session before)."""
    from billing.accounts.access import Principal, Role
    from billing.clock import FixedClock
    from billing.http.usage_views import UsageBatch
    from billing.metering.ingest_usage import IncomingEvent, ingest_usage
    from billing.usage.models import tags_of

    now = datetime(2026, 3, 15, tzinfo=UTC)
    subscription = _population(1)[0][0]
    stores = _OneSubscription(subscription)
    body = {
        "events": [
            {
                "id": f"e{n}",
                "subscription": subscription.id,
                "meter": "outbound_minutes",
                "quantity": "1",
                "timestamp": (now - timedelta(minutes=n % 600)).isoformat(),
                "tags": {"team": "support"},
            }
            for n in range(1000)
        ]
    }
    operator = Principal(Role.OPERATOR, "key_bench")
    started = time.thread_time()
    for _ in range(batches):
        batch = UsageBatch.model_validate(body)
        events = [
            IncomingEvent(e.id, e.subscription, e.meter, e.quantity, e.timestamp, tags_of(e.tags)) for e in batch.events
        ]
        ingest_usage(stores, stores, stores, FixedClock(now), operator, events)  # type: ignore[arg-type]
    return batches * 1000 / (time.thread_time() - started)
