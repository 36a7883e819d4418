"""Usage routes: batch ingestion, daily summaries in JSON or CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import AwareDatetime

from billing.http.routing import BEARER, caller, once, services
from billing.http.usage_views import EventErrorView, IngestView, UsageBatch, UsageRowView, UsageSummaryView
from billing.metering.ingest_usage import IncomingEvent, ingest_usage
from billing.metering.summarize_usage import summarize_usage
from billing.money import minor_unit_exponent
from billing.observability import metrics
from billing.usage.models import tags_of

router = Router()


@router.post("/v1/usage_events", status_code=200, security=BEARER, tags=["Usage"])
def post_usage_events(body: UsageBatch) -> IngestView:
    """Up to 1,000 events; each is accepted, a duplicate (same id) or rejected with its reason."""
    s = services(router)

    def run() -> dict[str, object]:
        events = [
            IncomingEvent(e.id, e.subscription, e.meter, e.quantity, e.timestamp, tags_of(e.tags), e.unique_value)
            for e in body.events
        ]
        result = ingest_usage(s.store, s.accounts, s.usage, s.clock, caller(router), events)
        metrics.add_metric(name="UsageEventsAccepted", unit="Count", value=result.accepted)
        return IngestView(
            accepted=result.accepted,
            duplicates=result.duplicates,
            rejected=result.rejected,
            errors=[EventErrorView(index=e.index, id=e.id, code=e.code, message=e.message) for e in result.errors],
        ).model_dump(mode="json")

    return IngestView.model_validate(once(router, body.model_dump(mode="json"), run))


@router.get(
    "/v1/usage_summaries",
    security=BEARER,
    tags=["Usage"],
    responses={
        200: {
            "description": "Daily usage",
            "content": {"application/json": {"model": UsageSummaryView}, "text/csv": {"schema": {"type": "string"}}},
        },
    },
)
def get_usage_summaries(
    subscription: Annotated[str, Query(pattern=r"^sub_[0-9a-z]{1,40}$")],
    start: Annotated[AwareDatetime, Query(alias="from")],
    end: Annotated[AwareDatetime, Query(alias="to")],
    granularity: Annotated[Literal["day"], Query()] = "day",
    group_by: Annotated[Literal["tag"] | None, Query()] = None,
) -> Response[Any]:
    """Daily quantities and costs per meter (and per tag set with ``group_by=tag``), days of the account's
    time zone; CSV with ``Accept: text/csv``. Costs are the invoice's: the period rated once, tiers included,
    then shared out by day and tags (``/v1/accounts/{id}/usage_summaries`` does the same across subscriptions).

    Errors: ``subscription_not_found``, ``invalid_range``.
    """
    s = services(router)
    rows = summarize_usage(s.store, s.accounts, s.usage, caller(router), subscription, start, end, group_by == "tag")
    accept = router.current_event.headers.get("Accept") or ""
    if "text/csv" in accept:
        return Response(200, "text/csv; charset=utf-8", _csv(rows))
    view = UsageSummaryView(
        subscription=subscription,
        data=[
            UsageRowView(
                date=r.day.isoformat(),
                meter=r.meter,
                tags=dict(r.tags),
                quantity=f"{r.quantity.normalize():f}",
                events=r.events,
                cost=r.cost,
                currency=r.currency,
            )
            for r in rows
        ],
    )
    return Response(200, "application/json", view.model_dump_json())


def _csv(rows: list[Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "meter", "tags", "quantity", "events", "cost", "currency"])
    for row in rows:
        tags = ";".join(f"{k}={v}" for k, v in row.tags)
        cost = f"{Decimal(row.cost).scaleb(-minor_unit_exponent(row.currency)):f}"
        writer.writerow(
            [
                row.day.isoformat(),
                row.meter,
                tags,
                f"{row.quantity.normalize():f}",
                row.events,
                cost,
                row.currency,
            ]
        )
    return out.getvalue()
