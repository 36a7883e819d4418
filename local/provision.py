"""Create the declared resources (infra/manifest.py) in the emulator, as the CDK stack would."""

from __future__ import annotations

from typing import Any

import boto3

from infra.manifest import TABLES, Table


def local_table_name(table: Table, prefix: str) -> str:
    return f"{prefix}-{table.id}"


def table_definition(table: Table, name: str) -> dict[str, Any]:
    keys = [(table.partition_key, "HASH")] + ([(table.sort_key, "RANGE")] if table.sort_key else [])
    attributes = {name for name, _ in keys}
    definition: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": attr, "KeyType": kind} for attr, kind in keys],
    }
    if table.indexes:
        definition["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in table.indexes
        ]
        for index in table.indexes:
            attributes |= {index.partition_key, index.sort_key}
    definition["AttributeDefinitions"] = [{"AttributeName": attr, "AttributeType": "S"} for attr in sorted(attributes)]
    return definition


def provision(endpoint: str, prefix: str = "billing-local") -> dict[str, str]:
    """Create every declared table (idempotent); return table id → name."""
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint)
    existing = set(dynamodb.list_tables()["TableNames"])
    names = {}
    for table in TABLES:
        name = local_table_name(table, prefix)
        names[table.id] = name
        if name in existing:
            continue
        dynamodb.create_table(**table_definition(table, name))
        dynamodb.get_waiter("table_exists").wait(TableName=name)
        if table.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
            )
    return names
