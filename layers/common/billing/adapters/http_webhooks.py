"""POSTs to sellers' webhook endpoints through urllib3 (botocore's own HTTP library, already in the layer).

A short timeout, no redirects followed (a moved endpoint must be re-registered), and no retry here:
retries are the delivery's business, days apart, recorded attempt by attempt.
"""

from __future__ import annotations

import time
from functools import cached_property

import urllib3

from billing.webhooks.ports import Answer

TIMEOUT_S = 10.0  # Stripe waits about as long before counting a delivery as failed


class HttpWebhookSender:
    def __init__(self, timeout_s: float = TIMEOUT_S) -> None:
        self.timeout_s = timeout_s

    @cached_property
    def _pool(self) -> urllib3.PoolManager:
        return urllib3.PoolManager(timeout=urllib3.Timeout(total=self.timeout_s), retries=False)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        started = time.monotonic()
        try:
            response = self._pool.request("POST", url, body=body, headers=headers, redirect=False)
        except urllib3.exceptions.HTTPError as failure:
            return Answer(None, f"no answer: {type(failure).__name__}", _ms(started))
        refused = None if 200 <= response.status < 300 else f"answered {response.status}"
        return Answer(response.status, refused, _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
