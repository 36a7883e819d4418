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
    # Built on the first invocation, not at import (billing/composition.py says how, for every function).
    from billing import composition

    return composition.stripe_webhook()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response, outcome = compose()(event)
    if outcome in _METRICS:
        metrics.add_metric(name=_METRICS[outcome], unit="Count", value=1)
    else:
        logger.warning("webhook refused", extra={"code": outcome})
    return response
