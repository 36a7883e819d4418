"""The local backend, shared by every tier that needs the emulators (integration, infra's bundle test)."""

from __future__ import annotations

import os
import secrets

import pytest

from local.backend import LocalBackend


@pytest.fixture(scope="session")
def backend():
    """One local backend per test session: moto (or the LocalStack at AWS_ENDPOINT_URL) and localstripe."""
    started = LocalBackend(
        aws_endpoint=os.environ.get("AWS_ENDPOINT_URL") or None,
        table_prefix=f"billing-test-{secrets.token_hex(3)}",
    ).start()
    yield started
    started.stop()
