"""Billing worker (SQS): one due subscription or invoice per message, partial batch failures reported."""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


@cache
def compose() -> Any:
    from billing.adapters.aws_messaging import EventBridgePublisher, publish_committed
    from billing.adapters.dynamodb_accounts import DynamoAccountRepository
    from billing.adapters.dynamodb_billing import DynamoBillingStore, DynamoUsageStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.clock import RuntimeClock
    from billing.runs.process_due import process_due
    from billing.settings import WorkerSettings
    from billing.sqs_batch import sqs_batch
    from billing.subscriptions.services import Services

    settings = WorkerSettings()
    bind_table(settings.table)
    store = DynamoBillingStore()
    services = Services(store=store, accounts=DynamoAccountRepository(), usage=DynamoUsageStore(), clock=RuntimeClock())
    publisher = EventBridgePublisher(settings.event_bus)

    def handle(record: SQSRecord) -> None:
        message = json.loads(record.body)
        process_due(services, str(message["kind"]), str(message["id"]))
        publish_committed(store, publisher)

    return sqs_batch(handle)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return compose()(event, context)
