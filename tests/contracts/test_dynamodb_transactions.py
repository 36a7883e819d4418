"""A transaction is all or nothing, as DynamoDB documents it: when one of its writes is refused, the writes
before it in the same transaction are not kept (moto's version is replaced in local/emulators.py, which
undoes them)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from billing.ids import new_id

TOO_LARGE = {"S": "x" * 500_000}  # over DynamoDB's 400 KB an item


@pytest.fixture
def dynamodb(backend):
    client = boto3.client("dynamodb", endpoint_url=backend.aws_endpoint_url, region_name="eu-west-3")
    table = backend.tables["Main"]
    names = [key["AttributeName"] for key in client.describe_table(TableName=table)["Table"]["KeySchema"]]
    return client, table, lambda pk: {name: {"S": pk} for name in names}


@pytest.mark.parametrize(
    "first_write",
    [
        lambda table, key: {"Put": {"TableName": table, "Item": {**key, "v": {"S": "replaced"}}}},
        lambda table, key: {
            "Update": {
                "TableName": table,
                "Key": key,
                "UpdateExpression": "SET v = :v, m.a = :a",
                "ExpressionAttributeValues": {":v": {"S": "updated"}, ":a": {"N": "2"}},
            }
        },
        lambda table, key: {"Delete": {"TableName": table, "Key": key}},
    ],
    ids=["put", "update", "delete"],
)
def test_a_transaction_whose_last_write_is_refused_keeps_none_of_its_writes(dynamodb, first_write):
    client, table, key_of = dynamodb
    kept, refused = key_of(f"TXN#{new_id('t')}"), key_of(f"TXN#{new_id('t')}")
    stored = {**kept, "v": {"S": "stored"}, "m": {"M": {"a": {"N": "1"}}}}
    client.put_item(TableName=table, Item=stored)

    with pytest.raises(ClientError) as refusal:
        client.transact_write_items(
            TransactItems=[
                first_write(table, kept),
                {"Put": {"TableName": table, "Item": {**refused, "big": TOO_LARGE}}},
            ]
        )

    assert refusal.value.response["Error"]["Code"] in ("ValidationException", "TransactionCanceledException")
    assert client.get_item(TableName=table, Key=kept, ConsistentRead=True)["Item"] == stored
    assert "Item" not in client.get_item(TableName=table, Key=refused, ConsistentRead=True)
