"""One SQS batch handler for every queue-driven function: Powertools partial batch failures, each failed
record logged with its reason (it returns to the queue, then to the DLQ after the redrive count); and what
is done once for the whole batch after its records (publishing their events: one request for ten)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from billing.observability import logger

Record = Any  # Powertools' SQSRecord, imported with the batch utilities on first use


def sqs_batch(
    handle: Callable[[Record], None], after_batch: Callable[[], object] | None = None
) -> Callable[[dict[str, Any], Any], Any]:
    """``after_batch`` runs once every record was handled, failed ones too; if it fails, the invocation
    does, and the whole batch comes back (handling a record is idempotent)."""
    # Imported here, from the function's composition step: on the first invocation, not at import.
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.SQS)

    def work(record: Record) -> None:
        try:
            handle(record)
        except Exception:
            logger.exception("record failed", extra={"message_id": record.message_id})
            raise

    def run(event: dict[str, Any], context: Any) -> Any:
        try:
            return process_partial_response(event=event, record_handler=work, processor=processor, context=context)
        finally:
            if after_batch is not None:
                after_batch()

    return run
