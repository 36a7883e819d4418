"""Powertools logger, metrics and tracer shared by every function.

The service name comes from ``POWERTOOLS_SERVICE_NAME``, set per function by the stack (and by the local
runtime); the metrics namespace is the product's, fixed here so a missing variable cannot make a
metric flush fail.
Logger and metrics are cheap (about 100 ms here) and decorate handlers at import; the tracer loads the
X-Ray SDK (about 600 ms here), so functions build it in their composition step, on first invocation.
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

    return Tracer()
