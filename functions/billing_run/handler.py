"""Scheduled billing run (EventBridge Scheduler, hourly): queue what is due, flush the outbox."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics


@cache
def compose() -> Any:
    # Built on the first invocation, not at import (billing/composition.py says how, for every function).
    from billing import composition

    return composition.billing_run()


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    report = compose()()
    metrics.add_metric(name="BillingRunQueued", unit="Count", value=report.queued)
    logger.info("billing run", extra={"queued": report.queued, "republished": report.republished})
    return {"queued": report.queued, "republished": report.republished}
