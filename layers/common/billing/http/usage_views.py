"""Request and response bodies of the usage routes: event batches with per-event verdicts, summaries."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field

from billing.http.schema import (
    Identifier,
    Strict,
)


class UsageEventIn(Strict):
    id: Annotated[str, Field(min_length=1, max_length=100)]
    subscription: Identifier
    meter: Annotated[str, Field(min_length=1, max_length=100)]
    quantity: Annotated[Decimal, Field(ge=0, le=Decimal(10**12), decimal_places=6)] = Decimal(1)
    timestamp: AwareDatetime
    tags: Annotated[
        dict[Annotated[str, Field(min_length=1, max_length=64)], Annotated[str, Field(max_length=256)]],
        Field(max_length=5),
    ] = Field(default_factory=dict)
    unique_value: Annotated[str, Field(max_length=256)] | None = None


class UsageBatch(Strict):
    events: Annotated[list[UsageEventIn], Field(min_length=1, max_length=1000)]


class EventErrorView(BaseModel):
    index: int
    id: str
    code: str
    message: str


class IngestView(BaseModel):
    object: Literal["usage_ingestion"] = "usage_ingestion"
    accepted: int
    duplicates: int
    rejected: int
    errors: list[EventErrorView]


class UsageRowView(BaseModel):
    date: str
    meter: str
    tags: dict[str, str]
    quantity: str
    events: int
    cost: int = Field(description="Minor units: the day's share of what the period's invoice line charges.")
    currency: str


class UsageSummaryView(BaseModel):
    object: Literal["usage_summary"] = "usage_summary"
    subscription: str
    granularity: Literal["day"] = "day"
    data: list[UsageRowView]
