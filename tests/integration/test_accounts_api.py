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
