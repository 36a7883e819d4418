"""moto's DynamoDB answers to item reads and writes, written as the JSON they are.

moto turns every answer into the wire format by walking botocore's model of the operation, attribute by
attribute: for an item with nested maps (our documents) that walk was most of the emulator's time in a
billing run. An item read or write's result is already DynamoDB's JSON (moto converts its items to wire
dicts first), so it is dumped as is, absent members left out as the walk leaves them; anything JSON cannot
hold (a table's datetimes) goes the model's way. Checked equal to moto's own output on every operation
below before it replaced it.
"""

from __future__ import annotations

import json
from typing import Any

# Answers made only of item attribute values, consumed capacity and keys.
ITEM_OPERATIONS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem"})
_installed = False


def _present(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _present(member) for key, member in value.items() if member is not None}
    if isinstance(value, list):
        return [_present(member) for member in value]
    return value


def quick_moto_dynamodb_answers() -> None:
    global _installed
    if _installed:
        return
    from moto.dynamodb.responses import DynamoResult

    through_the_model = DynamoResult.execute_result

    def execute_result(self: Any, context: Any) -> Any:
        if isinstance(self.result, dict) and context.operation_model.name in ITEM_OPERATIONS:
            try:
                body = json.dumps(_present(self.result))
            except (TypeError, ValueError):
                return through_the_model(self, context)
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, body
        return through_the_model(self, context)

    DynamoResult.execute_result = execute_result  # type: ignore[method-assign]
    _installed = True
