"""Budgets and usage alerts: a monthly limit on cost (or on a meter's quantity) over a scope, and the
thresholds, in percent of the actual or forecast value, whose crossing is announced once per month.

The month is the account's calendar month. Costs are excluding tax, as budgets are kept in companies'
books. ``crossed`` records what was announced (``2026-11:actual:80``): a crossing is written together with
its event under the budget's version, so late or repeated usage, or two evaluations at once, never
announce one threshold twice in a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from billing.errors import ErrorCode, InvalidInputError

MAX_THRESHOLDS = 10
FORECAST_EVERY = timedelta(hours=1)  # forecast thresholds are evaluated by the hourly billing run


class Basis(StrEnum):
    ACTUAL = "actual"
    FORECAST = "forecast"


@dataclass(frozen=True, slots=True, order=True)
class Threshold:
    """A share of a budget that, once reached by actual or forecast costs, is announced."""

    percent: int
    basis: Basis = Basis.ACTUAL

    @property
    def name(self) -> str:
        return f"{self.basis.value}:{self.percent}"


@dataclass(frozen=True, slots=True)
class BudgetScope:
    """What the budget watches; empty: the whole account. Filters combine (a meter of one subscription)."""

    subscription_id: str | None = None
    meter: str | None = None
    tag: tuple[str, str] | None = None  # (key, value)

    @property
    def usage_only(self) -> bool:
        """Recurring items have no meter or usage tag: only whole-account and subscription scopes count them."""
        return self.meter is not None or self.tag is not None


@dataclass(frozen=True, slots=True)
class Budget:
    """A monthly ceiling on an account's costs or on a meter's usage, with the thresholds that alert."""

    id: str
    account_id: str
    name: str
    currency: str
    scope: BudgetScope
    thresholds: tuple[Threshold, ...]
    created: datetime
    amount: int | None = None  # minor units, excluding tax: a cost budget
    quantity: Decimal | None = None  # a usage alert on the scope's meter
    crossed: tuple[str, ...] = ()  # "<month>:<basis>:<percent>", announced
    evaluated_at: datetime | None = None
    deleted: bool = False
    version: int = 0

    def __post_init__(self) -> None:
        check_budget(self)

    @property
    def limit(self) -> Decimal:
        return Decimal(self.amount) if self.amount is not None else self.quantity or Decimal(0)

    def announced(self, month: str, threshold: Threshold) -> bool:
        return f"{month}:{threshold.name}" in self.crossed

    def next_due(self) -> datetime | None:
        """Forecast thresholds are looked at every hour; actual ones as usage arrives."""
        if self.deleted or not any(t.basis is Basis.FORECAST for t in self.thresholds):
            return None
        return (self.evaluated_at or self.created) + FORECAST_EVERY


def check_budget(budget: Budget) -> None:
    if (budget.amount is None) == (budget.quantity is None):
        raise InvalidInputError(ErrorCode.INVALID_BUDGET, "A budget has an amount or a quantity, not both.", "amount")
    if budget.limit <= 0:
        raise InvalidInputError(ErrorCode.INVALID_BUDGET, "The limit must be above zero.", "amount")
    if budget.quantity is not None and budget.scope.meter is None:
        raise InvalidInputError(ErrorCode.INVALID_BUDGET, "A quantity alert names its meter (scope.meter).", "scope")
    if not 1 <= len(budget.thresholds) <= MAX_THRESHOLDS or len(set(budget.thresholds)) != len(budget.thresholds):
        raise InvalidInputError(ErrorCode.INVALID_BUDGET, f"1 to {MAX_THRESHOLDS} distinct thresholds.", "thresholds")
    if any(not 1 <= t.percent <= 1000 for t in budget.thresholds):
        raise InvalidInputError(ErrorCode.INVALID_BUDGET, "Thresholds are 1 to 1000 percent.", "thresholds")


@dataclass(frozen=True, slots=True)
class Measure:
    """A budget's value this month: what happened, and where the month is heading."""

    actual: Decimal
    forecast: Decimal


@dataclass(frozen=True, slots=True)
class Crossing:
    """A threshold a budget has just reached this month, and the value that reached it."""

    budget: Budget
    month: str
    threshold: Threshold
    value: Decimal


def crossings(budget: Budget, month: str, measure: Measure) -> list[Crossing]:
    """Thresholds reached this month and not announced yet, lowest first."""
    found = []
    for threshold in sorted(budget.thresholds):
        value = measure.actual if threshold.basis is Basis.ACTUAL else measure.forecast
        if value * 100 >= budget.limit * threshold.percent and not budget.announced(month, threshold):
            found.append(Crossing(budget, month, threshold, value))
    return found
