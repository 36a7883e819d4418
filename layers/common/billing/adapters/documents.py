"""Engine objects ↔ JSON-compatible dicts, for storing them as DynamoDB maps.

Pydantic's TypeAdapter walks the frozen dataclasses of the engine (Decimal as string, datetimes as ISO
8601, enums as values), so there is no hand-written codec to keep in step with the models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[Any]) -> TypeAdapter[Any]:
    # Building an adapter walks the whole model once; keep one per type.
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        # Imported by the first object stored or read: a function that reads none (the billing run with an
        # empty outbox) does not load pydantic's validators (~45 ms of a cold start).
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    return adapter


def dump(value: Any) -> dict[str, Any]:
    # None is kept: a field may be required and nullable (DynamoDB maps store it as NULL).
    data: dict[str, Any] = _adapter(type(value)).dump_python(value, mode="json")
    return data


def load(kind: type[T], data: dict[str, Any]) -> T:
    loaded: T = _adapter(kind).validate_python(data)
    return loaded
