"""HTTP clients of the session's local backend (tests/conftest.py starts it) and the event tap."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time

import pytest
import requests

from local.emulators import free_port


class Client:
    def __init__(self, base_url: str, key: str | None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        if key:
            self.session.headers["Authorization"] = f"Bearer {key}"

    def __getattr__(self, method: str):
        def call(path: str, **kwargs) -> requests.Response:
            kwargs.setdefault("timeout", 30)
            return self.session.request(method.upper(), self.base_url + path, **kwargs)

        return call


@pytest.fixture(scope="session")
def as_operator(backend) -> Client:
    return Client(backend.url, backend.operator_key)


@pytest.fixture(scope="session")
def anonymous(backend) -> Client:
    return Client(backend.url, None)


@pytest.fixture(scope="session")
def client_for(backend):
    return lambda key: Client(backend.url, key)


@pytest.fixture(scope="session")
def server_now(backend):
    """The backend's clock (it moves forward with POST /_local/clock), for timestamps the API accepts."""
    return backend.triggers.clock.now


@pytest.fixture(scope="session")
def event_tap(backend):
    """Every domain event published on the bus, read from a queue a test-only rule feeds."""
    import json

    import boto3

    sqs = boto3.client("sqs", endpoint_url=backend.aws_endpoint_url)
    events = boto3.client("events", endpoint_url=backend.aws_endpoint_url)
    url = sqs.create_queue(QueueName=f"{backend.table_prefix}-tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = backend.resources["bus"]
    events.put_rule(
        Name=f"{backend.table_prefix}-tap", EventBusName=bus, EventPattern=json.dumps({"source": ["billing"]})
    )
    events.put_targets(Rule=f"{backend.table_prefix}-tap", EventBusName=bus, Targets=[{"Id": "tap", "Arn": arn}])
    seen: list[dict] = []

    def read() -> list[dict]:
        while True:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return seen
            for message in messages:
                seen.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    return read


OPERATOR_KEY = "bk_replay-seed-stories-operator-key"


@pytest.fixture(scope="module")
def running_backend():
    """A backend in its own process, as `make run` starts it, for tests that move its clock: the session's
    shared backend must not see time jump."""
    port = free_port()
    env = os.environ | {"BILLING_PORT": str(port), "BILLING_OPERATOR_KEY": OPERATOR_KEY}
    shared_aws = env.pop("AWS_ENDPOINT_URL", None)  # else its own moto, as on a newcomer's machine
    if shared_aws:  # the suite's LocalStack, under names of its own
        env |= {"BILLING_AWS_ENDPOINT": shared_aws, "BILLING_RESOURCE_PREFIX": f"billing-run-{secrets.token_hex(3)}"}
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
