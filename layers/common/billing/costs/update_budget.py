"""Change a budget's name, limit, scope or thresholds; or delete it. Crossings already announced this
month stay announced (a raised threshold announces again only when reached anew next month)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from billing.accounts.access import Permission, Principal
from billing.batch import WriteBatch
from billing.conflicts import retried_on_conflict
from billing.costs.budgets import Budget, BudgetScope, Threshold
from billing.costs.create_budget import check_scope
from billing.costs.get_budget import get_budget

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


@retried_on_conflict
def update_budget(
    store: BillingStore,
    principal: Principal,
    account_id: str,
    budget_id: str,
    name: str | None = None,
    scope: BudgetScope | None = None,
    thresholds: Sequence[Threshold] | None = None,
    amount: int | None = None,
    quantity: Decimal | None = None,
) -> Budget:
    budget = get_budget(store, principal, account_id, budget_id, Permission.BILLING_MANAGE)
    if scope is not None:
        check_scope(store, budget.account_id, scope)
    limit_changed = amount is not None or quantity is not None
    updated = replace(  # validated again by the model
        budget,
        name=budget.name if name is None else name,
        scope=budget.scope if scope is None else scope,
        thresholds=budget.thresholds if thresholds is None else tuple(sorted(thresholds)),
        amount=amount if limit_changed else budget.amount,
        quantity=quantity if limit_changed else budget.quantity,
    )
    store.commit(WriteBatch(budgets=[updated]))
    return store.get_budget(budget_id) or updated


@retried_on_conflict
def delete_budget(store: BillingStore, principal: Principal, account_id: str, budget_id: str) -> None:
    budget = get_budget(store, principal, account_id, budget_id, Permission.BILLING_MANAGE)
    store.commit(WriteBatch(budgets=[replace(budget, deleted=True)]))
