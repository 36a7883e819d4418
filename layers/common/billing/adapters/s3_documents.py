"""Documents in the private, encrypted S3 bucket; downloads through short-lived presigned URLs."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Any

from botocore.exceptions import ClientError

from billing.adapters.aws_clients import aws_client

PRESIGNED_SECONDS = 300


class S3Documents:
    def __init__(self, bucket: str, lock_mode: str | None = None) -> None:
        self.bucket = bucket
        self.lock_mode = lock_mode  # COMPLIANCE in prod: no one, root included, deletes a document before its date

    @cached_property
    def _client(self) -> Any:
        return aws_client("s3")

    def put(self, key: str, body: bytes, content_type: str = "application/pdf") -> None:
        self._client.put_object(
            Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, ServerSideEncryption="aws:kms"
        )

    def put_once(self, key: str, body: bytes, content_type: str, keep_until: datetime) -> bytes:
        lock = {"ObjectLockMode": self.lock_mode, "ObjectLockRetainUntilDate": keep_until} if self.lock_mode else {}
        try:
            self._client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                ServerSideEncryption="aws:kms",
                IfNoneMatch="*",  # S3's conditional write: refused if the key exists
                **lock,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "PreconditionFailed":
                raise
            return self.get(key)  # stored by an earlier run: that copy is the document
        return body

    def get(self, key: str) -> bytes:
        body: bytes = self._client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def url(self, key: str, filename: str) -> str:
        url: str = self._client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
            },
            ExpiresIn=PRESIGNED_SECONDS,
        )
        return url
