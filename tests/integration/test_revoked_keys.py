"""A revoked key opens nothing: every authorized route, called with it through the gateway and its
authorizer, answers 401 ``invalid_api_key`` at once (no cache keeps a revoked key alive)."""

from __future__ import annotations

import re

import pytest

from infra.manifest import ROUTES
from tests.api_setup import new_customer, ok

pytestmark = pytest.mark.integration


def test_a_revoked_key_gets_401_on_every_route(as_operator, client_for, properties):
    account, owner = new_customer(as_operator, client_for)
    issued = ok(as_operator.post(f"/v1/accounts/{account['id']}/api_keys", json={"role": "owner"}), 201)
    revoked = client_for(issued["secret"])
    assert ok(revoked.get(f"/v1/accounts/{account['id']}"))["id"] == account["id"]  # it worked before
    ok(owner.delete(f"/v1/accounts/{account['id']}/api_keys/{issued['id']}"))
    routes = [route for route in ROUTES if route.authorized]
    properties.load("a revoked key: 401 everywhere", f"every authorized route ({len(routes)}), right after revoking")
    for route in routes:
        path = re.sub(r"\{account_id\}", account["id"], route.path)
        path = re.sub(r"\{(\w+)\}", lambda found: f"{found.group(1).split('_')[0]}_0000", path)
        answer = getattr(revoked, route.method.lower())(path, json={} if route.method != "GET" else None)
        refused = (answer.status_code, answer.json().get("code")) == (401, "invalid_api_key")
        properties.check("a revoked key: 401 everywhere", refused, f"{route.method} {path}: {answer.status_code}")
    properties.verify()
