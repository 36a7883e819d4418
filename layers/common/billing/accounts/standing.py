"""What an account may still do in each dunning state (Kill Bill's overdue states, whose `blockChanges`
and `blockBilling` are the anchor): a declaration the dunning policy carries and the use cases consult.

- ``warning``: nothing is blocked; the customer is told.
- ``restricted``: no new purchase (subscriptions) and no change of what is bought (plan, seats, items).
- ``suspended``: the same, and billing stops: subscriptions are not renewed (the ended period's usage and
  prorations are still invoiced: they were consumed), until the account is back in good standing.
Cancelling is never blocked: a customer in arrears may always stop the bleeding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from billing.accounts.models import Account, AccountStatus
from billing.errors import BusinessRuleError, ErrorCode


class Blocked(StrEnum):
    PURCHASES = "purchases"  # new subscriptions
    CHANGES = "changes"  # plan, seats, items, coupons, collection method of existing subscriptions
    BILLING = "billing"  # renewals: no new period is charged


@dataclass(frozen=True, slots=True)
class OverdueStates:
    """What each overdue state of an account blocks: new subscriptions, changes, renewals."""

    blocked: Mapping[AccountStatus, frozenset[Blocked]]

    def blocks(self, status: AccountStatus, what: Blocked) -> bool:
        return what in self.blocked.get(status, frozenset())


DEFAULT_OVERDUE_STATES = OverdueStates(
    {
        AccountStatus.ACTIVE: frozenset(),
        AccountStatus.WARNING: frozenset(),
        AccountStatus.RESTRICTED: frozenset({Blocked.PURCHASES, Blocked.CHANGES}),
        AccountStatus.SUSPENDED: frozenset({Blocked.PURCHASES, Blocked.CHANGES, Blocked.BILLING}),
    }
)

_REFUSALS = {
    Blocked.PURCHASES: "pay what is overdue before subscribing again",
    Blocked.CHANGES: "pay what is overdue before changing what you buy",
    Blocked.BILLING: "billing is stopped until what is overdue is paid",
}


def require_allowed(account: Account, what: Blocked, states: OverdueStates = DEFAULT_OVERDUE_STATES) -> None:
    if states.blocks(account.status, what):
        raise BusinessRuleError(
            ErrorCode.ACCOUNT_RESTRICTED,
            f"This account is {account.status.value}: {_REFUSALS[what]}.",
            "account",
        )
