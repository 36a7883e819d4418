"""REST API entry point: API Gateway proxy event in, proxy response out."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics, tracer

Resolve = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


@cache
def compose() -> Resolve:
    # Built on the first invocation, not at import: settings are read once and validated, and the
    # heavy imports (botocore, pydantic models, X-Ray) stay out of module import (docs/decisions.md).
    from billing.adapters.aws_messaging import EventBridgePublisher
    from billing.adapters.dynamodb_accounts import DynamoAccountRepository
    from billing.adapters.dynamodb_api_keys import DynamoApiKeyRepository
    from billing.adapters.dynamodb_billing import DynamoBillingStore, DynamoUsageStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.idempotency import PowertoolsIdempotency
    from billing.adapters.s3_documents import S3Documents
    from billing.clock import RuntimeClock
    from billing.http.app import build_app
    from billing.http.services import ApiServices
    from billing.settings import ApiSettings

    settings = ApiSettings()
    bind_table(settings.table)
    store = DynamoBillingStore()
    publisher = EventBridgePublisher(settings.event_bus)

    @cache
    def payment_gateway() -> Any:
        from billing.adapters.stripe_payments import gateway_from_secret

        return gateway_from_secret(settings.stripe_secret, settings.stripe_api_base)

    services = ApiServices(
        clock=RuntimeClock(),
        accounts=DynamoAccountRepository(),
        keys=DynamoApiKeyRepository(),
        idempotency=PowertoolsIdempotency(settings.idempotency_table),
        store=store,
        usage=DynamoUsageStore(),
        documents=S3Documents(settings.documents_bucket),
        payment_gateway=payment_gateway,
    )
    app = build_app(settings)

    @tracer().capture_lambda_handler
    def resolve(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        services.idempotency.register_lambda_context(context)
        app.append_context(services=services)
        try:
            return app.resolve(event, context)
        finally:
            _publish(store, publisher)

    return resolve


def _publish(store: Any, publisher: Any) -> None:
    """Events the request committed (a receipt, a paid invoice) go to the bus now; if that fails they
    stay in the outbox, which the next billing run publishes."""
    from billing.adapters.aws_messaging import publish_committed

    try:
        publish_committed(store, publisher)
    except Exception:  # the answer is already decided: the outbox keeps the events
        logger.exception("publishing events failed; the outbox keeps them")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return compose()(event, context)
