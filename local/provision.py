"""Create the declared resources (infra/manifest.py) in the emulator, as the CDK stack would."""

from __future__ import annotations

import contextlib
import json
import secrets
from typing import Any

import boto3

from infra.manifest import BUCKETS, EVENT_BUS, EVENT_RULES, QUEUES, TABLES, Table


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
                "Projection": {"ProjectionType": "KEYS_ONLY" if index.keys_only else "ALL"},
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


SENDER = "billing@example.com"


def provision_messaging(endpoint: str, prefix: str = "billing-local") -> dict[str, str]:
    """Queues (with dead-letter queues), the documents bucket, the event bus and its rules, SES sender.

    Returns resource id → name or URL, as the stack's outputs would give them.
    """
    sqs = boto3.client("sqs", endpoint_url=endpoint)
    resources: dict[str, str] = {}
    for queue in QUEUES:
        fifo = {"FifoQueue": "true"} if queue.fifo else {}
        suffix = ".fifo" if queue.fifo else ""  # SQS requires it of a FIFO queue's name
        dlq = sqs.create_queue(QueueName=f"{prefix}-{queue.id}-dlq{suffix}", Attributes=fifo)["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        url = sqs.create_queue(
            QueueName=f"{prefix}-{queue.id}{suffix}",
            Attributes=fifo
            | {
                "VisibilityTimeout": str(queue.visibility_timeout_s),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(queue.max_receive_count)}
                ),
            },
        )["QueueUrl"]
        resources[f"queue:{queue.id}"] = url
        resources[f"queue-arn:{queue.id}"] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
    s3 = boto3.client("s3", endpoint_url=endpoint)
    for bucket in BUCKETS:
        name = f"{prefix}-{bucket.id}".lower()
        with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
            s3.create_bucket(
                Bucket=name,
                CreateBucketConfiguration={"LocationConstraint": s3.meta.region_name},
                ObjectLockEnabledForBucket=bucket.object_lock,
            )
        resources[f"bucket:{bucket.id}"] = name
    events = boto3.client("events", endpoint_url=endpoint)
    bus = f"{prefix}-{EVENT_BUS}"
    with contextlib.suppress(events.exceptions.ResourceAlreadyExistsException):
        events.create_event_bus(Name=bus)
    resources["bus"] = bus
    for rule, (detail_types, queue_id) in EVENT_RULES.items():
        events.put_rule(
            Name=f"{prefix}-{rule}", EventBusName=bus, EventPattern=json.dumps({"detail-type": list(detail_types)})
        )
        events.put_targets(
            Rule=f"{prefix}-{rule}",
            EventBusName=bus,
            Targets=[{"Id": queue_id, "Arn": resources[f"queue-arn:{queue_id}"]}],
        )
    boto3.client("ses", endpoint_url=endpoint).verify_email_identity(EmailAddress=SENDER)
    resources["sender"] = SENDER
    resources |= provision_stripe_keys(endpoint, prefix)
    return resources


LOCAL_STRIPE_KEY = "sk_test_local"  # localstripe accepts any key


def provision_stripe_keys(endpoint: str, prefix: str) -> dict[str, str]:
    """The secret the deployed stack holds, with a test key (localstripe accepts any) and a fresh
    webhook signing secret, which localstripe is told to sign with."""
    webhook_secret = f"whsec_{secrets.token_hex(16)}"
    client = boto3.client("secretsmanager", endpoint_url=endpoint)
    name = f"{prefix}-stripe-keys"
    value = json.dumps({"api_key": LOCAL_STRIPE_KEY, "webhook_secret": webhook_secret})
    try:
        client.create_secret(Name=name, SecretString=value)
    except client.exceptions.ResourceExistsException:
        client.put_secret_value(SecretId=name, SecretString=value)
    return {"secret:stripe": name, "stripe-webhook-secret": webhook_secret}
