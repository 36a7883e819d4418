"""Set a monthly budget (or a usage alert) on an account, a subscription, a meter or a tag value."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from billing.accounts.access import Permission, Principal, require_access
from billing.batch import WriteBatch
from billing.costs.budgets import Budget, BudgetScope, Threshold
from billing.errors import ErrorCode, NotFoundError
from billing.ids import new_id
from billing.money import minor_unit_exponent

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


def create_budget(
    store: BillingStore,
    principal: Principal,
    now: datetime,
    account_id: str,
    name: str,
    currency: str,
    scope: BudgetScope,
    thresholds: Sequence[Threshold],
    amount: int | None = None,
    quantity: Decimal | None = None,
) -> Budget:
    require_access(principal, account_id, Permission.BILLING_MANAGE)
    check_scope(store, account_id, scope)
    minor_unit_exponent(currency)
    budget = Budget(
        id=new_id("budget"),
        account_id=account_id,
        name=name,
        currency=currency.upper(),
        scope=scope,
        thresholds=tuple(sorted(thresholds)),
        created=now,
        amount=amount,
        quantity=quantity,
        evaluated_at=now,
    )
    store.commit(WriteBatch(budgets=[budget]))
    return budget


def check_scope(store: BillingStore, account_id: str, scope: BudgetScope) -> None:
    if scope.subscription_id is None:
        return
    subscription = store.get_subscription(scope.subscription_id)
    if subscription is None or subscription.account_id != account_id:
        raise NotFoundError(
            ErrorCode.SUBSCRIPTION_NOT_FOUND, f"No subscription {scope.subscription_id}.", "scope.subscription"
        )
