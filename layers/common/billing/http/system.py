"""Health and the OpenAPI document: the only routes without an API key."""

from __future__ import annotations

import inspect
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from billing.events import FIELDS, MEANINGS, EventType
from billing.http import glossary
from billing.http.account_views import Health
from billing.http.examples import EXAMPLES
from billing.http.problems import Problem
from billing.webhooks.signing import SIGNATURE_HEADER

router = Router()


@router.get("/v1/health", tags=["System"])
def health() -> Health:
    """Liveness: answers without touching storage, so it costs nothing to poll."""
    return Health()


# Codes any operation may answer, whatever it does: listed once in the document's description.
GENERIC_CODES = (
    "invalid_api_key",
    "access_denied",
    "route_not_found",
    "invalid_payload",
    "invalid_parameter",
    "body_too_large",
    "invalid_idempotency_key",
    "idempotency_key_reused",
    "idempotency_key_in_progress",
    "concurrent_update",  # a change that lost its race on every try (billing/conflicts.py: TRIES)
    "throttled",
    "internal_error",
)


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

    @app.get("/v1/docs", include_in_schema=False)
    def reference() -> Response[str]:
        """The API reference, rendered by Swagger UI in the browser from this very document."""
        if (app.current_event.query_string_parameters or {}).get("format") == "json":
            return Response(200, "application/json", json.dumps(document(app)))
        return Response(200, "text/html; charset=utf-8", reference_page(json.dumps(document(app))))


@cache
def reference_page(spec: str) -> str:
    """Swagger UI with its script and stylesheet inlined from the copies Powertools ships in its wheel
    (from PyPI, like every dependency): the page loads nothing from a CDN."""
    from aws_lambda_powertools.event_handler.openapi import swagger_ui
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

    assets = Path(swagger_ui.__file__).parent
    script = (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8")
    style = (assets / "swagger-ui.min.css").read_text(encoding="utf-8")
    page = generate_swagger_html(spec.replace("</", "<\\/"), script, style, "", None)
    return page.replace("<title>Swagger UI</title>", "<title>Billing API reference</title>", 1)


@cache
def _problem_schema() -> dict[str, Any]:
    return Problem.model_json_schema(ref_template="#/components/schemas/{model}")


# A trailing path segment that names an action on the object before it, not a sub-resource.
_ACTIONS = frozenset({"cancel", "default", "finalize", "preview", "resend", "roll_secret", "void"})
_READ_ACTIONS = {"get": "retrieve", "patch": "update", "post": "update", "delete": "delete"}


def operation_id(method: str, path: str) -> str:
    """A stable ``resource_action`` name, from the route alone: ``invoices_retrieve``, ``invoices_list``,
    ``accounts_api_keys_create``, ``invoices_finalize``, ``subscriptions_discount_delete``."""
    segments = [segment for segment in path.split("/")[2:] if segment]
    literals = [re.sub(r"\W", "_", segment) for segment in segments if not segment.startswith("{")]
    if segments[-1].startswith("{"):
        action = _READ_ACTIONS[method]
    elif literals[-1] in _ACTIONS:
        return "_".join(literals)
    else:
        plural = literals[-1].endswith("s")
        action = {"get": "list" if plural else "retrieve", "post": "create" if plural else "set"}.get(method, method)
    return "_".join([*literals, action])


def _describe(schema: dict[str, Any], app: Any) -> None:
    """Summary, description and operationId from the route itself: its docstring's first sentence, the
    whole docstring, and its path. Powertools gives "GET /v1/…" and ``<function>_<path>_<method>``."""
    # Powertools keeps its routes in these two lists (no public accessor); Route.operation_id is public.
    routes = {route.operation_id: route for route in [*app._static_routes, *app._dynamic_routes]}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            route = routes.get(operation.get("operationId"))
            text = inspect.getdoc(route.func) if route is not None else None
            if text:
                operation["summary"] = text.split("\n\n")[0].replace("\n", " ").split(". ")[0].rstrip(".")
                operation["description"] = text
                errors = text.split("Errors:", 1)[1] if "Errors:" in text else ""
                # The codes this operation answers besides those any operation may (GENERIC_CODES).
                operation["x-problem-codes"] = re.findall(r"``([a-z_]+)``", errors)
                operation["description"] += "\n\nWho may call: " + _callers(method, path, operation)
            operation["operationId"] = operation_id(method, path)


def _callers(method: str, path: str, operation: dict[str, Any]) -> str:
    """Who may call an operation, from its security, its summary's "(operators)" and its codes (the
    access rules themselves are in billing/accounts/access.py)."""
    codes = operation.get("x-problem-codes", [])
    if not operation.get("security"):
        return "anyone, without an API key."
    if "(operators" in operation["summary"]:
        return "operators only (any other key: 403 operator_only)."
    if method == "get" and path.startswith(("/v1/products", "/v1/prices")):
        return "any API key: the catalog is public to customers."
    keys = "owner keys" if "owner_only" in codes else "owner and member keys"
    said = f"operators, and the {keys} of the account concerned (another account's objects answer 404)."
    if "permission_denied" in codes:
        said += " A member key needs the permission the change takes (403 permission_denied)."
    if "operator_only" in codes:
        said += " Some fields are for operators only (403 operator_only)."
    return said


def _field_schema(json_type: str, meaning: str) -> dict[str, Any]:
    types = ["string" if t == "date-time" else t for t in json_type.split("|")]
    schema: dict[str, Any] = {"type": types[0] if len(types) == 1 else types, "description": meaning}
    if "date-time" in json_type:
        schema["format"] = "date-time"
    return schema


def event_schema(event_type: EventType) -> dict[str, Any]:
    """What an endpoint receives for one event type: the envelope, and ``data.object`` from FIELDS."""
    resource = str(event_type).split(".", 1)[0]
    fields = {name: _field_schema(*declared) for name, declared in FIELDS[event_type].items()}
    body = {
        "type": "object",
        "required": ["object"],
        "properties": {
            "object": {"const": resource, "description": "the kind of object the event is about"},
            "account": {"type": "string", "description": "the customer account it concerns"},
            **fields,
        },
    }
    return {
        "type": "object",
        "required": ["id", "object", "type", "created", "account", "api_version", "data"],
        "properties": {
            "id": {"type": "string", "description": "evt_…: the same on every retry; deduplicate on it"},
            "object": {"const": "event"},
            "type": {"const": str(event_type)},
            "created": {"type": "integer", "description": "when it happened, Unix seconds"},
            "account": {"type": "string"},
            "api_version": {"type": "string"},
            "data": {"type": "object", "required": ["object"], "properties": {"object": body}},
        },
    }


def _webhooks() -> dict[str, Any]:
    """OpenAPI 3.1's ``webhooks``: each event type as the POST a registered endpoint receives."""
    signature = {
        "name": SIGNATURE_HEADER,
        "in": "header",
        "required": True,
        "schema": {"type": "string", "example": "t=1796655600,v1=5257a869e7ec…"},
        "description": "t=<Unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>' keyed by the endpoint secret>",
    }
    return {
        str(event_type): {
            "post": {
                "operationId": "webhook_" + str(event_type).replace(".", "_"),
                "summary": MEANINGS[event_type].split(";")[0].rstrip("."),
                "description": MEANINGS[event_type],
                "tags": ["Webhooks"],
                "parameters": [signature],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": event_schema(event_type)}},
                },
                "responses": {
                    "200": {"description": "Any 2xx acknowledges it; anything else, or no answer in 10 s, is retried."}
                },
            }
        }
        for event_type in sorted(EventType)
    }


