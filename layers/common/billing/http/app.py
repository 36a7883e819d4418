"""Assemble the REST resolver: routers, error mapping, CORS, body limit, OpenAPI."""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.errors import ErrorCode, InvalidInputError, PayloadTooLargeError
from billing.http.problems import register_problem_handlers
from billing.http.system import register_openapi
from billing.settings import ApiSettings

# Each router module of billing.http, with the areas it serves, in the order the routers are included. An
# area is a path's first two segments ("/v1/invoices"), or those and its fourth ("/v1/accounts/*/budgets")
# where routers share a resource. A request imports and includes only the routers of its areas: all
# thirteen, with their 82 routes and the domain modules behind them, took ~90 ms of every cold start.
# tests/unit/test_router_areas.py checks each route lies in its module's areas and no two routes of a method
# match one path (so the order in which areas are first requested cannot change which route answers).
ROUTER_AREAS: dict[str, tuple[str, ...]] = {
    "system": ("/v1/health",),
    "accounts": ("/v1/accounts",),
    "balance": ("/v1/accounts/*/balance", "/v1/accounts/*/balance_transactions"),
    "catalog": ("/v1/coupons", "/v1/prices", "/v1/products", "/v1/promotion_codes"),
    "subscriptions": ("/v1/invoices", "/v1/subscriptions"),
    "invoices": ("/v1/credit_notes", "/v1/invoice_items", "/v1/invoices"),
    "usage": ("/v1/usage_events", "/v1/usage_summaries"),
    "costs": (
        "/v1/accounts/*/usage_summaries",
        "/v1/accounts/*/forecast",
        "/v1/accounts/*/budgets",
        "/v1/accounts/*/cost_allocation",
    ),
    "documents": ("/v1/accounts/*/documents.zip", "/v1/credit_notes", "/v1/invoices", "/v1/reports"),
    "payments": (
        "/v1/accounts/*/setup_intents",
        "/v1/accounts/*/payment_methods",
        "/v1/accounts/*/top_ups",
        "/v1/payments",
        "/v1/receipts",
    ),
    "webhook_endpoints": ("/v1/events", "/v1/webhook_endpoints"),
    "marketplace": ("/marketplace/register", "/v1/marketplace", "/v1/subscriptions"),
    "portal_sessions": ("/portal/session", "/v1/accounts/*/portal_sessions", "/v1/portal_sessions"),
}


def areas_of(path: str) -> set[str]:
    """The areas a path (or a route's rule) lies in."""
    parts = path.split("/")
    resource = "/".join(parts[:3])
    return {resource, f"{resource}/*/{parts[4]}"} if len(parts) > 4 else {resource}


class BillingResolver(APIGatewayRestResolver):
    """Powertools' REST resolver, including a router on the first request of one of its areas (every router
    for a path of no area, and for the OpenAPI document: the answer is then the resolver's own)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._included: set[str] = set()
        # The local gateway may resolve requests on several threads: a router is included once.
        self._including = threading.Lock()

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        areas = areas_of(str(event.get("path") or ""))
        self.include_routers([name for name, own in ROUTER_AREAS.items() if areas & set(own)] or list(ROUTER_AREAS))
        return super().resolve(event, context)

    def include_routers(self, names: Iterable[str]) -> None:
        with self._including:
            for name in names:
                if name not in self._included:
                    self.include_router(importlib.import_module(f"billing.http.{name}").router)
                    self._included.add(name)

    def include_every_router(self) -> None:
        self.include_routers(ROUTER_AREAS)

    def get_openapi_schema(self, **options: Any) -> Any:
        """What the OpenAPI document says of the API is set when it is first generated: Powertools' OpenAPI
        models (some sixty pydantic classes, ~35 ms) are imported by the document, not by every cold start."""
        from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

        if self.openapi_config.security_schemes is None:
            self.configure_openapi(
                title="Billing API",
                version="1.0.0",
                description="Subscriptions, usage, invoices and payments for SaaS sellers.",
                security_schemes={"apiKey": HTTPBearer(description="Authorization: Bearer <API key>")},
            )
        return super().get_openapi_schema(**options)


def build_app(settings: ApiSettings) -> BillingResolver:
    cors = None
    if settings.cors_origins:
        first, *others = settings.cors_origins
        cors = CORSConfig(
            allow_origin=first,
            extra_origins=others,
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            max_age=600,
        )
    app = BillingResolver(enable_validation=True, cors=cors, json_body_deserializer=_json_body(settings.max_body_bytes))
    app.use([_body_limit(settings.max_body_bytes)])
    register_openapi(app)
    register_problem_handlers(app)
    return app


def _json_body(limit: int) -> Callable[[str], Any]:
    """Parse a JSON body, refusing it before parsing when too large, and answering 400 (not 500) when it
    nests deeper than Python's parser recurses: Powertools' validation parses the body before any
    middleware of ours runs, so these checks live in the parser it is given."""

    def parse(body: str) -> Any:
        if len(body.encode()) > limit:
            raise PayloadTooLargeError(ErrorCode.BODY_TOO_LARGE, f"Request bodies are limited to {limit} bytes.")
        try:
            return json.loads(body)
        except RecursionError as error:
            raise InvalidInputError(ErrorCode.INVALID_PAYLOAD, "The body nests too deeply.") from error

    return parse


def _body_limit(limit: int) -> Callable[..., Response[Any]]:
    def middleware(app: APIGatewayRestResolver, next_middleware: Callable[..., Response[Any]]) -> Response[Any]:
        body = app.current_event.body or ""
        if len(body.encode()) > limit:
            raise PayloadTooLargeError(ErrorCode.BODY_TOO_LARGE, f"Request bodies are limited to {limit} bytes.")
        return next_middleware(app)

    return middleware
