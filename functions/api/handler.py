"""REST API entry point: API Gateway proxy event in, proxy response out."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics, tracer

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

    from billing.http.services import ApiServices


@cache
def compose() -> tuple[APIGatewayRestResolver, ApiServices]:
    # Built on the first invocation, not at import: settings are read once and validated, and the
    # import of boto3/pynamodb is paid by the first request only (see docs/decisions.md).
    from billing.adapters.dynamodb_store import DynamoAccountRepository, DynamoApiKeyRepository, bind_table
    from billing.adapters.idempotency import PowertoolsIdempotency
    from billing.clock import SystemClock
    from billing.http.app import build_app
    from billing.http.services import ApiServices
    from billing.settings import ApiSettings

    settings = ApiSettings.from_env()
    bind_table(settings.table_name)
    services = ApiServices(
        clock=SystemClock(),
        accounts=DynamoAccountRepository(),
        keys=DynamoApiKeyRepository(),
        idempotency=PowertoolsIdempotency(settings.idempotency_table_name),
    )
    return build_app(settings), services


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    app, services = compose()
    services.idempotency.register_lambda_context(context)
    app.append_context(services=services)
    return app.resolve(event, context)