def _add_examples(schema: dict[str, Any]) -> None:
    """Each request body's example, by the name of its model (billing/http/examples.py)."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content is None:
                continue
            model = content["schema"].get("$ref", "").rsplit("/", 1)[-1]
            if model in EXAMPLES:
                content["example"] = EXAMPLES[model]


def _describe_fields(schema: dict[str, Any]) -> None:
    """Every property and parameter described: its own text, else the glossary's for its name."""
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        for field, prop in (component.get("properties") or {}).items():
            text = glossary.FIELDS.get(f"{name}.{field}") or glossary.FIELDS.get(field)
            if "description" not in prop and text:
                prop["description"] = text
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                text = glossary.PARAMETERS.get(parameter["name"])
                if "description" not in parameter and text:
                    parameter["description"] = text


def document(app: Any) -> dict[str, Any]:
    """The generated document, with our problem+json answers declared on every operation and the events
    endpoints receive as its webhooks."""
    app.include_every_router()
    schema: dict[str, Any] = app.get_openapi_schema().model_dump(mode="json", by_alias=True, exclude_none=True)
    _describe(schema, app)
    schema["info"]["description"] += (
        " Every refusal is application/problem+json with a stable `code` (docs/errors.md); each operation"
        " lists its own in `x-problem-codes`, and any operation may also answer "
        + ", ".join(f"`{code}`" for code in GENERIC_CODES)
        + "."
    )
    schema["webhooks"] = _webhooks()
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
    _describe_fields(schema)
    _add_examples(schema)
    return schema
