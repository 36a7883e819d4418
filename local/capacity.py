"""DynamoDB write units of a request, from its parameters: moto reports no consumed capacity, and `make bench`
turns request counts into a bill. DynamoDB bills 1 WCU per 1 KB (rounded up) of item written, once more for
each secondary index the item is projected to (here GSI1, keyed by ``gsi1pk``); a transaction bills twice."""

from __future__ import annotations

from typing import Any

DYNAMODB_WRITES = frozenset({"BatchWriteItem", "PutItem", "TransactWriteItems", "UpdateItem", "DeleteItem"})


def _item_units(item: dict[str, Any], indexed: bool) -> float:
    size = len(str(item).encode())
    units = -(-size // 1024)
    return units * (2 if indexed else 1)


def write_units(operation: str, params: dict[str, Any]) -> float:
    """Estimated WCU of one write request: 2 per item in a transaction."""
    if operation == "BatchWriteItem":
        return sum(
            _item_units(request["PutRequest"]["Item"], "gsi1pk" in request["PutRequest"]["Item"])
            for requests in params.get("RequestItems", {}).values()
            for request in requests
            if "PutRequest" in request
        )
    if operation == "PutItem":
        return _item_units(params["Item"], "gsi1pk" in params["Item"])
    if operation == "TransactWriteItems":
        total = 0.0
        for action in params.get("TransactItems", []):
            put = action.get("Put")
            total += 2 * (_item_units(put["Item"], "gsi1pk" in put["Item"]) if put else 1)
        return total
    if operation in ("UpdateItem", "DeleteItem"):
        return 1.0
    return 0.0
