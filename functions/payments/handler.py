"""Payments worker (SQS): automatic charge attempts and Stripe events, one message at a time.

The queue's maximum concurrency and the gateway's pacing keep a large run under Stripe's rate limit.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.events import EventType
from billing.observability import logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


@cache
def compose() -> Any:
    from billing.adapters.aws_messaging import EventBridgePublisher, publish_committed
    from billing.adapters.dynamodb_accounts import DynamoAccountRepository
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.stripe_payments import gateway_from_secret
    from billing.clock import RuntimeClock
    from billing.payments.on_event import REACTIONS
    from billing.payments.provider_events import handle_event
    from billing.payments.record_payment import PaymentServices
    from billing.settings import PaymentsSettings
    from billing.sqs_batch import sqs_batch

    settings = PaymentsSettings()
    bind_table(settings.table)
    store = DynamoBillingStore()
    services = PaymentServices(
        store=store,
        accounts=DynamoAccountRepository(),
        clock=RuntimeClock(),
        gateway=gateway_from_secret(settings.stripe_secret, settings.stripe_api_base),
    )
    publisher = EventBridgePublisher(settings.event_bus)

    def handle(record: SQSRecord) -> None:
        message = json.loads(record.body)
        if message.get("kind") == "provider_event":
            event = message["event"]
            logger.info("stripe event", extra={"event_id": event.get("id"), "event_type": event.get("type")})
            handle_event(services, event)
        elif message.get("detail-type") in REACTIONS:  # from a bus rule
            payment = REACTIONS[EventType(message["detail-type"])](services, message["detail"])
            if payment is not None:
                metrics.add_metric(name=f"Charge_{payment.status.value}", unit="Count", value=1)
        else:
            logger.warning("unknown message", extra={"keys": sorted(message)})
        publish_committed(store, publisher)

    return sqs_batch(handle)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return compose()(event, context)
