"""Accounts over HTTP on the emulators: what only a real table shows (concurrent conditional writes)."""

from __future__ import annotations

import threading

import pytest

from tests.functional.test_accounts_api import new_account, new_key

pytestmark = pytest.mark.integration


def test_concurrent_profile_updates_never_lose_a_write(as_operator, client_for):
    """Each PATCH either lands on the version it read or answers 409; none is silently overwritten."""
    account = new_account(as_operator)
    owner = client_for(new_key(as_operator, account["id"])["secret"])
    results: list[int] = []

    def patch(n: int) -> None:
        response = owner.patch(f"/v1/accounts/{account['id']}", json={"legal_name": f"Exemple {n}"})
        results.append(response.status_code)

    threads = [threading.Thread(target=patch, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results) <= {200, 409}
    assert results.count(200) >= 1


def test_a_portal_session_through_the_gateways_authorizer(as_operator, anonymous, client_for, backend):
    """The link from POST /v1/portal_sessions, opened by the page, gives a bearer the deployed authorizer
    accepts for its account only; two pages racing to open one link get one session."""
    account = new_account(as_operator)
    other = new_account(as_operator)
    created = as_operator.post("/v1/portal_sessions", json={"account": account["id"]})
    assert created.status_code == 201, created.text
    assert created.json()["url"].startswith(f"{backend.url}/portal/#session=bpl_")
    token = created.json()["url"].split("#session=", 1)[1]
    answers: list = []
    racers = [
        threading.Thread(target=lambda: answers.append(anonymous.post("/portal/session", json={"token": token})))
        for _ in range(4)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(answer.status_code for answer in answers) == [200, 400, 400, 400]
    portal = client_for(next(answer for answer in answers if answer.status_code == 200).json()["secret"])
    assert portal.get(f"/v1/accounts/{account['id']}").json()["id"] == account["id"]
    assert portal.get(f"/v1/accounts/{other['id']}").status_code == 404
    session_id = created.json()["id"]
    assert portal.delete(f"/v1/accounts/{account['id']}/portal_sessions/{session_id}").status_code == 204
    assert portal.get(f"/v1/accounts/{account['id']}").status_code == 401
