"""Where budgets are read (written through the store's WriteBatch, like every billing object)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from billing.costs.budgets import Budget


class BudgetStore(Protocol):
    def get_budget(self, budget_id: str) -> Budget | None: ...
    def list_budgets(self, account_id: str) -> list[Budget]:
        """The account's budgets, deleted ones included (a handful: one Query)."""
        ...
