from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.accounts.get_account import get_account
from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.accounts.profile import BillingProfileChanges
from billing.conflicts import retried_on_conflict


@retried_on_conflict
def update_account(
    accounts: AccountRepository, principal: Principal, account_id: str, changes: BillingProfileChanges
) -> Account:
    """Apply a partial profile change; a concurrent change makes this one fail with a conflict."""
    require_access(principal, account_id, Permission.BILLING_MANAGE)
    account = get_account(accounts, principal, account_id)
    return accounts.save(account.with_profile(changes.apply_to(account.profile)))
