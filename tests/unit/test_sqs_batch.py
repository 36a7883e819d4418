"""The SQS batch handler's answers: Lambda's partial batch failures, a FIFO group's order, the whole batch's
failure."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from billing.sqs_batch import BatchFailed, sqs_batch


def sqs_event(*bodies: dict[str, object], group: str | None = None) -> dict[str, object]:
    attributes = {"MessageGroupId": group} if group else {}
    return {
        "Records": [
            {"messageId": f"m{n}", "body": json.dumps(body), "attributes": attributes, "eventSource": "aws:sqs"}
            for n, body in enumerate(bodies)
        ]
    }


def handler_failing_on(*bad: int) -> tuple[list[int], Callable[[dict[str, Any]], None]]:
    handled: list[int] = []

    def handle(body: dict[str, Any]) -> None:
        handled.append(body["n"])
        if body["n"] in bad:
            raise RuntimeError(f"record {body['n']} failed")

    return handled, handle


def test_failed_records_are_reported_and_the_others_handled():
    handled, handle = handler_failing_on(1)
    batches: list[str] = []
    answer = sqs_batch(handle, lambda: batches.append("after"))(sqs_event({"n": 0}, {"n": 1}, {"n": 2}), None)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert handled == [0, 1, 2]
    assert batches == ["after"]


def test_in_a_fifo_group_the_records_after_a_failure_go_back_unhandled():
    handled, handle = handler_failing_on(1)
    answer = sqs_batch(handle)(sqs_event({"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}, group="seller"), None)
    assert answer == {"batchItemFailures": [{"itemIdentifier": f"m{n}"} for n in (1, 2, 3)]}
    assert handled == [0, 1]


def test_a_batch_whose_every_record_failed_fails_the_invocation_after_the_batch_work():
    handled, handle = handler_failing_on(0, 1)
    batches: list[str] = []
    with pytest.raises(BatchFailed):
        sqs_batch(handle, lambda: batches.append("after"))(sqs_event({"n": 0}, {"n": 1}), None)
    assert handled == [0, 1]
    assert batches == ["after"]


def test_a_clean_batch_reports_no_failure():
    handled, handle = handler_failing_on()
    assert sqs_batch(handle)(sqs_event({"n": 0}, {"n": 1}), None) == {"batchItemFailures": []}
    assert handled == [0, 1]
