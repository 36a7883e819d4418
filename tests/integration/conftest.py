"""One local backend per test session: moto (or the LocalStack at AWS_ENDPOINT_URL) and localstripe."""

from __future__ import annotations

import os
import secrets

import pytest
import requests

from local.backend import LocalBackend


@pytest.fixture(scope="session")
def backend():
    # With AWS_ENDPOINT_URL set (a LocalStack), the same suite runs there instead of in moto.
    started = LocalBackend(
        aws_endpoint=os.environ.get("AWS_ENDPOINT_URL") or None,
        table_prefix=f"billing-test-{secrets.token_hex(3)}",
    ).start()
    yield started
    started.stop()


class Client:
    def __init__(self, base_url: str, key: str | None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        if key:
            self.session.headers["Authorization"] = f"Bearer {key}"

    def __getattr__(self, method: str):
        def call(path: str, **kwargs) -> requests.Response:
            return self.session.request(method.upper(), self.base_url + path, timeout=30, **kwargs)

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
