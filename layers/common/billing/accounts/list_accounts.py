"""Every account, for operators: newest first, by dunning status or billing email."""

from __future__ import annotations

from billing.accounts.access import Principal, require_operator
from billing.accounts.models import Account, AccountStatus
from billing.accounts.ports import AccountRepository
from billing.ports import Page, PageRequest


def list_accounts(
    accounts: AccountRepository,
    principal: Principal,
    page: PageRequest,
    status: AccountStatus | None = None,
    email: str | None = None,
) -> Page[Account]:
    require_operator(principal)
    return accounts.list_accounts(page, status.value if status else None, email)
