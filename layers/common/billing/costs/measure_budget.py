"""A budget's value in a month: usage cost (or quantity) of its scope, recurring charges for whole-account
and subscription scopes, and where the month is heading (tiers applied to the projected quantity).

A forecast needs history: a period's first hours, scaled to a month, would announce any budget on the
first build of the month. Usage is projected only once three days of its period have passed (Azure's
cost forecast likewise waits for a few days of data); until then the forecast is the actual value."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from billing.costs.account_usage import AccountUsage
from billing.costs.budgets import Budget, BudgetScope, Measure
from billing.costs.forecast_costs import Scenario, subscription_forecast
from billing.costs.priced_usage import PricedDay
from billing.subscriptions.models import Subscription, SubscriptionStatus

MIN_HISTORY = timedelta(days=3)


def month_span(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _matches(scope: BudgetScope, day: PricedDay) -> bool:
    return (
        scope.subscription_id in (None, day.subscription_id)
        and scope.meter in (None, day.meter)
        and (scope.tag is None or scope.tag in day.tags)
    )


def _in_scope(scope: BudgetScope, subscription: Subscription) -> bool:
    return scope.subscription_id in (None, subscription.id)


def measure_budget(budget: Budget, priced: AccountUsage, now: datetime, with_forecast: bool) -> Measure:
    first, last = month_span(now.astimezone(priced.zone).date())
    counts_quantity = budget.quantity is not None
    days = [d for p in priced.periods for d in p.days if first <= d.day <= last and _matches(budget.scope, d)]
    days = [d for d in days if d.currency == budget.currency or counts_quantity]
    actual = sum((d.quantity if counts_quantity else Decimal(d.cost) for d in days), Decimal(0))
    if not counts_quantity and not budget.scope.usage_only:
        actual += _recurring_this_month(budget, priced, first, last)
    forecast = actual
    if with_forecast:
        forecast += _still_to_come(budget, priced, now)
    return Measure(actual, forecast)


def _recurring_this_month(budget: Budget, priced: AccountUsage, first: date, last: date) -> Decimal:
    total = 0
    for subscription in priced.subscriptions.values():
        if not _in_scope(budget.scope, subscription) or subscription.currency != budget.currency:
            continue
        for item in subscription.licensed_items:
            if item.charged and first <= item.charged.span.start.astimezone(priced.zone).date() <= last:
                total += item.charged.amount
    return Decimal(total)


def _still_to_come(budget: Budget, priced: AccountUsage, now: datetime) -> Decimal:
    """The linear projection's increase over what is counted so far, for the scope's metered items; with a
    tag filter, the tag's share of each item so far carries into the projection."""
    counts_quantity = budget.quantity is not None
    extra = Decimal(0)
    for subscription in priced.subscriptions.values():
        if not _in_scope(budget.scope, subscription) or subscription.status is SubscriptionStatus.CANCELED:
            continue
        if now - subscription.usage_period.start < MIN_HISTORY:
            continue
        forecast = subscription_forecast(priced, subscription, now)
        for item in forecast.items:
            if item.meter is None or budget.scope.meter not in (None, item.meter):
                continue
            if counts_quantity:
                so_far, projected = item.quantity[Scenario.TO_DATE], item.quantity[Scenario.LINEAR]
            else:
                so_far, projected = Decimal(item.amount[Scenario.TO_DATE]), Decimal(item.amount[Scenario.LINEAR])
            extra += (projected - so_far) * _share(budget, priced, subscription.id, item.meter)
    return extra.quantize(Decimal(1)) if not counts_quantity else extra


def _share(budget: Budget, priced: AccountUsage, subscription_id: str, meter: str) -> Decimal:
    if budget.scope.tag is None:
        return Decimal(1)
    current = [
        d
        for p in priced.periods
        if p.subscription_id == subscription_id and p.meter == meter
        for d in p.days
        if d.period.start == priced.subscriptions[subscription_id].usage_period.start
    ]
    whole = sum((d.quantity for d in current), Decimal(0))
    tagged = sum((d.quantity for d in current if budget.scope.tag in d.tags), Decimal(0))
    return tagged / whole if whole else Decimal(0)
