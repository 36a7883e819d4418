"""``Idempotency-Key`` for POSTs through Powertools' idempotency utility and its DynamoDB table.

Same key and same body answer the stored response; same key with another body is a 409. Records live
24 hours, like Stripe's keys. A call that raises stores nothing, so it can be retried with the same key.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from billing.errors import ConflictError, ErrorCode

StoredResponse = dict[str, Any]


class PowertoolsIdempotency:
    def __init__(self, table_name: str, ttl_seconds: int = 86_400) -> None:
        self._table_name = table_name
        self._ttl_seconds = ttl_seconds
        self._context: Any = None

    @cached_property
    def _config(self) -> Any:
        # Powertools' idempotency package is imported on the first keyed POST: importing it loads boto3 and
        # its persistence layers (~30 ms of a cold start), and its DynamoDB client costs ~60 ms more; reads
        # and GETs never need either.
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

        config = IdempotencyConfig(
            event_key_jmespath="[scope, key]",
            payload_validation_jmespath="body",
            expires_after_seconds=self._ttl_seconds,
            raise_on_no_idempotency_key=True,
        )
        if self._context is not None:
            config.register_lambda_context(self._context)
        return config

    @cached_property
    def _once(self) -> Callable[..., StoredResponse]:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, idempotent_function

        persistence = DynamoDBPersistenceLayer(table_name=self._table_name)

        @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=self._config)
        def once(request: dict[str, Any], compute: Callable[[], StoredResponse]) -> StoredResponse:
            return compute()

        return once

    def register_lambda_context(self, context: Any) -> None:
        """Let an in-progress record expire with the invocation that wrote it (a crash frees the key)."""
        self._context = context
        if "_config" in self.__dict__:
            self._config.register_lambda_context(context)

    def run(self, scope: str, key: str, body: Any, compute: Callable[[], StoredResponse]) -> StoredResponse:
        """Run ``compute`` once per (scope, key); ``compute`` returns a JSON-serializable response."""
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyValidationError,
        )

        try:
            result: StoredResponse = self._once(request={"scope": scope, "key": key, "body": body}, compute=compute)
        except IdempotencyValidationError as error:
            raise ConflictError(
                ErrorCode.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was used with another request body.",
                "Idempotency-Key",
            ) from error
        except IdempotencyAlreadyInProgressError as error:
            raise ConflictError(
                ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
                "A request with this Idempotency-Key is still running; retry shortly.",
                "Idempotency-Key",
            ) from error
        return result
