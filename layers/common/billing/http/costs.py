"""Cost-management routes: account-wide usage and cost, forecast, budgets, cost allocation."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import AwareDatetime

from billing.costs.allocate_costs import CostAllocation, allocate_costs, parse_month, parse_tag_key
from billing.costs.budgets import Threshold
from billing.costs.create_budget import create_budget
from billing.costs.forecast_costs import forecast_costs
from billing.costs.get_budget import get_budget, list_budgets
from billing.costs.summarize_account_usage import CostRow, Granularity, GroupBy, summarize_account_usage
from billing.costs.update_budget import delete_budget, update_budget
from billing.http.account_views import ACCOUNT_ID_PATTERN
from billing.http.cost_views import (
    AccountUsageSummaryView,
    BudgetChanges,
    BudgetCreate,
    BudgetList,
    BudgetView,
    CostAllocationView,
    ForecastView,
)
from billing.http.routing import BEARER, caller, once, services
from billing.money import minor_unit_exponent

router = Router()
ACCOUNT_ID = Annotated[str, Path(pattern=ACCOUNT_ID_PATTERN)]
BUDGET_ID = Annotated[str, Path(pattern=r"^budget_[0-9a-z]{1,40}$")]
DateOrInstant = AwareDatetime | date


def wants_csv() -> bool:
    return "text/csv" in (router.current_event.headers.get("Accept") or "")


def decimal_amount(minor: int, currency: str) -> str:
    return f"{Decimal(minor).scaleb(-minor_unit_exponent(currency)):f}"


@router.get(
    "/v1/accounts/<account_id>/usage_summaries",
    security=BEARER,
    tags=["Cost management"],
    responses={
        200: {
            "description": "Usage and cost rows",
            "content": {
                "application/json": {"model": AccountUsageSummaryView},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
    },
)
def get_account_usage_summaries(
    account_id: ACCOUNT_ID,
    start: Annotated[DateOrInstant, Query(alias="from", description="A date (included) or an instant.")],
    end: Annotated[DateOrInstant, Query(alias="to", description="A date (included) or an instant (excluded).")],
    granularity: Annotated[Literal["day", "month"], Query()] = "day",
    group_by: Annotated[
        str, Query(max_length=200, description="meter, subscription, tag:<key>; comma-separated.")
    ] = "meter",
) -> Response[Any]:
    """Usage and cost across all the account's subscriptions, by day or month of the account's time zone.

    Costs are what the invoice charges (or would charge now, for the open period): each usage period is
    rated once on its cumulative quantity, tiers included, then shared out among days and tags, so the rows
    of a period add up to its invoice line. CSV with ``Accept: text/csv``.

    Errors: ``account_not_found``, ``invalid_group_by``, ``invalid_range``.
    """
    s = services(router)
    summary = summarize_account_usage(
        s.store,
        s.accounts,
        s.usage,
        caller(router),
        account_id,
        start,
        end,
        Granularity(granularity),
        GroupBy.parse(group_by),
    )
    if wants_csv():
        return Response(200, "text/csv; charset=utf-8", _rows_csv(summary.rows))
    return Response(200, "application/json", AccountUsageSummaryView.of(summary).model_dump_json(by_alias=True))


@router.get("/v1/accounts/<account_id>/forecast", security=BEARER, tags=["Cost management"])
def get_forecast(account_id: ACCOUNT_ID) -> ForecastView:
    """Each subscription's current period: its cost so far and projected to the period's end, excluding
    and including VAT, per subscription and in total per currency.

    Recurring items count exactly; usage is projected ``linear`` (the period's average rate so far) and
    ``trailing_7_days`` (the last seven days' rate), with the tiers applied to the projected quantity.

    Errors: ``account_not_found``.
    """
    s = services(router)
    return ForecastView.of(forecast_costs(s.store, s.accounts, s.usage, s.clock, caller(router), account_id))


@router.post("/v1/accounts/<account_id>/budgets", status_code=201, security=BEARER, tags=["Cost management"])
def post_budget(account_id: ACCOUNT_ID, body: BudgetCreate) -> BudgetView:
    """A monthly budget (``amount``, excluding tax) or usage alert (``quantity`` of ``scope.meter``) over
    the account, a subscription, a meter or a tag value, with thresholds in percent of the actual or
    forecast value. Each threshold is announced once per month: a ``budget.threshold_crossed`` event and
    an email to the billing contact. Actual thresholds are checked as usage arrives, forecast ones hourly.

    Errors: ``account_not_found``, ``permission_denied``, ``invalid_budget``, ``subscription_not_found``,
    ``invalid_currency``.
    """
    s = services(router)

    def create() -> dict[str, object]:
        budget = create_budget(
            s.store,
            caller(router),
            s.clock.now(),
            account_id,
            body.name,
            body.currency,
            body.scope.to_scope(),
            [Threshold(t.percent, t.basis) for t in body.thresholds],
            body.amount,
            body.quantity,
        )
        return BudgetView.of(budget).model_dump(mode="json")

    return BudgetView.model_validate(once(router, body.model_dump(mode="json"), create))


@router.get("/v1/accounts/<account_id>/budgets", security=BEARER, tags=["Cost management"])
def get_budgets(account_id: ACCOUNT_ID) -> BudgetList:
    """The account's budgets and usage alerts, oldest first.

    Errors: ``account_not_found``.
    """
    budgets = list_budgets(services(router).store, caller(router), account_id)
    return BudgetList(data=[BudgetView.of(b) for b in budgets])


@router.get("/v1/accounts/<account_id>/budgets/<budget_id>", security=BEARER, tags=["Cost management"])
def get_budget_route(account_id: ACCOUNT_ID, budget_id: BUDGET_ID) -> BudgetView:
    """One budget, with the crossings announced so far.

    Errors: ``budget_not_found``.
    """
    return BudgetView.of(get_budget(services(router).store, caller(router), account_id, budget_id))


@router.patch("/v1/accounts/<account_id>/budgets/<budget_id>", security=BEARER, tags=["Cost management"])
def patch_budget(account_id: ACCOUNT_ID, budget_id: BUDGET_ID, body: BudgetChanges) -> BudgetView:
    """Change the name, limit, scope or thresholds; crossings announced this month stay announced.

    Errors: ``budget_not_found``, ``permission_denied``, ``invalid_budget``, ``subscription_not_found``.
    """
    budget = update_budget(
        services(router).store,
        caller(router),
        account_id,
        budget_id,
        body.name,
        body.scope.to_scope() if body.scope else None,
        [Threshold(t.percent, t.basis) for t in body.thresholds] if body.thresholds else None,
        body.amount,
        body.quantity,
    )
    return BudgetView.of(budget)


@router.delete(
    "/v1/accounts/<account_id>/budgets/<budget_id>", status_code=204, security=BEARER, tags=["Cost management"]
)
def delete_budget_route(account_id: ACCOUNT_ID, budget_id: BUDGET_ID) -> Response[None]:
    """Stop watching: no more announcements.

    Errors: ``budget_not_found``, ``permission_denied``.
    """
    delete_budget(services(router).store, caller(router), account_id, budget_id)
    return Response(status_code=204)


@router.get(
    "/v1/accounts/<account_id>/cost_allocation",
    security=BEARER,
    tags=["Cost management"],
    responses={
        200: {
            "description": "Chargeback and showback rows",
            "content": {
                "application/json": {"model": CostAllocationView},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
    },
)
def get_cost_allocation(
    account_id: ACCOUNT_ID,
    period: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="The month: 2026-11.")],
    by: Annotated[str, Query(max_length=68, description="tag:<key>, e.g. tag:team.")],
) -> Response[Any]:
    """What a month cost per value of one tag: chargeback from the invoices finalized in the month (usage
    by its tags, recurring items by their subscription's tags, discount and VAT shared out: the rows add up
    to the invoices' totals to the cent) and showback from the month so far. CSV with ``Accept: text/csv``.

    Errors: ``account_not_found``, ``invalid_group_by``, ``invalid_period``.
    """
    s = services(router)
    allocation = allocate_costs(
        s.store, s.accounts, s.usage, caller(router), account_id, parse_month(period), parse_tag_key(by)
    )
    if wants_csv():
        return Response(200, "text/csv; charset=utf-8", _allocation_csv(allocation))
    return Response(200, "application/json", CostAllocationView.of(allocation).model_dump_json())


def _allocation_csv(allocation: CostAllocation) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "period", "tag_key", "tag_value", "excluding_tax", "tax", "including_tax", "currency"])
    for kind, rows in (("chargeback", allocation.chargeback), ("showback", allocation.showback)):
        for row in rows:
            writer.writerow(
                [
                    kind,
                    allocation.month,
                    allocation.tag_key,
                    row.value or "",
                    decimal_amount(row.excluding_tax, row.currency),
                    decimal_amount(row.tax, row.currency),
                    decimal_amount(row.including_tax, row.currency),
                    row.currency,
                ]
            )
    return out.getvalue()


def _rows_csv(rows: tuple[CostRow, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["period", "meter", "subscription", "tag_key", "tag_value", "quantity", "events", "cost", "currency"]
    )
    for row in rows:
        tag_key, tag_value = row.tag if row.tag else ("", "")
        writer.writerow(
            [
                row.period,
                row.meter or "",
                row.subscription_id or "",
                tag_key,
                tag_value or "",
                f"{row.quantity.normalize():f}",
                row.events,
                decimal_amount(row.cost, row.currency),
                row.currency,
            ]
        )
    return out.getvalue()
