"""Documents (SQS, fed by EventBridge): invoice, credit note and receipt PDFs to S3; the customer emails
(invoice, receipt, payment failure, reminder, new payment method)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics


@cache
def compose() -> Any:
    # Built on the first invocation, not at import (billing/composition.py says how, for every function).
    from billing import composition

    return composition.documents()


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return compose()(event, context)
