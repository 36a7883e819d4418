"""Health and the OpenAPI document: the only routes without an API key."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from billing.http.account_views import Health
from billing.http.problems import Problem

router = Router()


@router.get("/v1/health", tags=["System"])
def health() -> Health:
    """Liveness: answers without touching storage, so it costs nothing to poll."""
    return Health()


# What any authenticated route may answer besides its success (docs/decisions.md: problem+json).
_ERROR_STATUSES = {
    "400": "Malformed request",
    "401": "No or unknown API key",
    "402": "Payment declined by the provider",
    "403": "Not allowed for this key",
    "404": "Not found (also another account's object)",
    "409": "Conflict with the current state",
    "413": "Body too large",
    "422": "Business rule refused",
    "429": "Throttled",
    "503": "Payment provider unreachable; retry later",
}


def register_openapi(app: Any) -> None:
    @app.get("/v1/openapi.json", include_in_schema=False)
    def openapi() -> dict[str, Any]:
        return document(app)


@cache
def _problem_schema() -> dict[str, Any]:
    return Problem.model_json_schema(ref_template="#/components/schemas/{model}")


def document(app: Any) -> dict[str, Any]:
    """The generated document, with our problem+json answers declared on every operation."""
    schema: dict[str, Any] = app.get_openapi_schema().model_dump(mode="json", by_alias=True, exclude_none=True)
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = _problem_schema()
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if "302" in responses:  # a redirect carries no body, only where to go
                responses["302"] = {
                    "description": "Redirect to a short-lived download link",
                    "headers": {"Location": {"schema": {"type": "string"}}},
                }
            statuses = _ERROR_STATUSES if operation.get("security") else {"400": _ERROR_STATUSES["400"]}
            if "422" not in statuses:  # Powertools' own validation answer: ours is a 400 problem
                responses.pop("422", None)
            for status, description in statuses.items():
                responses[status] = {"description": description, "content": problem}
    # Powertools' validation error models: never answered (problem+json replaces them), so not documented.
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schema["components"]["schemas"].pop(name, None)
    return schema
