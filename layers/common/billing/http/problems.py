"""Every error becomes ``application/problem+json`` (RFC 9457) with a stable ``code``, in one place."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError as RouteNotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from billing.errors import PROBLEM_JSON, BillingError, ErrorCode, problem_document
from billing.observability import logger

_CATALOGUED = frozenset(ErrorCode)


class Problem(BaseModel):
    """The error body of every non-2xx answer."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    param: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem(
    status: int, code: str, detail: str, param: str | None = None, errors: list[dict[str, Any]] | None = None
) -> Response[Any]:
    # Validated against the documented model, so the OpenAPI schema and the answers cannot drift.
    body = Problem.model_validate(problem_document(status, code, detail, param, errors))
    return Response(
        status_code=status,
        content_type=PROBLEM_JSON,
        body=json.dumps(body.model_dump(exclude_none=True)),
    )


def _field_errors(errors: list[Any], strip_prefix: tuple[str, ...]) -> list[dict[str, Any]]:
    found = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        while location and location[0] in strip_prefix:
            location.pop(0)
        context = error.get("ctx") or {}
        param = ".".join(location) or context.get("param")
        code = error.get("type", "invalid")
        # Pydantic's own types (missing, string_too_long, ...) stay; our custom ones are already codes.
        found.append({"param": param, "code": code, "detail": str(error.get("msg", "invalid value"))})
    return found


def _validation_problem(errors: list[dict[str, Any]]) -> Response[Any]:
    if not errors:
        return problem(400, ErrorCode.INVALID_REQUEST, "Invalid request.")
    first = errors[0]
    code = str(first["code"])
    # Our own validators raise catalogued codes; pydantic's generic types are summarised, except a body
    # that is not JSON at all, which is the payload's fault, not a parameter's.
    if code == "json_invalid":
        code = ErrorCode.INVALID_PAYLOAD
    elif code not in _CATALOGUED:
        code = ErrorCode.INVALID_PARAMETER
    return problem(400, code, str(first["detail"]), first["param"], errors)


def register_problem_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(BillingError)
    def _billing_error(error: BillingError) -> Response[Any]:
        return problem(error.status, error.code, error.message, error.param)

    @app.exception_handler(RequestValidationError)
    def _request_invalid(error: RequestValidationError) -> Response[Any]:
        # Powertools answers 422 by default; malformed input is a 400 in our conventions.
        return _validation_problem(_field_errors(list(error.errors()), ("body", "query", "path", "header")))

    @app.exception_handler(PydanticValidationError)
    def _model_invalid(error: PydanticValidationError) -> Response[Any]:
        return _validation_problem(_field_errors(list(error.errors()), ()))

    @app.not_found
    def _no_route(_: RouteNotFoundError) -> Response[Any]:
        return problem(404, ErrorCode.ROUTE_NOT_FOUND, "No such route.")

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[Any]:
        logger.exception("unhandled error")
        return problem(500, ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; it has been logged.")
