from __future__ import annotations

from billing.accounts.access import Principal, require_operator
from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.accounts.profile import BillingProfile
from billing.clock import Clock
from billing.ids import new_id


def create_account(accounts: AccountRepository, clock: Clock, principal: Principal, profile: BillingProfile) -> Account:
    """Open a billable account (operators only: customers are onboarded by the seller)."""
    require_operator(principal)
    account = Account(id=new_id("acct"), profile=profile, created_at=clock.now())
    accounts.add(account)
    return account
