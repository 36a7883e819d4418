"""The single DynamoDB table as PynamoDB sees it: the base item and the binding to the stack's table.

Key design: docs/data-model.md. Every model of the table subclasses ``TableItem``.
"""

from __future__ import annotations

import threading

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.constants import ATTR_DEFINITIONS, ATTR_NAME, GLOBAL_SECONDARY_INDEXES, INDEX_NAME
from pynamodb.models import Model

from billing.adapters.aws_clients import with_process_session

# PynamoDB gives each model class a connection of its own, and each connection builds its own botocore
# session and DynamoDB client on first use: ~50 ms of a cold start per item class a request touches. The
# item classes of one table share one connection instead (and transactions use it too); its schema gains
# each class's indexes as the class first asks for it.
_shared: dict[str, TableConnection] = {}
_sharing = threading.Lock()


class TableItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_table() on first use, never at import

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        # Its own attribute, not one inherited from a parent class: each class adds its indexes.
        if cls.__dict__.get("_connection") is None:
            cls._connection = None
            own = super()._get_connection()  # no client yet: botocore builds it on the first request
            with _sharing:
                shared = _shared.setdefault(cls.Meta.table_name, own)
                if shared is own:
                    _on_process_session(own.connection)
                else:
                    _add_indexes(shared, own)
            cls._connection = shared
        return cls.__dict__["_connection"]


def _on_process_session(connection: Connection) -> None:
    """PynamoDB builds a botocore session of its own on first use (~18 ms of a cold start, the same models
    and settings loaded again) and has no setting to pass one: its per-thread slot gets the process's
    session, as its ``session`` property would fill it, and the client is made now, under that session's
    lock."""

    def adopt(session: object) -> None:
        connection._local.session = session
        _ = connection.client

    with_process_session(adopt)


def _add_indexes(shared: TableConnection, own: TableConnection) -> None:
    """Add the indexes ``own`` knows, and their keys' attribute types, to the shared table schema."""
    into, new = shared.get_meta_table().data, own.get_meta_table().data
    for part, name in ((GLOBAL_SECONDARY_INDEXES, INDEX_NAME), (ATTR_DEFINITIONS, ATTR_NAME)):
        known = into.setdefault(part, [])
        names = {entry[name] for entry in known}
        known += [entry for entry in new.get(part) or [] if entry[name] not in names]


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
    _shared.clear()


def account_pk(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


def transaction_connection() -> Connection:
    """The table's shared connection, for transactions: never a client of their own."""
    return TableItem._get_connection().connection
