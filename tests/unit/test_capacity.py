"""The write units make bench bills: item sizes as DynamoDB documents them, indexes and transactions."""

from __future__ import annotations

from local.capacity import item_size, write_units


def test_an_items_size_counts_names_and_values_as_dynamodb_does():
    # Strings by their UTF-8 bytes, numbers by half their significant digits plus one, maps and lists 3 bytes
    # plus one per element
    assert item_size({"pk": {"S": "été"}}) == 2 + 5
    assert item_size({"n": {"N": "12345"}}) == 1 + 4
    assert item_size({"doc": {"M": {"a": {"S": "xy"}, "b": {"L": [{"BOOL": True}]}}}}) == 3 + (3 + 4 + 7)


def test_a_write_bills_each_kilobyte_again_per_index_and_twice_in_a_transaction():
    listed = {"pk": {"S": "INVOICE#1"}, "sk": {"S": "INVOICE"}, "gsi1pk": {"S": "A"}, "doc": {"S": "x" * 1500}}
    due = {"pk": {"S": "SUB#1"}, "sk": {"S": "SUB"}, "duepk": {"S": "DUE#0"}}
    assert write_units("PutItem", {"Item": listed}) == 4  # 2 KB, and 2 KB again in GSI1
    assert write_units("PutItem", {"Item": due}) == 2  # 1 KB, and the DUE index's keys
    assert write_units("TransactWriteItems", {"TransactItems": [{"Put": {"Item": due}}]}) == 4
