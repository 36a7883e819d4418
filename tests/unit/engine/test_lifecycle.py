"""Subscription lifecycle edge cases: trials, start dates, anchors, cancellation, tacit renewal."""

from zoneinfo import ZoneInfo

import pytest

from billing.errors import BusinessRuleError, ConflictError, InvalidInputError
from billing.invoices.models import BillingReason, Section
from billing.subscriptions.engine.cancel_subscription import cancel_subscription
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.engine.renew_subscription import renew_subscription
from billing.subscriptions.engine.update_subscription import ItemUpdate, update_subscription
from billing.subscriptions.models import SubscriptionStatus
from tests.unit.engine.catalog import MINUTES, NUMBER, USER, USER_YEARLY, at, licensed


def test_trial_crossing_a_month_end_bills_from_the_trial_end_and_anchors_there():
    started = create_subscription("s", "a", [NewItem("u", USER, 2)], now=at(2026, 1, 20), trial_period_days=14)
    subscription = started.subscription
    assert started.lines == []
    assert subscription.status is SubscriptionStatus.TRIALING
    assert subscription.current_period.end == at(2026, 2, 3)
    with pytest.raises(BusinessRuleError):
        renew_subscription(subscription, at(2026, 2, 2))
    first = renew_subscription(subscription, at(2026, 2, 3))
    assert first.billing_reason is BillingReason.SUBSCRIPTION_CREATE
    assert first.subscription.status is SubscriptionStatus.ACTIVE
    assert first.period.start == at(2026, 2, 3)
    assert first.period.end == at(2026, 3, 3)
    assert [line.amount for line in first.lines] == [6000]


def test_trial_ending_on_the_31st_clamps_later_periods():
    started = create_subscription("s", "a", [NewItem("u", USER)], now=at(2026, 1, 1), trial_period_days=30)
    renewed = renew_subscription(started.subscription, at(2026, 1, 31))
    second = renew_subscription(renewed.subscription, at(2026, 2, 28))
    third = renew_subscription(second.subscription, at(2026, 3, 31))
    assert [r.period.start.day for r in (renewed, second, third)] == [31, 28, 31]


def test_changes_during_a_trial_are_not_prorated():
    started = create_subscription("s", "a", [NewItem("u", USER)], now=at(2026, 1, 1), trial_period_days=10)
    updated = update_subscription(started.subscription, [ItemUpdate("u", quantity=5)], at(2026, 1, 5))
    assert updated.proration_lines == []
    assert renew_subscription(updated.subscription, at(2026, 1, 11)).lines[0].amount == 15000


def test_start_in_the_past_backdates_the_first_period_and_renewals_catch_up():
    started = create_subscription("s", "a", [NewItem("u", USER)], now=at(2026, 3, 10), start=at(2026, 1, 15))
    assert started.subscription.current_period.start == at(2026, 1, 15)
    subscription, invoices = started.subscription, 1
    while subscription.current_period.end <= at(2026, 3, 10):
        subscription = renew_subscription(subscription, at(2026, 3, 10)).subscription
        invoices += 1
    assert invoices == 2  # Jan 15 → Feb 15, then Feb 15 → Mar 15 (which contains Mar 10)
    assert subscription.current_period.start == at(2026, 2, 15)


def test_start_in_the_future_bills_nothing_before_it():
    started = create_subscription("s", "a", [NewItem("u", USER)], now=at(2026, 3, 10), start=at(2026, 4, 1))
    assert (started.lines, started.subscription.status) == ([], SubscriptionStatus.INCOMPLETE)
    first = renew_subscription(started.subscription, at(2026, 4, 1))
    assert (first.billing_reason, first.period.start) == (BillingReason.SUBSCRIPTION_CREATE, at(2026, 4, 1))


