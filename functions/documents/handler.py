"""Documents (SQS, fed by EventBridge): invoice, credit note and receipt PDFs to S3; the customer emails
(invoice, receipt, payment failure, reminder, new payment method)."""

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
    from billing.adapters.dynamodb_accounts import DynamoAccountRepository
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table
    from billing.adapters.pdf_reportlab import render_pdf
    from billing.adapters.s3_documents import S3Documents
    from billing.adapters.ses_mailer import SesMailer
    from billing.documents.publish_documents import (
        DocumentServices,
        notify_method_added,
        notify_payment_failed,
        publish_credit_note,
        publish_invoice,
        publish_receipt,
        send_receipt_digest,
        send_reminder,
    )
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
        detail = event.get("detail", {})
        if event.get("detail-type") == "invoice.finalized":
            if publish_invoice(services, str(detail["invoice"])):
                metrics.add_metric(name="InvoiceEmailed", unit="Count", value=1)
        elif event.get("detail-type") == "credit_note.created":
            publish_credit_note(services, str(detail["credit_note"]))
        elif event.get("detail-type") == "receipt.created":
            if publish_receipt(services, str(detail["receipt"])):
                metrics.add_metric(name="ReceiptEmailed", unit="Count", value=1)
        elif event.get("detail-type") == "payment.failed":
            notify_payment_failed(services, detail)
        elif event.get("detail-type") == "payment_method.added":
            notify_method_added(services, str(detail["account"]), str(detail["payment_method"]), str(detail["label"]))
        elif event.get("detail-type") == "receipts.digest_due":
            send_receipt_digest(services, str(detail["account"]), str(detail["month"]))
        elif event.get("detail-type") == "invoice.payment_reminder":
            send_reminder(services, str(detail["invoice"]), int(detail["days_from_due"]))

    return sqs_batch(handle)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return compose()(event, context)
