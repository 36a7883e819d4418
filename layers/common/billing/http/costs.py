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

from billing.costs.forecast_costs import forecast_costs
from billing.costs.summarize_account_usage import CostRow, Granularity, GroupBy, summarize_account_usage
from billing.http.account_views import ACCOUNT_ID_PATTERN
from billing.http.cost_views import AccountUsageSummaryView, ForecastView
from billing.http.routing import BEARER, caller, services
from billing.money import minor_unit_exponent

router = Router()
ACCOUNT_ID = Annotated[str, Path(pattern=ACCOUNT_ID_PATTERN)]
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
