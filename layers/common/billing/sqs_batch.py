"""One SQS batch handler for every queue-driven function: partial batch failures (each failed record logged
with its reason; it returns to the queue, then to the DLQ after the redrive count), a FIFO group's order
kept, and what is done once for the whole batch after its records (publishing their events: one request for
ten).

Written here rather than with Powertools' batch utilities: importing those took ~50 ms of each queue-driven
function's cold start (all of Powertools' parser models and asyncio) for what follows. The answer is the one
Lambda documents for ``ReportBatchItemFailures``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from billing.observability import logger

Body = dict[str, Any]  # a message's body, as JSON


class BatchFailed(Exception):
    """Every record of the batch failed: the invocation fails, and Lambda counts it as an error."""


def sqs_batch(
    handle: Callable[[Body], None],
    after_batch: Callable[[], object] | None = None,
    before_batch: Callable[[list[Body]], object] | None = None,
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """``handle`` gets each record's body. ``before_batch`` gets every body that is JSON, before the first
    record is handled (to read ahead what they name). ``after_batch`` runs once every record was handled,
    failed ones too. If either fails, the invocation does, and the whole batch comes back (handling a record
    is idempotent)."""

    def run(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        records = event["Records"]
        failed: list[str] = []
        failed_groups: set[str] = set()
        try:
            bodies = [_body(record) for record in records]  # each parsed once; a malformed one fails alone
            if before_batch is not None:
                before_batch([body for body in bodies if isinstance(body, dict)])
            for record, body in zip(records, bodies, strict=True):
                # A FIFO queue hands a group's messages in order: once one fails, the group's later ones in
                # this batch go back unhandled, to come again after it (Lambda's rule for FIFO queues).
                group = record.get("attributes", {}).get("MessageGroupId")
                if group is not None and group in failed_groups:
                    failed.append(record["messageId"])
                    continue
                try:
                    if isinstance(body, Exception):
                        raise body
                    handle(body)
                except Exception:
                    logger.exception("record failed", extra={"message_id": record["messageId"]})
                    failed.append(record["messageId"])
                    if group is not None:
                        failed_groups.add(group)
            if records and len(failed) == len(records):
                raise BatchFailed(f"all {len(records)} records of the batch failed")
        finally:
            if after_batch is not None:
                after_batch()
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}

    return run


def _body(record: dict[str, Any]) -> Any:
    """A record's body as JSON, or why it is not (raised when the record is handled: it fails alone)."""
    try:
        return json.loads(record["body"])
    except (KeyError, ValueError) as malformed:
        return malformed
