"""Stripe webhooks (API Gateway, no API key: the signature authenticates): verify, remember, queue, 2xx."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics

_METRICS = {"received": "WebhookReceived", "duplicate": "WebhookDuplicate"}


@cache
def compose() -> Any:
    from billing.adapters.aws_messaging import SqsQueue
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.stripe_payments import gateway_from_secret
    from billing.clock import RuntimeClock
    from billing.http.webhook import receive_webhook
    from billing.settings import WebhookSettings

    settings = WebhookSettings()
    bind_table(settings.table)
    store, queue, clock = DynamoBillingStore(), SqsQueue(settings.payments_queue), RuntimeClock()
    gateway = gateway_from_secret(settings.stripe_secret, settings.stripe_api_base)
    return lambda event: receive_webhook(gateway, store, queue, event, clock.now())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response, outcome = compose()(event)
    if outcome in _METRICS:
        metrics.add_metric(name=_METRICS[outcome], unit="Count", value=1)
    else:
        logger.warning("webhook refused", extra={"code": outcome})
    return response
