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
