"""The single DynamoDB table as PynamoDB sees it: the base item and the binding to the stack's table.

Key design: docs/data-model.md. Every model of the table subclasses ``TableItem``.
"""

from __future__ import annotations

from functools import cache

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model


class TableItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_table() on first use, never at import

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


def _models(base: type[TableItem]) -> list[type[TableItem]]:
    found: list[type[TableItem]] = []
    for model in base.__subclasses__():
        found += [model, *_models(model)]
    return found


def bind_table(table_name: str) -> None:
    """Point every model at the stack's table (names come from settings, not from code)."""
    models: list[type[TableItem]] = [TableItem, *_models(TableItem)]
    for model in models:
        if model.Meta.table_name != table_name or model._connection is not None:
            model.Meta.table_name = table_name
            model._connection = None


def account_pk(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


@cache
def transaction_connection() -> Connection:
    """One connection for every transaction: building a botocore client costs ~0.3 s here, so never
    per call (botocore clients are thread-safe; PynamoDB keeps its session per thread)."""
    return Connection()
