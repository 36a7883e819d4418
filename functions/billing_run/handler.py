"""Scheduled billing run (EventBridge Scheduler, hourly): queue what is due, flush the outbox."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics


@cache
def compose() -> Any:
    from billing.adapters.aws_messaging import EventBridgePublisher, SqsQueue
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.clock import RuntimeClock
    from billing.runs.run_billing import run_billing
    from billing.runs.shards import DUE_SHARDS
    from billing.settings import RunSettings

    settings = RunSettings()
    bind_table(settings.table)
    store, queue = DynamoBillingStore(), SqsQueue(settings.work_queue)
    publisher, clock = EventBridgePublisher(settings.event_bus), RuntimeClock()
    return lambda: run_billing(store, queue, publisher, clock, DUE_SHARDS)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    report = compose()()
    metrics.add_metric(name="BillingRunQueued", unit="Count", value=report.queued)
    logger.info("billing run", extra={"queued": report.queued, "republished": report.republished})
    return {"queued": report.queued, "republished": report.republished}
