"""Start and stop the AWS (moto) and Stripe (localstripe) emulators on free loopback ports."""

from __future__ import annotations

import collections
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from local.chorus_pro import access as chorus_pro_access
from local.chorus_pro import chorus_pro_app
from local.faults import FaultPlan, with_faults
from local.mailbox import stamp_moto_ses_sends, with_ses_mailbox
from local.marketplace import with_marketplace
from local.moto_answers import quick_moto_dynamodb_answers
from local.moto_messaging import quick_moto_messaging

LOOPBACK = "127.0.0.1"
REGION = "eu-west-3"
# moto accepts any credentials; fixed fake ones keep botocore from looking for real ones.
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 - loopback URL we built
            return
        except urllib.error.HTTPError:
            return  # it answered: it is up
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


_WRITES = ("transact_write_items", "put_item", "update_item", "delete_item", "batch_write_item")
# Reads too: a read copying an item (projections) while a transaction snapshots the table made the
# snapshot's deep copy fail with "dictionary changed size during iteration" (a 500, hidden by retries).
_READS = ("get_item", "batch_get_item", "query", "scan", "transact_get_items")
_serialized = False
# Transactions cancelled by a failed condition, by the kind of item that failed it (its partition key's
# prefix: "SERIES" for a numbering series' counter): `make bench` prints the numbering's retries from it.
CONDITION_FAILURES: collections.Counter[str] = collections.Counter()
# The one lock of moto's DynamoDB (below); a snapshot of the emulator's state takes it too (local/persistence.py).
MOTO_LOCK = threading.RLock()


def serialize_moto_dynamodb_writes() -> None:
    """moto's transactions deep-copy tables for rollback while other requests write to them, answering
    500 (or leaving a transaction half applied) under concurrency. DynamoDB itself isolates writes, so
    one lock around moto's DynamoDB writes makes the emulator behave like the service it stands for."""
    global _serialized
    if _serialized:
        return
    from moto.dynamodb.models import DynamoDBBackend

    lock = MOTO_LOCK
    _index_moto_queries(DynamoDBBackend)  # first: the lock below wraps its update_item too
    for name in _WRITES + _READS:
        original = getattr(DynamoDBBackend, name)

        def locked(self: object, *args: object, __original: object = original, **kwargs: object) -> object:
            with lock:
                return __original(self, *args, **kwargs)  # type: ignore[operator]

        setattr(DynamoDBBackend, name, locked)
    _transactions_with_item_undo(DynamoDBBackend, lock)
    _serialized = True


def quick_moto_requests() -> None:
    """moto's per-request costs, each made once (its answers are unchanged). Once per process: a test session
    starts several backends."""
    global _quickened
    if _quickened:
        return
    _items_sized_once()
    _action_names_listed_once()
    _raw_emails_read_for_their_headers()
    _names_converted_once()
    _hosts_resolved_once()
    _request_ids_drawn_at_once()
    _keys_projected_directly()
    _quickened = True


_quickened = False


def _raw_emails_read_for_their_headers() -> None:
    """moto's SendRawEmail parses the whole MIME message, line by line through the attached PDF, to read
    its From, To, Cc and Bcc: 6 % of the emulator's time in a billing run. Parsing the headers alone gives
    it the same addresses (the message is kept raw, as sent)."""
    import email.parser
    import types

    from moto.ses import models

    def headers_of(raw: str) -> Any:
        return email.parser.Parser().parsestr(raw, headersonly=True)

    models.email = types.SimpleNamespace(message_from_string=headers_of)  # type: ignore[assignment]


def _names_converted_once() -> None:
    """moto turns each API name into a Python one (``GetItem`` → ``get_item``) character by character, on
    every request, and an SQS queue converts all its attribute names each time one is read (every message
    sent): ~4 % of the emulator's time in a billing run. The conversion is a pure function of a handful of
    names: remembered. Modules importing it later (each service's, loaded on its first request) get the
    remembered one; those already loaded are given it."""
    import functools

    from moto.core import utils

    original = utils.camelcase_to_underscores
    converted = functools.lru_cache(maxsize=4096)(original)
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.") and getattr(module, "camelcase_to_underscores", None) is original:
            setattr(module, "camelcase_to_underscores", converted)  # noqa: B010 - any of moto's modules


