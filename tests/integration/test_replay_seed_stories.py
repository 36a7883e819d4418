"""The acceptance script of the seed stories (local/replay_seed_stories.py) against `make run`'s backend.

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


@pytest.fixture
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
