"""``make run``: start the whole backend locally and wait for Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from local.backend import LocalBackend


def main() -> None:
    backend = LocalBackend(
        port=int(os.environ.get("BILLING_PORT", "3000")),
        operator_key=os.environ.get("BILLING_OPERATOR_KEY") or None,
        aws_endpoint=os.environ.get("BILLING_AWS_ENDPOINT") or None,
        # Two backends sharing one LocalStack keep apart by the names of their tables, queues and bus.
        table_prefix=os.environ.get("BILLING_RESOURCE_PREFIX") or "billing-local",
        tick_seconds=30.0,
        concurrency=int(os.environ.get("BILLING_CONCURRENCY", "4")),
        # Kept across a restart (even a killed one) when set: local/persistence.py.
        state_dir=os.environ.get("BILLING_STATE_DIR") or None,
    )
    stopping = threading.Event()
    signalled: list[float] = []

    def stop_soon(*_: object) -> None:
        signalled.append(time.monotonic())
        stopping.set()

    # Explicit handlers: a shell's background job starts with SIGINT ignored, and Ctrl-C must still work.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop_soon)
    backend.start()
    aws_label = "AWS (moto)" if backend.aws_endpoint is None else "AWS"
    print(
        f"""
Billing backend running locally.
  API            {backend.url}/v1
  OpenAPI        {backend.url}/v1/openapi.json
  Health         {backend.url}/v1/health
  Operator key   {backend.operator_key}
  {aws_label:<15}{backend.aws_endpoint_url}
  Stripe (fake)  {backend.stripe_endpoint_url}   (test card: pm_card_visa)
  Webhooks       {backend.url}/webhooks/stripe, signed with {backend.resources["stripe-webhook-secret"]}
  Clock          POST {backend.url}/_local/clock {{"advance_to": "2027-01-01T00:00:00Z"}} (local only)
  Emails sent    GET  {backend.url}/_local/emails?to=compta@exemple.fr (local only)
  Endpoints      GET  {backend.url}/_local/endpoints (the emulators' URLs, for scripts)

Try: curl -H "Authorization: Bearer {backend.operator_key}" {backend.url}/v1/openapi.json
Ctrl-C stops everything.""",
        flush=True,
    )
    try:
        while not stopping.wait(0.5):
            pass
    finally:
        took = backend.stop()
        since = f" {time.monotonic() - signalled[0]:.1f} s after the signal" if signalled else ""
        parts = ", ".join(f"{part} {seconds:.1f} s" for part, seconds in took.items())
        print(f"stopped{since} ({parts})", flush=True)
    # Everything started is stopped (and snapshotted when kept). What remains is moto's state in this
    # process: freeing it object by object at interpreter exit took 5-12 s past 1 GB, so leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
