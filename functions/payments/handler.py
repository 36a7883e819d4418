"""Payments worker (SQS): automatic charge attempts and Stripe events, one message at a time.

The queue's maximum concurrency and the gateway's pacing keep a large run under Stripe's rate limit.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics


@cache
def compose() -> Any:
    # Built on the first invocation, not at import (billing/composition.py says how, for every function).
    from billing import composition

    return composition.payments()


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return compose()(event, context)
