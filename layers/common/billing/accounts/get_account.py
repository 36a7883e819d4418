from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.errors import ErrorCode, NotFoundError


def get_account(accounts: AccountRepository, principal: Principal, account_id: str) -> Account:
    require_access(principal, account_id, Permission.BILLING_READ)
    account = accounts.get(account_id)
    if account is None:
        raise NotFoundError(ErrorCode.ACCOUNT_NOT_FOUND, f"No account {account_id}.", "account_id")
    return account
