"""Assemble the REST resolver: routers, error mapping, CORS, body limit, OpenAPI."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from billing.errors import ErrorCode, InvalidInputError, PayloadTooLargeError
from billing.http import (
    accounts,
    balance,
    catalog,
    costs,
    documents,
    invoices,
    marketplace,
    payments,
    portal_sessions,
    subscriptions,
    system,
    usage,
    webhook_endpoints,
)
from billing.http.problems import register_problem_handlers
from billing.settings import ApiSettings

ROUTERS = (
    system.router,
    accounts.router,
    balance.router,
    catalog.router,
    subscriptions.router,
    invoices.router,
    usage.router,
    costs.router,
    documents.router,
    payments.router,
    webhook_endpoints.router,
    marketplace.router,
    portal_sessions.router,
)


def build_app(settings: ApiSettings) -> APIGatewayRestResolver:
    cors = None
    if settings.cors_origins:
        first, *others = settings.cors_origins
        cors = CORSConfig(
            allow_origin=first,
            extra_origins=others,
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            max_age=600,
        )
    app = APIGatewayRestResolver(
        enable_validation=True, cors=cors, json_body_deserializer=_json_body(settings.max_body_bytes)
    )
    app.configure_openapi(
        title="Billing API",
        version="1.0.0",
        description="Subscriptions, usage, invoices and payments for SaaS sellers.",
        security_schemes={"apiKey": HTTPBearer(description="Authorization: Bearer <API key>")},
    )
    app.use([_body_limit(settings.max_body_bytes)])
    for router in ROUTERS:
        app.include_router(router)
    system.register_openapi(app)
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
