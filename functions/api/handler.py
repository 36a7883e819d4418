"""REST API entry point: API Gateway proxy event in, proxy response out."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.observability import logger, metrics

Resolve = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


@cache
def compose() -> Resolve:
    # Built on the first invocation, not at import (billing/composition.py says how, for every function).
    from billing import composition

    return composition.api()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return compose()(event, context)
