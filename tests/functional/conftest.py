"""The functional tier: every use case through the whole backend in one process, on the fakes.

No socket may open here (pytest-socket): what needs the emulators (transactions, conditions, indexes,
signatures over HTTP) is tested in tests/contracts and tests/integration.
"""

from __future__ import annotations

from functools import cache

import pytest
from pytest_socket import disable_socket, enable_socket

from billing.accounts.issue_api_key import issue_operator_key
from billing.clock import SystemClock
from billing.events import FIELDS
from tests.functional.world import Client, World


@pytest.fixture(autouse=True)
def _no_network():
    disable_socket()
    yield
    enable_socket()


@pytest.fixture
def world() -> World:
    # Today, not a fixed date: tests that build usage timestamps from the real clock stay in range.
    return World(SystemClock().now())


@pytest.fixture
def as_operator(world) -> Client:
    return Client(world, issue_operator_key(world.keys, world.clock).secret)


@pytest.fixture
def anonymous(world) -> Client:
    return Client(world, None)


@pytest.fixture
def client_for(world):
    return lambda secret: Client(world, secret)


@pytest.fixture
def server_now(world):
    return world.clock.now


@pytest.fixture
def event_tap(world):
    return world.event_log


_JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "date-time": str, "null": type(None)}


@pytest.fixture(autouse=True)
def every_event_matches_its_declared_shape(world):
    """After each test, every event it published carries only declared fields, of their declared types
    (billing/events.py FIELDS: docs/events.md and the OpenAPI webhooks are generated from it)."""
    yield
    for event in world.publisher.published:
        declared = FIELDS[event.type]
        undeclared = set(event.detail) - set(declared)
        assert not undeclared, f"{event.type} carries undeclared {sorted(undeclared)}: declare them in FIELDS"
        for name, value in event.detail.items():
            allowed = tuple(_JSON_TYPES[t] for t in declared[name][0].split("|"))
            assert isinstance(value, allowed), (event.type, name, value)
            assert not isinstance(value, bool) or bool in allowed, (event.type, name, value)  # bool is an int


@cache
def _documented_codes() -> dict[tuple[str, str], frozenset[str]]:
    from billing.http.app import build_app
    from billing.http.system import GENERIC_CODES, document
    from billing.settings import ApiSettings

    paths = document(build_app(ApiSettings(table="memory", idempotency_table="memory")))["paths"]
    return {
        (method.upper(), path): frozenset(operation.get("x-problem-codes", ())) | frozenset(GENERIC_CODES)
        for path, item in paths.items()
        for method, operation in item.items()
    }


@pytest.fixture(autouse=True)
def every_refusal_is_listed_for_its_operation(world):
    """After each test, every problem code an operation answered is one its documentation lists (the
    route docstring's "Errors:", in the OpenAPI document's x-problem-codes) or one any operation may."""
    yield
    documented = _documented_codes()
    unlisted = sorted(
        f"{method} {path}: {code}"
        for method, path, code in world.problems_answered
        if (method, path) in documented and code not in documented[(method, path)]
    )
    assert unlisted == [], f"add these to the route's docstring (Errors:): {unlisted}"
