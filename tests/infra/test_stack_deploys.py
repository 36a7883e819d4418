"""The synthesized stack, less its functions, deployed into the AWS emulator's CloudFormation (LocalStack in
`make test`): what it creates is what local/provision.py creates from the same manifest, which every test
runs against. A table, queue or rule the stack declared differently would fail here."""

from __future__ import annotations

import json
import os
import secrets

import boto3
import pytest

from infra.manifest import QUEUES, TABLES
from local.stack_template import template_body, without_functions


def table_shape(dynamodb, name: str) -> dict:
    table = dynamodb.describe_table(TableName=name)["Table"]
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    return {
        "keys": table["KeySchema"],
        "attributes": sorted((a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]),
        "indexes": sorted(
            (index["IndexName"], json.dumps(index["KeySchema"]), index["Projection"]["ProjectionType"])
            for index in table.get("GlobalSecondaryIndexes", [])
        ),
        "billing": table.get("BillingModeSummary", {}).get("BillingMode"),
        "ttl": ttl.get("AttributeName") if ttl.get("TimeToLiveStatus") in {"ENABLED", "ENABLING"} else None,
    }


def queue_shape(sqs, url: str) -> dict:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attributes["RedrivePolicy"])
    dead_letter_queue = redrive["deadLetterTargetArn"].rsplit(":", 1)[1]
    return {
        "visibility_timeout": int(attributes["VisibilityTimeout"]),
        "max_receive_count": int(redrive["maxReceiveCount"]),
        "dead_letter_queue_exists": bool(sqs.get_queue_url(QueueName=dead_letter_queue)["QueueUrl"]),
    }


def rules_on(events, bus: str, queue_ids_by_arn: dict[str, str]) -> list[tuple[str, str]]:
    """(event pattern, target queue's manifest id) of every rule on the bus, in a stable order."""
    found = []
    for rule in events.list_rules(EventBusName=bus)["Rules"]:
        for target in events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]:
            pattern = json.dumps(json.loads(rule["EventPattern"]), sort_keys=True)
            found.append((pattern, queue_ids_by_arn.get(target["Arn"], target["Arn"])))
    return sorted(found)


@pytest.fixture
def deployed(dev, backend):
    """Logical id → physical id of the stack deployed into the emulator (deleted after)."""
    if not os.environ.get("AWS_ENDPOINT_URL"):
        pytest.skip("moto's CloudFormation answers HTTP 500 to this template: `make test` runs it on LocalStack")
    cloudformation = boto3.client("cloudformation", endpoint_url=backend.aws_endpoint_url)
    name = f"billing-stack-{secrets.token_hex(3)}"
    cloudformation.create_stack(StackName=name, TemplateBody=template_body(without_functions(dev.template)))
    try:
        cloudformation.get_waiter("stack_create_complete").wait(
            StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 180}
        )
        resources = cloudformation.describe_stack_resources(StackName=name)["StackResources"]
        yield {resource["LogicalResourceId"]: resource["PhysicalResourceId"] for resource in resources}
    finally:
        cloudformation.delete_stack(StackName=name)


def test_the_stacks_resources_deploy_as_the_local_ones_are_provisioned(dev, backend, deployed):
    def physical(construct) -> str:
        return deployed[dev.stack.resolve(dev.stack.get_logical_id(construct.node.default_child))]

    endpoint = backend.aws_endpoint_url
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint)
    for table in TABLES:
        stack_table = physical(dev.stack.storage.tables[table.id])
        assert table_shape(dynamodb, stack_table) == table_shape(dynamodb, backend.tables[table.id]), table.id

    sqs = boto3.client("sqs", endpoint_url=endpoint)

    def arn_of(url: str) -> str:
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    stack_queues = {queue.id: physical(dev.stack.messaging.queues[queue.id]) for queue in QUEUES}
    local_queues = {queue.id: backend.resources[f"queue:{queue.id}"] for queue in QUEUES}
    for queue in QUEUES:
        assert queue_shape(sqs, stack_queues[queue.id]) == queue_shape(sqs, local_queues[queue.id]), queue.id
    stack_ids = {arn_of(url): queue_id for queue_id, url in stack_queues.items()}
    local_ids = {arn_of(url): queue_id for queue_id, url in local_queues.items()}

    events = boto3.client("events", endpoint_url=endpoint)
    stack_bus = physical(dev.stack.messaging.bus)
    assert rules_on(events, stack_bus, stack_ids) == rules_on(events, backend.resources["bus"], local_ids)
    assert len(rules_on(events, stack_bus, stack_ids)) >= 1

    s3 = boto3.client("s3", endpoint_url=endpoint)
    s3.head_bucket(Bucket=physical(dev.stack.documents.bucket))
    secretsmanager = boto3.client("secretsmanager", endpoint_url=endpoint)
    assert secretsmanager.describe_secret(SecretId=physical(dev.stack.functions.stripe_keys))["ARN"]
