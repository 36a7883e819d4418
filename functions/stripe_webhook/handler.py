"""Stripe webhooks (API Gateway, no API key: the signature authenticates): verify, remember, queue, 2xx.

Never a 5xx for a bad delivery (Stripe would retry it for three days): a wrong signature is a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import cache
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics


@cache
def compose() -> Any:
    from billing.adapters.aws_messaging import SqsQueue
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.stripe_payments import gateway_from_secret
    from billing.clock import RuntimeClock
    from billing.errors import PROBLEM_JSON, ErrorCode, InvalidInputError, problem_document
    from billing.payments.provider_events import receive_event
    from billing.settings import WebhookSettings

    settings = WebhookSettings()
    bind_table(settings.table)
    store = DynamoBillingStore()
    queue = SqsQueue(settings.payments_queue)
    gateway = gateway_from_secret(settings.stripe_secret, settings.stripe_api_base)
    clock = RuntimeClock()

    def receive(event: dict[str, Any]) -> dict[str, Any]:
        headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
        body = event.get("body") or ""
        try:
            # API Gateway hands binary or non-UTF-8 bodies over base64-encoded: verify the raw bytes.
            payload = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode()
            fresh = receive_event(gateway, store, queue, payload, headers.get("stripe-signature"), clock.now())
        except (InvalidInputError, binascii.Error) as error:
            code = getattr(error, "code", ErrorCode.INVALID_PAYLOAD)
            logger.warning("webhook refused", extra={"code": code})
            detail = getattr(error, "message", "The body is not valid base64.")
            return _answer(400, problem_document(400, code, detail), PROBLEM_JSON)
        metrics.add_metric(name="WebhookReceived" if fresh else "WebhookDuplicate", unit="Count", value=1)
        return _answer(200, {"received": True, "duplicate": not fresh})

    return receive


def _answer(status: int, body: dict[str, Any], content_type: str = "application/json") -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": content_type}, "body": json.dumps(body)}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return compose()(event)
