"""The Stripe webhook route (API Gateway proxy event in, proxy response out), apart from the REST API.

Never a 5xx for a bad delivery (Stripe would retry it for three days): a wrong signature is a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from billing.errors import PROBLEM_JSON, ErrorCode, InvalidInputError, problem_document
from billing.payments.ports import EventSignatures, WebhookLog
from billing.payments.receive_event import receive_event
from billing.ports import WorkQueue


def receive_webhook(
    signatures: EventSignatures, log: WebhookLog, queue: WorkQueue, event: dict[str, Any], now: datetime
) -> tuple[dict[str, Any], str]:
    """The proxy response, and what happened: ``received``, ``duplicate`` or the refusal's error code.

    The proxy event is read by hand, not through Powertools' APIGatewayProxyEvent: that package loads
    every event class (about 50 ms), which this function's cold start would pay for three fields."""
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    body = event.get("body") or ""
    try:
        # API Gateway hands binary or non-UTF-8 bodies over base64-encoded: verify the raw bytes.
        payload = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode()
        signature = headers.get("stripe-signature")
        fresh = receive_event(signatures, log, queue, payload, signature, now)
    except (InvalidInputError, binascii.Error) as error:
        code = getattr(error, "code", ErrorCode.INVALID_PAYLOAD)
        detail = getattr(error, "message", "The body is not valid base64.")
        return _answer(400, problem_document(400, code, detail), PROBLEM_JSON), str(code)
    return _answer(200, {"received": True, "duplicate": not fresh}), "received" if fresh else "duplicate"


def _answer(status: int, body: dict[str, Any], content_type: str = "application/json") -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": content_type}, "body": json.dumps(body)}
