"""Documents in the private, encrypted S3 bucket; downloads through short-lived presigned URLs."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import boto3

PRESIGNED_SECONDS = 300


class S3Documents:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    @cached_property
    def _client(self) -> Any:
        return boto3.client("s3")

    def put(self, key: str, body: bytes, content_type: str = "application/pdf") -> None:
        self._client.put_object(
            Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, ServerSideEncryption="aws:kms"
        )

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
