"""The account and API key repositories: round trips, stale saves, lookups by hash, revocation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from billing.accounts.access import Permission, Role
from billing.accounts.models import Account, AccountStatus, ApiKey
from billing.accounts.profile import BillingProfile
from billing.errors import ConflictError
from billing.ids import new_id
from billing.ports import PageRequest
from tests.builders import french_company

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


@pytest.fixture
def repositories(adapters):
    return adapters[0], adapters[1]


def test_an_account_round_trips(repositories):
    accounts, _ = repositories
    account = Account(id=new_id("acct"), profile=BillingProfile.model_validate(french_company()), created_at=NOW)
    accounts.add(account)
    stored = accounts.get(account.id)
    assert stored is not None
    assert (stored.profile, stored.created_at, stored.version) == (account.profile, NOW, 1)
    assert accounts.get("acct_missing") is None


def test_accounts_are_read_together_as_each_is_read_alone(repositories):
    accounts, _ = repositories
    made = [
        Account(id=new_id("acct"), profile=BillingProfile.model_validate(french_company()), created_at=NOW)
        for _ in range(3)
    ]
    for account in made:
        accounts.add(account)
    saved = accounts.save(replace(accounts.get(made[0].id), status=AccountStatus.WARNING))
    ids = [a.id for a in made] + [made[1].id, "acct_missing"]
    assert accounts.get_accounts(ids) == {a.id: accounts.get(a.id) for a in made}
    assert accounts.get_accounts(ids)[saved.id].status is AccountStatus.WARNING
    assert accounts.get_accounts([]) == {}


def test_a_stale_save_is_a_conflict(repositories):
    accounts, _ = repositories
    account = Account(id=new_id("acct"), profile=BillingProfile.model_validate(french_company()), created_at=NOW)
    accounts.add(account)
    read_by_a = accounts.get(account.id)
    read_by_b = accounts.get(account.id)
    accounts.save(replace(read_by_a, profile=read_by_a.profile.model_copy(update={"legal_name": "A"})))
    with pytest.raises(ConflictError):
        accounts.save(replace(read_by_b, profile=read_by_b.profile.model_copy(update={"legal_name": "B"})))
    assert accounts.get(account.id).profile.legal_name == "A"


def test_keys_are_found_by_hash_listed_and_removed_together(repositories):
    _, keys = repositories
    account_id = new_id("acct")
    key = ApiKey(
        id=new_id("key"),
        role=Role.MEMBER,
        permissions=frozenset({Permission.BILLING_READ}),
        created_at=NOW,
        last4="abcd",
        secret_hash="f" * 64,
        account_id=account_id,
        name="reporting",
    )
    keys.add_key(key)
    assert keys.find_by_hash("f" * 64) == key
    assert keys.get_key(account_id, key.id) == key
    assert keys.list_keys(account_id) == [key]
    keys.remove_key(key)
    assert keys.find_by_hash("f" * 64) is None
    assert keys.list_keys(account_id) == []
    keys.remove_key(key)  # revoking twice is not an error


def test_accounts_are_listed_newest_first_and_filtered_by_status_and_email(repositories):
    accounts, _ = repositories
    email = f"{new_id('x')}@Listing.example"
    made = []
    for minute in range(3):
        profile = BillingProfile.model_validate(french_company(billing_email=email))
        account = Account(id=new_id("acct"), profile=profile, created_at=NOW.replace(minute=minute))
        accounts.add(account)
        made.append(account.id)
    suspended = accounts.get(made[0])
    accounts.save(replace(suspended, status=AccountStatus.SUSPENDED))
    found, cursor = [], None
    while True:  # a filtered page may be short or empty and still have a next one
        page = accounts.list_accounts(PageRequest(limit=50, cursor=cursor), email=email.lower())
        found += [a.id for a in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert found == made[::-1]
    page = accounts.list_accounts(PageRequest(limit=1000), status="suspended", email=email.upper())
    assert [a.id for a in page.items] == [made[0]]
