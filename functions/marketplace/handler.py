"""AWS Marketplace notices (SQS: EventBridge agreement and license events, legacy SNS messages)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics


@cache
def compose() -> Any:
    # Built on the first invocation, not at import (billing/composition.py says how, for every function).
    from billing import composition

    return composition.marketplace()


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return compose()(event, context)
