import pytest

from billing.accounts.access import Permission, Principal, Role, require_access, require_operator
from billing.errors import ForbiddenError, NotFoundError

READ, MANAGE = Permission.BILLING_READ, Permission.BILLING_MANAGE


def member(*permissions: Permission) -> Principal:
    return Principal(role=Role.MEMBER, key_id="key_m", account_id="acct_a", permissions=frozenset(permissions))


@pytest.mark.parametrize(
    ("principal", "needs", "outcome"),
    [
        (Principal(role=Role.OPERATOR, key_id="k"), MANAGE, None),
        (Principal(role=Role.OWNER, key_id="k", account_id="acct_a"), MANAGE, None),
        (member(READ), READ, None),
        (member(READ), MANAGE, ForbiddenError),
        (member(MANAGE), READ, None),
        (member(), READ, ForbiddenError),
    ],
)
def test_permissions_on_the_own_account(principal, needs, outcome):
    if outcome is None:
        require_access(principal, "acct_a", needs)
    else:
        with pytest.raises(outcome):
            require_access(principal, "acct_a", needs)


@pytest.mark.parametrize("role", [Role.OWNER, Role.MEMBER])
def test_another_accounts_objects_do_not_exist(role):
    principal = Principal(role=role, key_id="k", account_id="acct_b", permissions=frozenset(Permission))
    with pytest.raises(NotFoundError) as caught:
        require_access(principal, "acct_a", READ)
    assert caught.value.code == "account_not_found"


def test_operator_only_actions():
    require_operator(Principal(role=Role.OPERATOR, key_id="k"))
    with pytest.raises(ForbiddenError):
        require_operator(Principal(role=Role.OWNER, key_id="k", account_id="acct_a"))
