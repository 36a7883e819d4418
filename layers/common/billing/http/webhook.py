"""The Stripe webhook route (API Gateway proxy event in, proxy response out), apart from the REST API.

Never a 5xx for a bad delivery (Stripe would retry it for three days): a wrong signature is a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from billing.errors import PROBLEM_JSON, ErrorCode, InvalidInputError, problem_document
from billing.payments.ports import PaymentGateway
from billing.payments.provider_events import receive_event
from billing.ports import WorkQueue

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

    from billing.store import BillingStore


def receive_webhook(
    gateway: PaymentGateway, store: BillingStore, queue: WorkQueue, event: APIGatewayProxyEvent, now: datetime
) -> tuple[dict[str, Any], str]:
    """The proxy response, and what happened: ``received``, ``duplicate`` or the refusal's error code."""
    body = event.body or ""
    try:
        # API Gateway hands binary or non-UTF-8 bodies over base64-encoded: verify the raw bytes.
        payload = base64.b64decode(body, validate=True) if event.is_base64_encoded else body.encode()
        signature = event.headers.get("stripe-signature")  # the data class's headers ignore case
        fresh = receive_event(gateway, store, queue, payload, signature, now)
    except (InvalidInputError, binascii.Error) as error:
        code = getattr(error, "code", ErrorCode.INVALID_PAYLOAD)
        detail = getattr(error, "message", "The body is not valid base64.")
        return _answer(400, problem_document(400, code, detail), PROBLEM_JSON), str(code)
    return _answer(200, {"received": True, "duplicate": not fresh}), "received" if fresh else "duplicate"


def _answer(status: int, body: dict[str, Any], content_type: str = "application/json") -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": content_type}, "body": json.dumps(body)}
