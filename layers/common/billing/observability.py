"""Powertools logger, metrics and tracer shared by every function.

The service name comes from ``POWERTOOLS_SERVICE_NAME``, set per function by the stack (and by the local
runtime); the metrics namespace is the product's, fixed here so a missing variable cannot make a
metric flush fail.
Logger and metrics are cheap and decorate handlers at import; the tracer loads the X-Ray SDK, so the API
builds it in its composition step, on first invocation, and patches only what it calls: botocore (every AWS
call, pynamodb's included) at once, and requests (Stripe's HTTP client) when a payment route first needs
Stripe. Patching everything X-Ray knows imported requests into every cold start (~30 ms) for nothing.
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger, Metrics

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

# A read-only request has no business metric to flush; that is expected, not worth a warning per call.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)

logger = Logger()
metrics = Metrics(namespace="Billing")


@cache
def tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer(patch_modules=["botocore"])
