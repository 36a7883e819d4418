"""The documents bucket: private, encrypted, versioned, TLS only; invoices locked 10 years in prod."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from infra.config import StageConfig
from infra.storage import Storage


class Documents(Construct):
    def __init__(self, scope: Construct, construct_id: str, config: StageConfig, storage: Storage) -> None:
        super().__init__(scope, construct_id)
        retention = config.document_retention_days
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=storage.key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            object_lock_enabled=retention is not None,
            object_lock_default_retention=_default_retention(config.document_lock, retention),
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
            auto_delete_objects=not config.retain_data,
            lifecycle_rules=[s3.LifecycleRule(prefix="exports/", expiration=Duration.days(7))],
        )
        NagSuppressions.add_resource_suppressions(
            self.bucket,
            [
                NagPackSuppression(
                    id="AwsSolutions-S1",
                    reason="Reads go through presigned URLs the API logs (who asked, for what); CloudTrail data events "
                    "can be enabled per stage for object-level audit.",
                )
            ],
            apply_to_children=True,
        )


def _default_retention(mode: str | None, days: int | None) -> s3.ObjectLockRetention | None:
    """The floor every object gets (a put names its own, later, date): COMPLIANCE in prod, which no one can
    shorten, not even the account's root; GOVERNANCE can be bypassed with a permission."""
    if not days or mode is None:
        return None
    if mode == "COMPLIANCE":
        return s3.ObjectLockRetention.compliance(Duration.days(days))
    return s3.ObjectLockRetention.governance(Duration.days(days))
