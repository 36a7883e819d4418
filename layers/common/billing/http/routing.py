"""Helpers every router shares: the caller, the services, idempotent POSTs, documented errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, Literal, TypeVar

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from billing.accounts.access import Principal
from billing.accounts.caller_context import principal_from_event
from billing.errors import ErrorCode, InvalidInputError
from billing.http.services import ApiServices
from billing.ports import PageRequest

BEARER: list[dict[str, list[str]]] = [{"apiKey": []}]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size.")]
Cursor = Annotated[str | None, Query(max_length=2048, description="next_cursor of the previous page.")]
T = TypeVar("T")


class ListOf(BaseModel, Generic[T]):
    object: Literal["list"] = "list"
    data: list[T]
    next_cursor: str | None = None


def page(limit: int, cursor: str | None) -> PageRequest:
    return PageRequest(limit=limit, cursor=cursor)


def services(router: Router) -> ApiServices:
    found: ApiServices = router.context["services"]
    return found


def caller(router: Router) -> Principal:
    return principal_from_event(router.current_event.raw_event)


def once(router: Router, request_body: Any, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run a POST's effect at most once per ``Idempotency-Key`` (absent header: no replay protection)."""
    event = router.current_event
    key = event.headers.get("Idempotency-Key")  # Powertools headers are case-insensitive
    if key is None:
        return compute()
    if not 1 <= len(key) <= 255:
        raise InvalidInputError(
            ErrorCode.INVALID_IDEMPOTENCY_KEY, "Idempotency-Key must be 1 to 255 characters.", "Idempotency-Key"
        )
    scope = f"{caller(router).key_id} {event.http_method} {event.path}"
    return services(router).idempotency.run(scope, key, request_body, compute)