def test_billing_cycle_anchor_makes_a_prorated_first_period():
    started = create_subscription(
        "s", "a", [NewItem("u", USER)], now=at(2026, 3, 16), billing_cycle_anchor=at(2026, 4, 1)
    )
    (line,) = started.lines
    assert line.period.start == at(2026, 3, 16)
    assert line.period.end == at(2026, 4, 1)
    assert line.amount == round(3000 * 16 / 31)
    assert renew_subscription(started.subscription, at(2026, 4, 1)).period.end == at(2026, 5, 1)
    with pytest.raises(InvalidInputError):
        create_subscription("s", "a", [NewItem("u", USER)], now=at(2026, 3, 16), billing_cycle_anchor=at(2026, 3, 1))


def test_a_paris_customer_at_month_end_is_billed_on_utc_instants():
    # 1 Feb 00:30 in Paris is 31 Jan 23:30 UTC: the anchor day is the 31st, consistently.
    paris = at(2026, 1, 31, 23, 30).astimezone(ZoneInfo("Europe/Paris"))
    started = create_subscription("s", "a", [NewItem("u", USER)], now=paris)
    renewed = renew_subscription(started.subscription, at(2026, 2, 28, 23, 30))
    assert renewed.period.start == at(2026, 2, 28, 23, 30)
    assert renew_subscription(renewed.subscription, at(2026, 3, 31, 23, 30)).period.start.day == 31


def test_cancel_at_period_end_stops_tacit_renewal_with_a_final_invoice():
    started = create_subscription("s", "a", [NewItem("u", USER), NewItem("m", MINUTES)], now=at(2026, 3, 1))
    flagged = cancel_subscription(started.subscription, at(2026, 3, 10), at_period_end=True).subscription
    assert flagged.status is SubscriptionStatus.ACTIVE
    final = renew_subscription(flagged, at(2026, 4, 1))
    assert final.subscription.status is SubscriptionStatus.CANCELED
    assert [line.section for line in final.lines] == [Section.USAGE]  # usage of March, no new month


def test_cancel_now_credits_unused_time_and_bills_usage_to_date():
    started = create_subscription("s", "a", [NewItem("u", USER), NewItem("m", MINUTES)], now=at(2026, 4, 1))
    canceled = cancel_subscription(started.subscription, at(2026, 4, 16))
    assert canceled.subscription.status is SubscriptionStatus.CANCELED
    credit, usage = canceled.final_lines
    assert (credit.amount, usage.period.end) == (-1500, at(2026, 4, 16))
    with pytest.raises(ConflictError):
        update_subscription(canceled.subscription, [ItemUpdate("u", quantity=2)], at(2026, 4, 17))


def test_a_scheduled_downgrade_applies_at_renewal_without_proration():
    started = create_subscription("s", "a", [NewItem("u", USER, 5), NewItem("n", NUMBER, 2)], now=at(2026, 3, 1))
    scheduled = update_subscription(
        started.subscription, [ItemUpdate("u", quantity=2)], at(2026, 3, 5), at_period_end=True
    )
    renewed = renew_subscription(scheduled.subscription, at(2026, 4, 1))
    assert [line.amount for line in renewed.lines] == [6000, 1000]
    assert renewed.subscription.scheduled_items is None


def test_mixing_intervals_within_licensed_items_is_refused_but_annual_seats_with_monthly_usage_is_fine():
    with pytest.raises(InvalidInputError):
        create_subscription("s", "a", [NewItem("u", USER), NewItem("y", USER_YEARLY)], now=at(2026, 1, 1))
    started = create_subscription("s", "a", [NewItem("y", USER_YEARLY), NewItem("m", MINUTES)], now=at(2026, 1, 1))
    assert (started.subscription.cycle.months, started.subscription.usage_cycle.months) == (12, 1)


def test_one_currency_per_subscription():
    dollars = licensed("usd_plan", 1000).__class__(id="usd", product_id="p", currency="USD", recurring=USER.recurring)
    with pytest.raises(InvalidInputError) as caught:
        create_subscription("s", "a", [NewItem("u", USER), NewItem("d", dollars)], now=at(2026, 1, 1))
    assert caught.value.code == "currency_mismatch"
