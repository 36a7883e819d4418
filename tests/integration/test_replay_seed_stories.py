"""The acceptance scripts against `make run`'s backend (``running_backend``, its own process: the stories
move its clock months ahead): the seed stories (local/replay_seed_stories.py) and the local webhook
receiver (local/receive_webhooks.py).
"""

from __future__ import annotations

import os
import subprocess
import sys

from local.replay_seed_stories import replay
from tests.integration.conftest import OPERATOR_KEY


def test_the_seed_stories_replay_with_their_amounts(running_backend, capsys):
    local = replay(running_backend, OPERATOR_KEY)
    printed = capsys.readouterr().out
    assert [label for label, held in local.checks if not held] == [], printed  # the tour's lines tell where
    assert len(local.checks) == 10
    for figure in ("26,00\xa0€", "151,20\xa0€", "20,00\xa0€", "91,00\xa0€"):
        assert figure in printed


def test_make_webhooks_receives_a_renewal_and_two_payments_verified(running_backend):
    env = os.environ | {"BILLING_OPERATOR_KEY": OPERATOR_KEY}
    run = subprocess.run(
        [sys.executable, "-m", "local.receive_webhooks", "--url", running_backend],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SIGNATURE WRONG" not in run.stdout
    for kind in ("subscription.renewed", "payment.succeeded", "invoice.paid"):
        assert f"{kind}" in run.stdout
    assert run.stdout.count("signature ok") >= 12
