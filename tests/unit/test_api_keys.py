from datetime import UTC, datetime

import pytest

from billing.accounts.access import Permission, Principal, Role
from billing.accounts.authenticate import authenticate
from billing.accounts.issue_api_key import issue_api_key, issue_operator_key
from billing.accounts.list_api_keys import list_api_keys
from billing.accounts.revoke_api_key import revoke_api_key
from billing.clock import FixedClock
from billing.errors import AuthenticationError, ForbiddenError, InvalidInputError, NotFoundError
from tests.fakes import InMemoryKeys, InMemoryPortalSessions

CLOCK = FixedClock(datetime(2026, 3, 1, tzinfo=UTC))
OPERATOR = Principal(role=Role.OPERATOR, key_id="key_op")


def owner_of(account_id: str) -> Principal:
    return Principal(role=Role.OWNER, key_id="key_owner", account_id=account_id, permissions=frozenset(Permission))


def test_an_issued_key_authenticates_as_its_role_and_account():
    keys = InMemoryKeys()
    issued = issue_api_key(keys, CLOCK, OPERATOR, "acct_a", Role.MEMBER, [Permission.BILLING_READ], "ci")
    principal = authenticate(keys, f"Bearer {issued.secret}")
    assert principal == Principal(
        role=Role.MEMBER, key_id=issued.key.id, account_id="acct_a", permissions=frozenset({Permission.BILLING_READ})
    )
    assert issued.secret not in repr(issued.key)
    assert issued.key.last4 == issued.secret[-4:]


def test_the_secret_is_stored_only_as_a_hash():
    keys = InMemoryKeys()
    issued = issue_api_key(keys, CLOCK, OPERATOR, "acct_a", Role.OWNER)
    stored = next(iter(keys.by_hash.values()))
    assert issued.secret not in {stored.secret_hash, *keys.by_hash}
    assert stored.permissions == frozenset(Permission)


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Basic abc", "Bearer bk_unknown", "bk_x", "Bearer " + "bk_" * 80]
)
def test_missing_malformed_or_unknown_keys_are_refused(header):
    with pytest.raises(AuthenticationError):
        authenticate(InMemoryKeys(), header)


def test_a_revoked_key_stops_authenticating_at_once():
    keys = InMemoryKeys()
    issued = issue_api_key(keys, CLOCK, owner_of("acct_a"), "acct_a", Role.MEMBER, [Permission.BILLING_MANAGE])
    revoke_api_key(keys, InMemoryPortalSessions(), CLOCK, owner_of("acct_a"), "acct_a", issued.key.id)
    with pytest.raises(AuthenticationError):
        authenticate(keys, f"Bearer {issued.secret}")
    with pytest.raises(NotFoundError):
        revoke_api_key(keys, InMemoryPortalSessions(), CLOCK, owner_of("acct_a"), "acct_a", issued.key.id)


def test_only_owners_and_operators_manage_keys_and_only_their_own():
    keys = InMemoryKeys()
    member = Principal(
        role=Role.MEMBER, key_id="key_m", account_id="acct_a", permissions=frozenset({Permission.BILLING_MANAGE})
    )
    with pytest.raises(ForbiddenError):
        issue_api_key(keys, CLOCK, member, "acct_a", Role.MEMBER, [Permission.BILLING_READ])
    with pytest.raises(NotFoundError):
        issue_api_key(keys, CLOCK, owner_of("acct_b"), "acct_a", Role.OWNER)
    with pytest.raises(NotFoundError):
        list_api_keys(keys, owner_of("acct_b"), "acct_a")
    assert keys.by_hash == {}


def test_member_keys_need_permissions_and_nobody_mints_operator_keys_through_the_api():
    keys = InMemoryKeys()
    with pytest.raises(InvalidInputError) as missing:
        issue_api_key(keys, CLOCK, OPERATOR, "acct_a", Role.MEMBER, [])
    assert missing.value.param == "permissions"
    with pytest.raises(InvalidInputError):
        issue_api_key(keys, CLOCK, OPERATOR, "acct_a", Role.OPERATOR)


def test_an_operator_key_can_be_bootstrapped_with_a_chosen_secret():
    keys = InMemoryKeys()
    issued = issue_operator_key(keys, CLOCK, "bk_local-operator-key-0001")
    assert authenticate(keys, "Bearer bk_local-operator-key-0001").is_operator
    assert issued.key.account_id is None
