"""The acceptance scripts against `make run`'s backend: the seed stories (local/replay_seed_stories.py) and
the local webhook receiver (local/receive_webhooks.py).

The backend runs in its own process, as `make run` starts it: the stories move its clock months ahead,
which the session's shared backend must not see.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests

from local.emulators import free_port
from local.replay_seed_stories import replay

OPERATOR_KEY = "bk_replay-seed-stories-operator-key"


@pytest.fixture(scope="module")
def running_backend():
    port = free_port()
    env = os.environ | {"BILLING_PORT": str(port), "BILLING_OPERATOR_KEY": OPERATOR_KEY}
    env.pop("AWS_ENDPOINT_URL", None)  # its own emulators, as on a newcomer's machine
    process = subprocess.Popen(
        [sys.executable, "-m", "local.run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{url}/_local/endpoints", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        assert process.poll() is None, "make run's backend stopped"
        assert time.monotonic() < deadline, "make run's backend did not start"
        time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=30)


def test_the_seed_stories_replay_with_their_amounts(running_backend, capsys):
    local = replay(running_backend, OPERATOR_KEY)
    printed = capsys.readouterr().out
    assert [label for label, held in local.checks if not held] == []
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
