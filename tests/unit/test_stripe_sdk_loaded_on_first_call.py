"""The payments function loads Stripe's SDK (~40 ms of a cold start, with ``requests`` and ``asyncio``) only
when it first calls Stripe: the events it reads most (payment intents, setups) are plain dicts.

Checked in a fresh interpreter, since this test session has long imported ``stripe``.
"""

from __future__ import annotations

import json
import subprocess
import sys

READ_THEN_CALL = """
import json, sys
from billing.adapters.stripe_payments import StripeGateway

gateway = StripeGateway(lambda: ("sk_test_local", "whsec_local"), "http://127.0.0.1:9")
intent = gateway.intent_from({
    "id": "pi_1", "object": "payment_intent", "status": "succeeded", "amount": 1200, "currency": "eur",
    "payment_method": {"id": "pm_1", "type": "card"},
    "metadata": {"payment": "pay_1", "account": "acc_1", "invoice": "in_1", "attempt": "2"},
})
setup = gateway.setup_from({"id": "seti_1", "status": "succeeded", "customer": "cus_1", "payment_method": "pm_1",
                            "metadata": {"account": "acc_1"}})
read = sorted(m for m in ("stripe", "requests") if m in sys.modules)
gateway._client  # what the first Stripe call builds
called = sorted(m for m in ("stripe", "requests") if m in sys.modules)
print(json.dumps({"read": read, "called": called, "intent": [intent.payment_id, intent.attempt, intent.method_type],
                  "setup": [setup.account_id, setup.method_id, setup.succeeded]}))
"""


def test_reading_stripe_events_leaves_the_sdk_unloaded_until_the_first_call():
    run = subprocess.run([sys.executable, "-c", READ_THEN_CALL], capture_output=True, text=True, check=True)
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    assert seen["intent"] == ["pay_1", 2, "card"]
    assert seen["setup"] == ["acc_1", "pm_1", True]
    assert seen["read"] == []
    assert seen["called"] == ["requests", "stripe"]
