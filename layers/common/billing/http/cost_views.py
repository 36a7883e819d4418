"""Response bodies of the cost-management routes: usage and cost rows, forecast, budgets, allocation."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from billing.clock import isoformat
from billing.costs.allocate_costs import AllocationRow, CostAllocation
from billing.costs.budgets import Basis, Budget, BudgetScope
from billing.costs.forecast_costs import Cost, Forecast, Scenario, SubscriptionForecast
from billing.costs.summarize_account_usage import AccountUsageSummary, CostRow
from billing.http.schema import Currency, Identifier, Name, Strict


class CostRowView(BaseModel):
    period: str = Field(description="The day (2026-11-03) or the month (2026-11), in the account's time zone.")
    meter: str | None = None
    subscription: str | None = None
    tag: dict[str, str | None] | None = Field(default=None, description="{key: value}; value null: untagged.")
    quantity: str
    events: int
    cost: int = Field(description="Minor units: this row's share of what the invoice charges (or would now).")
    currency: str

    @classmethod
    def of(cls, row: CostRow) -> CostRowView:
        return cls(
            period=row.period,
            meter=row.meter,
            subscription=row.subscription_id,
            tag=None if row.tag is None else {row.tag[0]: row.tag[1]},
            quantity=f"{row.quantity.normalize():f}",
            events=row.events,
            cost=row.cost,
            currency=row.currency,
        )


class AccountUsageSummaryView(BaseModel):
    object: Literal["account_usage_summary"] = "account_usage_summary"
    account: str
    start: str = Field(alias="from", description="First day included.")
    end: str = Field(alias="to", description="Last day included.")
    granularity: Literal["day", "month"]
    data: list[CostRowView]

    @classmethod
    def of(cls, summary: AccountUsageSummary) -> AccountUsageSummaryView:
        return cls.model_validate(
            {
                "account": summary.account_id,
                "from": summary.first.isoformat(),
                "to": summary.last.isoformat(),
                "granularity": summary.granularity.value,
                "data": [CostRowView.of(row) for row in summary.rows],
            }
        )


class CostView(BaseModel):
    excluding_tax: int = Field(description="Minor units, after discounts.")
    including_tax: int = Field(description="Minor units, VAT included as the invoice will apply it.")


class ScenarioCosts(BaseModel):
    to_date: CostView = Field(description="The period so far.")
    linear: CostView = Field(description="Projected to the period's end at the period's average rate so far.")
    trailing_7_days: CostView = Field(description="Projected at the last seven days' rate.")

    @classmethod
    def of(cls, costs: dict[Scenario, Cost]) -> ScenarioCosts:
        return cls.model_validate(
            {
                scenario.value: CostView(excluding_tax=c.excluding_tax, including_tax=c.including_tax)
                for scenario, c in costs.items()
            }
        )


class ItemForecastView(BaseModel):
    item: str = Field(description="The subscription item's id (si_…).")
    name: str
    meter: str | None = Field(description="null: a recurring item, counted exactly.")
    quantity: dict[str, str]
    amount: dict[str, int] = Field(description="Minor units before discount and tax, tiers applied.")


class SubscriptionForecastView(BaseModel):
    subscription: str
    currency: str
    period_start: str
    period_end: str
    elapsed: str = Field(description="Fraction of the period gone, 0 to 1.")
    items: list[ItemForecastView]
    cost: ScenarioCosts = Field(description="The period's cost per scenario, after discount, with and without VAT.")

    @classmethod
    def of(cls, forecast: SubscriptionForecast) -> SubscriptionForecastView:
        return cls(
            subscription=forecast.subscription_id,
            currency=forecast.currency,
            period_start=isoformat(forecast.period_start),
            period_end=isoformat(forecast.period_end),
            elapsed=f"{forecast.elapsed.normalize():f}",
            items=[
                ItemForecastView(
                    item=item.item_id,
                    name=item.name,
                    meter=item.meter,
                    quantity={s.value: f"{q.normalize():f}" for s, q in item.quantity.items()},
                    amount={s.value: a for s, a in item.amount.items()},
                )
                for item in forecast.items
            ],
            cost=ScenarioCosts.of(forecast.cost),
        )


class CurrencyTotalView(ScenarioCosts):
    currency: str


class ForecastView(BaseModel):
    object: Literal["forecast"] = "forecast"
    account: str
    at: str
    subscriptions: list[SubscriptionForecastView] = Field(description="Every subscription still running.")
    totals: list[CurrencyTotalView] = Field(description="The subscriptions' costs added up, per currency.")

    @classmethod
    def of(cls, forecast: Forecast) -> ForecastView:
        totals = []
        for currency, costs in sorted(forecast.totals.items()):
            scenarios = ScenarioCosts.of(costs)
            totals.append(CurrencyTotalView(currency=currency, **dict(scenarios)))
        return cls(
            account=forecast.account_id,
            at=isoformat(forecast.at),
            subscriptions=[SubscriptionForecastView.of(s) for s in forecast.subscriptions],
            totals=totals,
        )


class ThresholdIn(Strict):
    percent: Annotated[int, Field(ge=1, le=1000, description="Of the limit: 50, 80, 100, 120…")]
    basis: Basis = Field(default=Basis.ACTUAL, description="actual (what happened) or forecast (where it heads).")


class ScopeIn(Strict):
    subscription: Identifier | None = Field(default=None, description="Only this subscription.")
    meter: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="Only this meter's usage (required by a quantity alert)."
    )
    tag: (
        Annotated[
            dict[Annotated[str, Field(min_length=1, max_length=64)], Annotated[str, Field(max_length=256)]],
            Field(min_length=1, max_length=1, description="Only usage carrying this tag: {key: value}."),
        ]
        | None
    ) = None

    def to_scope(self) -> BudgetScope:
        tag = next(iter(self.tag.items())) if self.tag else None
        return BudgetScope(self.subscription, self.meter, tag)


class BudgetCreate(Strict):
    name: Name
    amount: Annotated[int, Field(ge=1, le=10**13)] | None = Field(
        default=None, description="A monthly cost limit in minor units, excluding tax."
    )
    quantity: Annotated[Decimal, Field(gt=0, le=Decimal(10**12), decimal_places=6)] | None = Field(
        default=None, description="A usage alert instead: the month's quantity of scope.meter."
    )
    currency: Currency = "EUR"
    scope: ScopeIn = Field(default_factory=ScopeIn, description="Empty: the whole account.")
    thresholds: Annotated[list[ThresholdIn], Field(min_length=1, max_length=10)]


class BudgetChanges(Strict):
    name: Name | None = None
    amount: Annotated[int, Field(ge=1, le=10**13)] | None = None
    quantity: Annotated[Decimal, Field(gt=0, le=Decimal(10**12), decimal_places=6)] | None = None
    scope: ScopeIn | None = None
    thresholds: Annotated[list[ThresholdIn], Field(min_length=1, max_length=10)] | None = None


class ThresholdView(BaseModel):
    percent: int
    basis: Basis


class BudgetView(BaseModel):
    id: str
    object: Literal["budget"] = "budget"
    account: str
    name: str
    amount: int | None
    quantity: str | None
    currency: str
    scope: dict[str, str | dict[str, str] | None] = Field(
        description="The subscription, meter and tag it is limited to (null: all)."
    )
    thresholds: list[ThresholdView]
    crossed: list[str] = Field(description="Announced crossings: <month>:<basis>:<percent>, e.g. 2026-11:actual:80.")
    created: str

    @classmethod
    def of(cls, budget: Budget) -> BudgetView:
        scope = budget.scope
        return cls(
            id=budget.id,
            account=budget.account_id,
            name=budget.name,
            amount=budget.amount,
            quantity=None if budget.quantity is None else f"{budget.quantity.normalize():f}",
            currency=budget.currency,
            scope={
                "subscription": scope.subscription_id,
                "meter": scope.meter,
                "tag": None if scope.tag is None else {scope.tag[0]: scope.tag[1]},
            },
            thresholds=[ThresholdView(percent=t.percent, basis=t.basis) for t in budget.thresholds],
            crossed=list(budget.crossed),
            created=isoformat(budget.created),
        )


class BudgetList(BaseModel):
    object: Literal["list"] = "list"
    data: list[BudgetView]


class AllocationRowView(BaseModel):
    value: str | None = Field(description="The tag's value; null: usage or subscriptions without the tag.")
    currency: str
    excluding_tax: int = Field(description="Minor units, after discounts.")
    tax: int = Field(description="Minor units of VAT.")
    including_tax: int = Field(description="Minor units.")

    @classmethod
    def of(cls, row: AllocationRow) -> AllocationRowView:
        return cls(
            value=row.value,
            currency=row.currency,
            excluding_tax=row.excluding_tax,
            tax=row.tax,
            including_tax=row.including_tax,
        )


class CostAllocationView(BaseModel):
    object: Literal["cost_allocation"] = "cost_allocation"
    account: str
    period: str = Field(description="The month, in the account's time zone.")
    by: str = Field(description="tag:<key>.")
    chargeback: list[AllocationRowView] = Field(
        description="The invoices finalized in the month, shared out by tag: the rows add up to their totals."
    )
    showback: list[AllocationRowView] = Field(description="The month so far, excluding tax (open usage periods).")
    invoices: list[str] = Field(description="The invoices allocated.")

    @classmethod
    def of(cls, allocation: CostAllocation) -> CostAllocationView:
        return cls(
            account=allocation.account_id,
            period=allocation.month,
            by=f"tag:{allocation.tag_key}",
            chargeback=[AllocationRowView.of(r) for r in allocation.chargeback],
            showback=[AllocationRowView.of(r) for r in allocation.showback],
            invoices=list(allocation.invoices),
        )
