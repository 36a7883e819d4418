"""Announce the budget thresholds an account's usage has reached this month, each once.

Run after each usage batch (actual thresholds: the batch's cost is one Query of the account's budgets, and
of its daily usage items when it has any; no event is read again) and by the hourly billing run for
forecast thresholds. A crossing is committed with the budget's new ``crossed`` under the version read,
with its event: a concurrent evaluation loses the race, reads again and finds it announced.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from billing.accounts.models import Account
from billing.batch import WriteBatch
from billing.conflicts import retried_on_conflict
from billing.costs.account_usage import AccountUsage, account_usage
from billing.costs.budgets import Basis, Crossing, crossings
from billing.costs.measure_budget import measure_budget, month_span
from billing.events import DomainEvent, EventType
from billing.usage.ports import UsageStore

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


def evaluate_budgets(
    store: BillingStore, usage: UsageStore, account: Account, now: datetime, forecasts: bool = False
) -> list[Crossing]:
    """Every live budget of the account; ``forecasts``: the hourly pass, forecast thresholds included."""
    budgets = [b for b in store.list_budgets(account.id) if not b.deleted]
    if not budgets:
        return []
    today = now.date()
    first, _ = month_span(today)
    priced = account_usage(store, usage, account, first, today)
    found: list[Crossing] = []
    for budget in budgets:
        found += _evaluate_one(store, priced, budget.id, now, forecasts)
    return found


@retried_on_conflict
def _evaluate_one(
    store: BillingStore, priced: AccountUsage, budget_id: str, now: datetime, forecasts: bool
) -> list[Crossing]:
    budget = store.get_budget(budget_id)
    if budget is None or budget.deleted:
        return []
    month = now.astimezone(priced.zone).date().isoformat()[:7]
    wanted = forecasts and any(t.basis is Basis.FORECAST for t in budget.thresholds)
    measure = measure_budget(budget, priced, now, with_forecast=wanted)
    found = [c for c in crossings(budget, month, measure) if forecasts or c.threshold.basis is Basis.ACTUAL]
    if not found and not wanted:
        return []  # nothing to announce, and no hourly schedule to move on
    updated = replace(
        budget,
        crossed=(*budget.crossed, *(f"{month}:{c.threshold.name}" for c in found)),
        evaluated_at=now if wanted else budget.evaluated_at,
    )
    store.commit(WriteBatch(budgets=[updated], events=[_event(c, now) for c in found]))
    return found


def _event(crossing: Crossing, now: datetime) -> DomainEvent:
    budget, threshold = crossing.budget, crossing.threshold
    quantity = budget.quantity is not None
    return DomainEvent(
        id=f"budget.threshold_crossed:{budget.id}:{crossing.month}:{threshold.name}",
        type=EventType.BUDGET_THRESHOLD_CROSSED,
        at=now,
        account_id=budget.account_id,
        detail={
            "budget": budget.id,
            "account": budget.account_id,
            "name": budget.name,
            "month": crossing.month,
            "percent": threshold.percent,
            "basis": threshold.basis.value,
            "measure": "quantity" if quantity else "cost",
            "value": f"{crossing.value.normalize():f}" if quantity else int(crossing.value),
            "limit": f"{budget.limit.normalize():f}" if quantity else int(budget.limit),
            "currency": budget.currency,
            "meter": budget.scope.meter,
        },
    )
