"""Public proration vectors (Stripe, Lago) and proration rules."""

from dataclasses import replace
from decimal import Decimal

import pytest

from billing.errors import ConflictError
from billing.periods import Period
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.engine.update_subscription import ItemUpdate, update_subscription
from billing.subscriptions.models import Charge, Granularity, ProrationBehavior
from tests.unit.engine.catalog import at, licensed

PLAN_10 = licensed("plan_10", 1000)
PLAN_20 = licensed("plan_20", 2000)
PLAN_40 = licensed("plan_40", 4000)


def test_vector_stripe_upgrade_10_to_20_at_half_period_nets_plus_5():
    started = create_subscription("sub_1", "acct", [NewItem("si_1", PLAN_10)], now=at(2026, 4, 1))
    assert [line.amount for line in started.lines] == [1000]
    updated = update_subscription(started.subscription, [ItemUpdate("si_1", price=PLAN_20)], at(2026, 4, 16))
    credit, debit = updated.proration_lines
    assert (credit.amount, debit.amount) == (-500, 1000)
    assert credit.proration == debit.proration == (15, 30)
    assert credit.amount + debit.amount == 500


def test_vector_lago_upgrade_21_of_31_days_of_40_minus_the_20_charged_is_7_10():
    # $20 was charged for the 21 days left of a 31-day period; the upgrade to $40 comes at once.
    started = create_subscription("sub_1", "acct", [NewItem("si_1", PLAN_20)], now=at(2026, 1, 1))
    item = started.subscription.items[0]
    charged = replace(item, charged=Charge(2000, Period(at(2026, 1, 11), at(2026, 2, 1))))
    subscription = started.subscription.evolve(items=(charged,))
    updated = update_subscription(subscription, [ItemUpdate("si_1", price=PLAN_40)], at(2026, 1, 11))
    credit, debit = updated.proration_lines
    assert credit.amount == -2000
    assert debit.amount == 2710  # 21/31 × 40.00 = 27.096…
    assert credit.amount + debit.amount == 710


def test_second_granularity_counts_seconds():
    started = create_subscription(
        "sub_1", "acct", [NewItem("si_1", PLAN_10)], now=at(2026, 4, 1), granularity=Granularity.SECOND
    )
    updated = update_subscription(started.subscription, [ItemUpdate("si_1", price=PLAN_20)], at(2026, 4, 16, 12))
    credit, debit = updated.proration_lines
    assert credit.proration == (14 * 86400 + 12 * 3600, 30 * 86400)
    assert (credit.amount, debit.amount) == (-483, 967)


def test_consecutive_upgrades_in_one_period_credit_what_each_charged():
    started = create_subscription("sub_1", "acct", [NewItem("si_1", PLAN_10)], now=at(2026, 4, 1))
    first = update_subscription(started.subscription, [ItemUpdate("si_1", price=PLAN_20)], at(2026, 4, 11))
    second = update_subscription(first.subscription, [ItemUpdate("si_1", price=PLAN_40)], at(2026, 4, 21))
    # 1st: −10 × 20/30, +20 × 20/30; 2nd: credit the 13.33 charged for Apr 11–May 1 for its last 10 days
    assert [line.amount for line in first.proration_lines] == [-667, 1333]
    assert [line.amount for line in second.proration_lines] == [-667, 1333]
    pending = second.subscription.pending_lines
    assert len(pending) == 4
    # Everything nets to what a customer on each plan for its share of April owes, within rounding
    assert 1000 + sum(line.amount for line in pending) == pytest.approx(1000 / 3 + 2000 / 3 + 4000 / 3, abs=2)


def test_proration_behaviors():
    started = create_subscription("sub_1", "acct", [NewItem("si_1", PLAN_10)], now=at(2026, 4, 1))
    change = [ItemUpdate("si_1", quantity=3)]
    pending = update_subscription(started.subscription, change, at(2026, 4, 16))
    assert pending.invoice_now == []
    assert len(pending.subscription.pending_lines) == 2
    at_once = update_subscription(started.subscription, change, at(2026, 4, 16), ProrationBehavior.ALWAYS_INVOICE)
    assert [line.amount for line in at_once.invoice_now] == [-500, 1500]
    assert at_once.subscription.pending_lines == ()
    silent = update_subscription(started.subscription, change, at(2026, 4, 16), ProrationBehavior.NONE)
    assert silent.proration_lines == []
    assert silent.subscription.items[0].quantity == 3


def test_metered_items_are_never_prorated():
    from tests.unit.engine.catalog import MINUTES

    started = create_subscription(
        "sub_1", "acct", [NewItem("si_1", PLAN_10), NewItem("si_m", MINUTES)], now=at(2026, 4, 1)
    )
    cheaper = replace(MINUTES, id="minutes_2", unit_amount=Decimal(3))
    updated = update_subscription(started.subscription, [ItemUpdate("si_m", price=cheaper)], at(2026, 4, 16))
    assert updated.proration_lines == []
    assert updated.subscription.item("si_m").price.id == "minutes_2"


def test_a_downgrade_can_wait_for_the_period_end():
    started = create_subscription("sub_1", "acct", [NewItem("si_1", PLAN_20)], now=at(2026, 4, 1))
    scheduled = update_subscription(
        started.subscription, [ItemUpdate("si_1", price=PLAN_10)], at(2026, 4, 16), at_period_end=True
    )
    assert scheduled.proration_lines == []
    assert scheduled.subscription.items[0].price.id == "plan_20"
    assert scheduled.subscription.scheduled_items[0].price.id == "plan_10"


def test_zero_and_huge_quantities():
    started = create_subscription("sub_1", "acct", [NewItem("si_1", PLAN_10, 0)], now=at(2026, 4, 1))
    assert [line.amount for line in started.lines] == [0]
    huge = update_subscription(started.subscription, [ItemUpdate("si_1", quantity=1_000_000)], at(2026, 4, 16))
    assert [line.amount for line in huge.proration_lines] == [500_000_000]  # no credit for a free item


def test_marketplace_subscriptions_are_read_only():
    started = create_subscription(
        "sub_1", "acct", [NewItem("si_1", PLAN_10)], now=at(2026, 4, 1), managed_by="aws_marketplace"
    )
    with pytest.raises(ConflictError) as caught:
        update_subscription(started.subscription, [ItemUpdate("si_1", quantity=2)], at(2026, 4, 2))
    assert caught.value.code == "managed_by_marketplace"
