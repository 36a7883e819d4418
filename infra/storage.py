"""DynamoDB tables from the manifest: on-demand, PITR, deletion protection, customer-managed KMS key."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from infra.config import StageConfig
from infra.manifest import TABLES


def _attribute(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        removal = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY
        self.key = kms.Key(self, "DataKey", enable_key_rotation=True, removal_policy=removal)
        self.tables: dict[str, dynamodb.TableV2] = {}
        for declared in TABLES:
            table = dynamodb.TableV2(
                self,
                f"{declared.id}Table",
                partition_key=_attribute(declared.partition_key),
                sort_key=_attribute(declared.sort_key) if declared.sort_key else None,
                billing=dynamodb.Billing.on_demand(),
                encryption=dynamodb.TableEncryptionV2.customer_managed_key(self.key),
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=True
                ),
                deletion_protection=config.retain_data,
                time_to_live_attribute=declared.ttl_attribute,
                removal_policy=removal,
                global_secondary_indexes=[
                    dynamodb.GlobalSecondaryIndexPropsV2(
                        index_name=index.name,
                        partition_key=_attribute(index.partition_key),
                        sort_key=_attribute(index.sort_key),
                        projection_type=dynamodb.ProjectionType.KEYS_ONLY
                        if index.keys_only
                        else dynamodb.ProjectionType.ALL,
                    )
                    for index in declared.indexes
                ],
            )
            self.tables[declared.id] = table