def _request_ids_drawn_at_once() -> None:
    """moto draws each answer's 52-character request id one ``random.choice`` at a time (~6 % of a GetItem's
    time in the emulator). The same alphabet and length from the same seedable generator, drawn in one call."""
    import string

    from moto.core import responses
    from moto.moto_api._internal import mock_random

    alphabet = string.ascii_letters + string.digits

    def request_id(headers: Any = None) -> str:
        drawn = "".join(mock_random.choices(alphabet, k=52))
        if isinstance(headers, dict):
            headers["x-amzn-requestid"] = drawn
        return drawn

    responses.gen_amzn_requestid_long = request_id  # type: ignore[assignment]


def _hosts_resolved_once() -> None:
    """moto's dispatcher matches each request's host against every service's URL patterns (hundreds of
    regular expressions) before it reads the signature that names the service: loopback matches none, so
    every request tried them all (~2 % of the emulator's time). A host always resolves the same way."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    resolve = DomainDispatcherApplication.get_backend_for_host
    resolved: dict[str | None, Any] = {}

    def resolved_once(self: DomainDispatcherApplication, host: str | None) -> Any:
        if host not in resolved:
            resolved[host] = resolve(self, host)
        return resolved[host]

    DomainDispatcherApplication.get_backend_for_host = resolved_once  # type: ignore[method-assign]


def _action_names_listed_once() -> None:
    """moto lists a response class's methods (inspect.getmembers) on every request, to find the action's:
    3 % of the emulator's time in a billing run. A class's methods are fixed once the emulator runs (our
    patches are made before it starts), so each class is listed once."""
    import functools

    from moto.core import responses

    responses.method_names_from_class = functools.cache(responses.method_names_from_class)


def _items_sized_once() -> None:
    """moto builds an item attribute by attribute, and each one added sums the sizes of all those before
    it (its 400 KB check): quadratic in an item's attributes, recursive in its maps and lists, and 7 % of
    the emulator's time in a billing run. The same check, made once on the whole item: sizes only add up,
    so the item is too large exactly when its total is. Each value is sized as moto's ``DynamoType.size``
    sizes it, without its copy of every map's values on the way down (an invoice's nested lines)."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

    def sized_once(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        converted = {key: DynamoType(value) for key, value in attrs.items()}
        if moto_item_size(converted) > ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        self.attrs = LimitedSizeDict()
        dict.update(self.attrs, converted)  # dict's own update: not LimitedSizeDict's __setitem__

    Item.__init__ = sized_once  # type: ignore[method-assign]
    Item.size = lambda self: moto_item_size(self.attrs)  # type: ignore[method-assign]


def _keys_projected_directly() -> None:
    """moto projects an index's item (keys only, or included attributes) by turning the whole item into plain
    JSON once per projected attribute, then back: an invoice's nested lines four times for each item a
    due-date poll returns. Attributes that are strings are copied as they are, the same item moto makes;
    anything else still goes moto's way."""
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import SecondaryIndex

    original = SecondaryIndex.project

    def project(self: Any, item: Any) -> Any:
        kind = (self.projection or {}).get("ProjectionType")
        if kind not in ("KEYS_ONLY", "INCLUDE"):
            return original(self, item)
        names = self.table_key_attrs + [key["AttributeName"] for key in self.schema]
        if kind == "INCLUDE":
            names += self.projection.get("NonKeyAttributes", [])
        kept = {name: item.attrs[name] for name in dict.fromkeys(names) if name in item.attrs}
        if any(value.type != "S" for value in kept.values()):
            return original(self, item)
        return Item(item.hash_key, item.range_key, {name: {"S": value.value} for name, value in kept.items()})

    SecondaryIndex.project = project  # type: ignore[method-assign]


def moto_item_size(attrs: dict[str, Any]) -> int:
    """An item's size as moto's ``Item.size`` counts it: each attribute's name and value."""
    return sum(len(key.encode()) + moto_size(value) for key, value in attrs.items())


def moto_size(value: Any) -> int:
    """A moto ``DynamoType``'s size as its ``size()`` counts it; lists and maps summed here, since moto's
    copies each value of a map (and so all below it) to size it."""
    kind, content = value.type, value.value
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        return len(str(content))
    if kind == "L":
        return sum(moto_size(element) for element in content)
    if kind == "M":
        return sum(len(key.encode()) + moto_size(element) for key, element in content.items())
    return int(value.size())  # the other scalars and the sets: moto's own rule


# moto's own limit for an item (DynamoDB documents 400 KB; moto measured the service refusing at 409–410 KB).
ITEM_SIZE_LIMIT = 405_000


def _transactions_with_item_undo(backend: Any, lock: threading.RLock) -> None:
    """moto's TransactWriteItems deep-copies every table it touches, for rollback: time and memory grow
    with the table (make run reached gigabytes, and a transaction seconds, once usage events piled up).
    This one checks every condition first, against the state before the transaction as DynamoDB does,
    then applies the writes keeping each touched item's former value, restored if a write fails. Writes
    are serialized (the lock above), so nothing else sees the transaction half applied."""
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        with lock:
            planned, errors, seen = [], [], set()
            for entry in transact_items:
                if len(entry) > 1:
                    raise TransactWriteSingleOpException
                op_type, op = next(iter(entry.items()))
                if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                    raise MockValidationException("Unsupported transaction operation")
                table = self.get_table(op["TableName"])
                if op_type == "Put":
                    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                    if table.range_key_attr is not None:
                        key[table.range_key_attr] = op["Item"][table.range_key_attr]
                else:
                    key = op["Key"]
                identity = (op["TableName"], str(dict(sorted(key.items()))))
                if identity in seen:
                    raise MultipleTransactionsException()
                seen.add(identity)
                current = self.get_item(op["TableName"], key)
                condition = op.get("ConditionExpression")
                failed = None
                if condition is not None:
                    check = get_filter_expression(
                        condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
                    )
                    if not check.expr(current):
                        old = None
                        if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                            old = current.to_json()["Attributes"]
                        failed = ("ConditionalCheckFailed", "The conditional request failed", old)
                errors.append(failed or (None, None, None))
                # What undoing the write restores. A Put or a Delete leaves the former Item object as it was (moto
                # stores a new one, or drops it): kept as it is. An Update changes it in place: copied first.
                if current is not None and op_type == "Update":
                    current = current.to_json()["Attributes"]
                planned.append((op_type, op, key, current))
            if any(code is not None for code, _, _ in errors):
                for (code, _, _), (_, _, key, _) in zip(errors, planned, strict=False):
                    if code is not None:
                        CONDITION_FAILURES[str(next(iter(key.values())).get("S", "")).split("#", 1)[0]] += 1
                raise TransactionCanceledException(errors)
            undo: list[tuple[str, dict[str, Any], Any]] = []
            for index, (op_type, op, key, before) in enumerate(planned):
                if op_type == "ConditionCheck":
                    continue
                undo.append((op["TableName"], key, before))
                names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
                try:
                    if op_type == "Put":
                        self.put_item(
                            op["TableName"],
                            op["Item"],
                            expression_attribute_names=names,
                            expression_attribute_values=values,
                        )
                    elif op_type == "Delete":
                        self.delete_item(
                            op["TableName"], key, expression_attribute_names=names, expression_attribute_values=values
                        )
                    else:
                        self.update_item(
                            op["TableName"],
                            key,
                            update_expression=op["UpdateExpression"],
                            expression_attribute_names=names,
                            expression_attribute_values=values,
                        )
                except Exception as error:  # moto's own errors included: undo, then say why
                    for table_name, touched, former in reversed(undo):
                        if former is None:
                            self.delete_item(table_name, touched)
                        else:
                            self.put_item(
                                table_name, former if isinstance(former, dict) else former.to_json()["Attributes"]
                            )
                    if isinstance(error, MockValidationException):
                        raise
                    errors[index] = (type(error).__name__, str(error), None)
                    raise TransactionCanceledException(errors) from error

    backend.transact_write_items = transact_write_items


def _index_moto_queries(backend: Any) -> None:
    """moto answers a query by reading every item of the table, sorted, at each query, and due-date polls,
    listings and usage reads query several times a request: their cost grew with everything `make run` had
    stored. DynamoDB reads only the partition named: here a query on the table is shown that partition, and
    one on an index the items grouped by the index's hash value. The grouping is built at the first query on
    that attribute, then kept up to date by every write (a billing run interleaves writes and index queries:
    rebuilding it after each write made a run's time grow with the square of the table). Runs under the lock
    above, as every read and write does."""
    from moto.dynamodb.models.table import Table

    def bump(table: Any) -> None:
        table.__dict__["_local_version"] = table.__dict__.get("_local_version", 0) + 1

    def sorted_items(table: Any) -> list[Any]:
        version = table.__dict__.get("_local_version", 0)
        cached = table.__dict__.get("_local_sorted")
        if cached is None or cached[0] != version:
            cached = table.__dict__["_local_sorted"] = (version, original_all_items(table))
        return cast(list[Any], cached[1])

    def identity(item: Any) -> tuple[Any, Any]:
        return (item.hash_key, item.range_key)

    def groups(table: Any, attribute: str) -> dict[Any, dict[tuple[Any, Any], Any]]:
        indexes = table.__dict__.setdefault("_local_index_groups", {})
        if attribute not in indexes:
            grouped: dict[Any, dict[tuple[Any, Any], Any]] = {}
            placed: dict[tuple[Any, Any], Any] = {}
            for item in original_all_items(table):
                value = item.attrs.get(attribute)
                if value is not None:
                    grouped.setdefault(value, {})[identity(item)] = item
                    placed[identity(item)] = value
            indexes[attribute] = (grouped, placed, {})
        return cast(dict[Any, dict[tuple[Any, Any], Any]], indexes[attribute][0])

    def in_key_order(table: Any, attribute: str, value: Any) -> list[Any]:
        """A group's items in the table's key order, as moto's own reading gives them (ties on the
        index's sort key keep it), sorted again only after the group changed."""
        members = groups(table, attribute).get(value, {})
        ordered = table.__dict__["_local_index_groups"][attribute][2]
        if value not in ordered:
            ordered[value] = [members[key] for key in sorted(members, key=_key_order)]
        return cast(list[Any], ordered[value])

    def regroup(table: Any, key: tuple[Any, Any], item: Any | None) -> None:
        """The item at ``key`` was written (``item``) or deleted (None): move it between groups."""
        bump(table)
        for attribute, (grouped, placed, ordered) in table.__dict__.get("_local_index_groups", {}).items():
            former = placed.pop(key, None)
            if former is not None:
                ordered.pop(former, None)
                members = grouped[former]
                members.pop(key, None)
                if not members:
                    del grouped[former]
            value = item.attrs.get(attribute) if item is not None else None
            if value is not None:
                grouped.setdefault(value, {})[key] = item
                placed[key] = value
                ordered.pop(value, None)

    original_put, original_delete = Table.put_item, Table.delete_item
    original_all_items, original_query = Table.all_items, Table.query
    original_update = backend.update_item

    def put_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = original_put(self, *args, **kwargs)
        regroup(self, identity(item), item)
        return item

    def delete_item(self: Any, hash_key: Any, range_key: Any = None) -> Any:
        item = original_delete(self, hash_key, range_key)
        if item is not None:
            regroup(self, identity(item), None)
        return item

    def update_item(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        # An update changes its item in place (an index's key attribute included), or creates it.
        item = original_update(self, table_name, *args, **kwargs)
        table = self.get_table(table_name)
        regroup(table, identity(item), table.get_item(item.hash_key, item.range_key))
        return item

    def all_items(self: Any) -> list[Any]:
        narrowed = self.__dict__.get("_local_narrowed")
        return list(narrowed if narrowed is not None else sorted_items(self))

    def in_range(members: list[Any], kwargs: dict[str, Any]) -> list[Any]:
        """The group's items within the query's sort key condition, tested as moto tests them (its own
        ``compare``). moto reads the whole group and sizes each item before that test (its page limit), so an
        index's due-date poll cost every item ever due, big invoices included; DynamoDB reads the range only."""
        ranges = kwargs.get("range_key_conditions") or []
        if len(ranges) != 1:
            return members
        attribute, comparison, bounds = ranges[0]
        kept = []
        for item in members:
            value = item.attrs.get(attribute)
            if value is not None and value.compare(comparison, bounds):
                kept.append(item)
        return kept

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        conditions = kwargs.get("hash_key_conditions")
        index_name = args[7] if len(args) > 7 else kwargs.get("index_name")
        if not index_name:
            # moto reads the whole table, sorted, for a query on the table's own partition key too.
            hash_key = args[0] if args else kwargs.get("hash_key")
            if not self.range_key_attr or hash_key is None:
                return original_query(self, *args, **kwargs)
            partition = self.items.get(hash_key) or {}  # an empty partition reads nothing, not every item
            self.__dict__["_local_narrowed"] = [partition[key] for key in sorted(partition)]
        elif not conditions or len(conditions) != 1:
            return original_query(self, *args, **kwargs)
        else:
            attribute, value = conditions[0]
            self.__dict__["_local_narrowed"] = in_range(in_key_order(self, attribute, value), kwargs)
        try:
            return original_query(self, *args, **kwargs)
        finally:
            del self.__dict__["_local_narrowed"]

    Table.put_item, Table.delete_item = put_item, delete_item  # type: ignore[method-assign]
    Table.all_items, Table.query = all_items, query  # type: ignore[method-assign]
    backend.update_item = update_item


def _key_order(key: tuple[Any, Any]) -> tuple[Any, ...]:
    hash_key, range_key = key
    return (hash_key, range_key) if range_key is not None else (hash_key,)


_untracked = False


def stop_tracking_moto_models() -> None:
    """moto's BaseModel appends every model object it creates to a list on its class, kept for moto's
    dashboard and never emptied: every DynamoDB item read or written (a query's copies included) stayed in
    memory, and `make run` grew about 1 MB a second under load while its tables held a few thousand items.
    Only S3 reads those lists (to close its keys' buffers on reset), so only S3's models are still tracked."""
    global _untracked
    if _untracked:
        return
    from moto.core.common_models import BaseModel
    from moto.core.model_instances import model_data

    def untracked_new(cls: type, *args: object, **kwargs: object) -> object:
        instance = super(BaseModel, cls).__new__(cls)  # type: ignore[misc]
        if cls.__module__.startswith("moto.s3."):
            cls.instances_tracked.append(instance)  # type: ignore[attr-defined]
        return instance

    BaseModel.__new__ = staticmethod(untracked_new)  # type: ignore[assignment, method-assign]
    for service, models in model_data.items():
        if service != "s3":
            for model in models.values():
                model.instances_tracked = []  # type: ignore[attr-defined]
    _untracked = True


def remember_moto_services() -> None:
    """moto's server lists its package's directory (a stat per entry) twice a request to tell which service
    a request names; the directory does not change while it runs: listed once."""
    from moto import backends

    services = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: services


def _backend_app(service: Any) -> Any:
    """moto's Flask app for a service, out of Flask's debug mode, which moto turns on: in it Flask wraps every
    request's form data to explain a wrong encoding (~3 % of a request). Errors are answered the same: moto's
    are HTTP exceptions either way, and an unexpected one is still a 500."""
    app = create_backend_app(service)
    app.debug = False
    return app


class MotoWithMailbox:
    """moto's app, wrapped to answer LocalStack's ``/_aws/ses`` too (local/mailbox.py) and to inject faults on
    request (``/_faults``, local/faults.py), served by waitress. moto's own server is werkzeug's development
    server, which closes the connection after each answer: every AWS call opened a TCP connection and a
    thread. waitress keeps connections alive and answers from a pool of threads (measured here: a tenth less
    CPU per request on each side, client and emulator)."""

    def __init__(self, port: int) -> None:
        import waitress

        app = with_faults(with_ses_mailbox(DomainDispatcherApplication(_backend_app)), FaultPlan())
        self._connections: dict[int, Any] = {}  # waitress's socket map: the listener and every connection
        # Threads enough for the functions' containers, the triggers and the tests calling at once.
        self._server = waitress.create_server(app, map=self._connections, host=LOOPBACK, port=port, threads=16)
        self._thread = threading.Thread(target=self._server.run, name="moto", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        from waitress.wasyncore import close_all

        self._server.task_dispatcher.shutdown(timeout=5)
        # The loop ends once its map is empty, kept-alive connections included. Emptied by the loop's own
        # thread, woken by waitress's trigger: closed from here, a socket could vanish under the select() that
        # thread is in (EBADF, seen as an unhandled thread exception in a test).
        self._server.trigger.pull_trigger(lambda: close_all(self._connections))
        self._thread.join(timeout=5)
        if self._thread.is_alive():  # the loop never woke: close what it holds anyway
            close_all(self._connections)


def _not_found(_: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Type", "application/json")])
    return [b'{"message": "not an AWS Marketplace operation"}']


class MarketplaceEmulator:
    """AWS Marketplace's metering and entitlement APIs (local/marketplace.py) on a loopback port of their own:
    neither moto nor LocalStack's community edition answers them, so with either one boto3 is sent here by the
    service-specific endpoint variables (``AWS_ENDPOINT_URL_<SERVICE>``), as it would be to any endpoint."""

    def __init__(self) -> None:
        self._server = make_server(LOOPBACK, free_port(), with_marketplace(_not_found), True)
        self.endpoint = f"http://{LOOPBACK}:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL_MARKETPLACE_METERING": self.endpoint,
            "AWS_ENDPOINT_URL_MARKETPLACE_ENTITLEMENT_SERVICE": self.endpoint,
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class ChorusProEmulator:
    """Chorus Pro's PISTE API (local/chorus_pro.py) on a loopback port of its own: public buyers' invoices are
    deposited there and their statuses read, as from the real one."""

    def __init__(self) -> None:
        self._server = make_server(LOOPBACK, free_port(), chorus_pro_app, True)
        self.endpoint = f"http://{LOOPBACK}:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def env(self) -> dict[str, str]:
        return {"BILLING_CHORUS_PRO": json.dumps(chorus_pro_access(self.endpoint))}

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Emulators:
    aws_endpoint: str
    stripe_endpoint: str
    _moto: MotoWithMailbox | None
    _marketplace: MarketplaceEmulator
    _stripe: subprocess.Popen[bytes]
    _chorus_pro: ChorusProEmulator
    env: dict[str, str] = field(default_factory=dict)

    @property
    def chorus_pro_endpoint(self) -> str:
        return self._chorus_pro.endpoint

    @property
    def marketplace_endpoint(self) -> str:
        return self._marketplace.endpoint

    def stop(self) -> None:
        self._stripe.terminate()
        try:
            self._stripe.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._stripe.kill()
        self._marketplace.stop()
        self._chorus_pro.stop()
        if self._moto is not None:  # a LocalStack given from outside is stopped by whoever started it
            self._moto.stop()


def start_emulators(aws_endpoint: str | None = None, stripe_state: str | None = None) -> Emulators:
    """Start moto, the Marketplace emulator and localstripe; with ``aws_endpoint`` (a LocalStack), no moto.
    ``stripe_state``: the file localstripe keeps its store in across restarts (local/persistence.py)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the other emulators' per-request access log
    logging.getLogger("waitress").setLevel(logging.ERROR)  # moto's server: "Serving on", queue depth notes
    moto = None
    if aws_endpoint is None:
        moto_port = free_port()
        serialize_moto_dynamodb_writes()
        stop_tracking_moto_models()
        stamp_moto_ses_sends()
        quick_moto_messaging()
        quick_moto_dynamodb_answers()
        quick_moto_requests()
        remember_moto_services()
        moto = MotoWithMailbox(moto_port)
        aws_endpoint = f"http://{LOOPBACK}:{moto_port}"
    marketplace = MarketplaceEmulator()
    chorus_pro = ChorusProEmulator()
    stripe_port = free_port()
    stripe = subprocess.Popen(
        [sys.executable, "-m", "local.stripe_server", "--port", str(stripe_port)]
        + (["--state-file", stripe_state] if stripe_state else []),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    stripe_endpoint = f"http://{LOOPBACK}:{stripe_port}"
    wait_until_up(f"{aws_endpoint}/")
    wait_until_up(f"{stripe_endpoint}/v1/customers")
    env = (
        FAKE_AWS_ENV
        | marketplace.env
        | chorus_pro.env
        | {"AWS_ENDPOINT_URL": aws_endpoint, "BILLING_STRIPE_API_BASE": stripe_endpoint}
    )
    return Emulators(aws_endpoint, stripe_endpoint, moto, marketplace, stripe, chorus_pro, env)


def moto_held_bytes() -> dict[str, int]:
    """The content moto holds in this process, in bytes: S3 objects' bodies and the mailbox's raw messages
    (the billing-run benchmark sets them beside the backend's memory)."""
    from moto.s3.models import s3_backends
    from moto.ses.models import ses_backends

    buckets = [bucket for account in s3_backends.values() for s3 in account.values() for bucket in s3.buckets.values()]
    mailboxes = [ses.sent_messages for account in ses_backends.values() for ses in account.values()]
    return {
        "s3": sum(key.size for bucket in buckets for key in bucket.keys.values()),
        "mailbox": sum(len(getattr(message, "raw_data", "") or "") for sent in mailboxes for message in sent),
    }


def aws_emulator_name(aws_endpoint: str | None) -> str:
    """ "moto 5.x" when we start moto, else what the endpoint says it is (LocalStack tells its version)."""
    if aws_endpoint is None:
        from importlib.metadata import version

        return f"moto {version('moto')}"
    try:
        with urllib.request.urlopen(f"{aws_endpoint}/_localstack/health", timeout=5) as answer:  # noqa: S310
            return f"LocalStack {json.load(answer).get('version', '?')}"
    except (OSError, ValueError):
        return f"AWS at {aws_endpoint}"
