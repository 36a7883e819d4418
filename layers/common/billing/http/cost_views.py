"""Response bodies of the cost-management routes: usage and cost rows, forecast, budgets, allocation."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from billing.costs.summarize_account_usage import AccountUsageSummary, CostRow


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
