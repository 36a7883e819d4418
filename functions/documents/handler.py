"""Documents (SQS, fed by EventBridge): invoice, credit note and receipt PDFs to S3; the customer emails
(invoice, receipt, payment failure, reminder, new payment method)."""

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
    from billing.adapters.dynamodb_accounts import DynamoAccountRepository
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.pdf_reportlab import render_pdf
    from billing.adapters.s3_documents import S3Documents
    from billing.adapters.ses_mailer import SesMailer
    from billing.documents.on_event import EMAILED_METRICS, REACTIONS
    from billing.documents.services import DocumentServices
    from billing.settings import DocumentSettings
    from billing.sqs_batch import sqs_batch

    settings = DocumentSettings()
    bind_table(settings.table)
    services = DocumentServices(
        store=DynamoBillingStore(),
        accounts=DynamoAccountRepository(),
        storage=S3Documents(settings.documents_bucket),
        mailer=SesMailer(settings.email_sender),
        render=render_pdf,
        seller=settings.seller,
    )

    def handle(record: SQSRecord) -> None:
        event = json.loads(record.body)  # an EventBridge event, delivered by the bus rule
        kind = event.get("detail-type")
        if kind not in REACTIONS:
            logger.warning("no reaction to this event", extra={"detail_type": kind})
            return
        kind = EventType(kind)
        if REACTIONS[kind](services, event.get("detail", {})) and kind in EMAILED_METRICS:
            metrics.add_metric(name=EMAILED_METRICS[kind], unit="Count", value=1)

    return sqs_batch(handle)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return compose()(event, context)
