"""The emulator's item-size check (local/emulators.py) sizes an item as moto itself does, without moto's
copies: the same number for every kind of value, nested."""

from __future__ import annotations

from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType

from local.emulators import moto_size

NESTED: dict[str, Any] = {
    "M": {
        "désignation": {"S": "Sièges — licence"},
        "amount": {"N": "-123456.25"},
        "flags": {"L": [{"BOOL": True}, {"NULL": True}, {"B": "QUJD"}, {"M": {}}, {"L": []}]},
        "sets": {"M": {"ss": {"SS": ["a", "bé"]}, "ns": {"NS": ["1", "22.5"]}, "bs": {"BS": ["QQ=="]}}},
        "lines": {"L": [{"M": {"n": {"N": str(n)}, "t": {"S": "x" * n}}} for n in range(5)]},
    }
}


def test_every_kind_of_value_is_sized_as_moto_sizes_it():
    values = [NESTED, *NESTED["M"].values(), {"S": ""}, {"L": [NESTED, NESTED]}]
    for value in values:
        assert moto_size(DynamoType(value)) == DynamoType(value).size(), value


def test_a_map_counts_its_keys_and_every_value_below_it():
    assert moto_size(DynamoType({"M": {"ab": {"S": "xyz"}, "c": {"L": [{"S": "é"}]}}})) == 2 + 3 + 1 + 2


def test_an_item_is_sized_and_projected_on_an_index_as_moto_does_it():
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import SecondaryIndex

    from local import emulators

    attrs = {
        "pk": {"S": "INVOICE#in_1"},
        "sk": {"S": "INVOICE"},
        "duepk": {"S": "DUE#3"},
        "duesk": {"S": "2026-04-01T00:00:00+00:00#invoice#in_1"},
        "kind": {"S": "invoice"},
        "version": {"N": "4"},
        "doc": {"M": {"lines": NESTED["M"]["lines"], "désignation": NESTED["M"]["désignation"]}},
    }
    schema = [{"AttributeName": "duepk", "KeyType": "HASH"}, {"AttributeName": "duesk", "KeyType": "RANGE"}]
    projections = [
        {"ProjectionType": "KEYS_ONLY"},
        {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["kind", "missing"]},
        {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["version"]},  # a number: moto's own way
        {"ProjectionType": "ALL"},
    ]
    item = Item(DynamoType(attrs["pk"]), DynamoType(attrs["sk"]), attrs)
    by_moto = [SecondaryIndex("DUE", schema, p, ["pk", "sk"]).project(item).to_json() for p in projections]
    moto_size = item.size()
    emulators._items_sized_once()  # idempotent: the emulator process applies both at start
    emulators._keys_projected_directly()
    ours = [SecondaryIndex("DUE", schema, p, ["pk", "sk"]).project(item).to_json() for p in projections]
    assert ours == by_moto
    assert item.size() == moto_size
