"""One budget, or an account's budgets, for whoever may read that account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from billing.accounts.access import Permission, Principal, require_access
from billing.costs.budgets import Budget
from billing.errors import ErrorCode, NotFoundError

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


def get_budget(
    store: BillingStore,
    principal: Principal,
    account_id: str,
    budget_id: str,
    permission: Permission = Permission.BILLING_READ,
) -> Budget:
    """The account's budget; another account's, or a deleted one, does not exist for the caller."""
    budget = store.get_budget(budget_id)
    if budget is None or budget.deleted or budget.account_id != account_id:
        raise NotFoundError(ErrorCode.BUDGET_NOT_FOUND, f"No budget {budget_id}.", "budget_id")
    try:
        require_access(principal, budget.account_id, permission)
    except NotFoundError as error:  # another account's: it does not exist for this caller
        raise NotFoundError(ErrorCode.BUDGET_NOT_FOUND, f"No budget {budget_id}.", "budget_id") from error
    return budget


def list_budgets(store: BillingStore, principal: Principal, account_id: str) -> list[Budget]:
    require_access(principal, account_id, Permission.BILLING_READ)
    return [budget for budget in store.list_budgets(account_id) if not budget.deleted]
