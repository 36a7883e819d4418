"""Stripe's webhook signatures, checked without the ``stripe`` package, and the Stripe keys' secret.

The webhook function does nothing with Stripe but check this signature; importing ``stripe`` loads its HTTP
clients (``requests`` and ``asyncio``, ~40 ms of that function's cold start) for one HMAC. So the check is
written here, as Stripe documents it (docs.stripe.com/webhooks#verify-manually): the header's ``t`` and
every ``v1``; HMAC-SHA256 of ``"{t}.{raw body}"`` with the endpoint's secret; compared in constant time;
refused when older than the tolerance. A unit test holds it to ``stripe.WebhookSignature`` header by header.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from billing.errors import ErrorCode, InvalidInputError

SIGNATURE_TOLERANCE_S = 300  # Stripe's default: older deliveries are refused (replay protection)


class StripeSignatures:
    def __init__(self, webhook_secret: Callable[[], str], clock: Callable[[], float] = time.time) -> None:
        """``webhook_secret`` gives the endpoint's signing secret when first needed, not at cold start."""
        self._secret = cache(webhook_secret)
        self._clock = clock

    def verify_event(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        if not signature:
            raise InvalidInputError(
                ErrorCode.MISSING_SIGNATURE, "The Stripe-Signature header is required.", "Stripe-Signature"
            )
        if not self._holds(payload, signature):
            raise InvalidInputError(ErrorCode.INVALID_SIGNATURE, "The signature does not match.", "Stripe-Signature")
        try:
            event = json.loads(payload)
        except ValueError as error:
            raise InvalidInputError(ErrorCode.INVALID_PAYLOAD, "The body is not JSON.", None) from error
        if not isinstance(event, dict):
            raise InvalidInputError(ErrorCode.INVALID_PAYLOAD, "The body is not an event.", None)
        return event

    def _holds(self, payload: bytes, header: str) -> bool:
        """Read as ``stripe.WebhookSignature.verify_header`` reads it: the first ``t``, as an integer; the
        body as UTF-8 text."""
        parts = [part.split("=", 2) for part in header.split(",")]
        timestamps = [part[1] for part in parts if part[0] == "t" and len(part) > 1]
        candidates = [part[1] for part in parts if part[0] == "v1" and len(part) > 1]
        secret = self._secret()
        try:
            timestamp, text = int(timestamps[0]), payload.decode("utf-8")
        except (IndexError, ValueError):  # no timestamp, or a body that is not text: nothing was signed
            return False
        if not candidates or not secret.strip() or timestamp < self._clock() - SIGNATURE_TOLERANCE_S:
            return False
        expected = hmac.new(secret.encode(), f"{timestamp}.{text}".encode(), hashlib.sha256).hexdigest()
        # As bytes: a non-ASCII candidate is a mismatch, not a TypeError (compare_digest refuses such str).
        return any(hmac.compare_digest(expected.encode(), candidate.encode()) for candidate in candidates)


def stripe_keys(secret_name: str) -> Callable[[], tuple[str, str]]:
    """(secret API key, webhook signing secret) from Secrets Manager, never from code: read by the first
    call that needs them. With our botocore client, not Powertools parameters: those import boto3 and
    AppConfig's client (~25 ms of a cold start) for one GetSecretValue."""
    from billing.adapters.aws_clients import aws_client

    if not secret_name:
        raise RuntimeError("BILLING_STRIPE_SECRET is not set: payments are not configured")

    @cache
    def keys() -> tuple[str, str]:
        found = json.loads(aws_client("secretsmanager").get_secret_value(SecretId=secret_name)["SecretString"])
        return str(found["api_key"]), str(found["webhook_secret"])

    return keys


def signatures_from_secret(secret_name: str) -> StripeSignatures:
    keys = stripe_keys(secret_name)
    return StripeSignatures(lambda: keys()[1])
