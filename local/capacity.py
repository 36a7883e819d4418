"""DynamoDB write units of a request, from its parameters: moto reports no consumed capacity, and `make bench`
turns request counts into a bill. DynamoDB bills 1 WCU per 1 KB (rounded up) of item written, its size
counted as the service documents it, again for each secondary index the item is projected to (GSI1 takes
every attribute, DUE only the keys); a transaction bills twice."""

from __future__ import annotations

from typing import Any

DYNAMODB_WRITES = frozenset({"BatchWriteItem", "PutItem", "TransactWriteItems", "UpdateItem", "DeleteItem"})


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: each attribute's name plus its value (the documented rules)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    kind, content = next(iter(value.items()))
    if kind == "S":
        return len(str(content).encode())
    if kind == "N":
        digits = str(content).lstrip("-").replace(".", "").strip("0") or "0"
        return (len(digits) + 1) // 2 + 1
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _value_size(element) for element in content)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + _value_size(element) for name, element in content.items())
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: element}) for element in content)
    return len(str(content).encode())


def _item_units(item: dict[str, Any]) -> float:
    """The table's units, as many again for GSI1 (all attributes projected), one for DUE (keys only)."""
    units = -(-item_size(item) // 1024)
    return units * (2 if "gsi1pk" in item else 1) + (1 if "duepk" in item else 0)


def write_units(operation: str, params: dict[str, Any]) -> float:
    """Estimated WCU of one write request: 2 per item in a transaction."""
    if operation == "BatchWriteItem":
        return sum(
            _item_units(request["PutRequest"]["Item"])
            for requests in params.get("RequestItems", {}).values()
            for request in requests
            if "PutRequest" in request
        )
    if operation == "PutItem":
        return _item_units(params["Item"])
    if operation == "TransactWriteItems":
        total = 0.0
        for action in params.get("TransactItems", []):
            put = action.get("Put")
            total += 2 * (_item_units(put["Item"]) if put else 1)
        return total
    if operation in ("UpdateItem", "DeleteItem"):
        return 1.0
    return 0.0
