"""The account balance as the API shows it."""

from __future__ import annotations

from dataclasses import dataclass

from billing.accounts.access import Permission, Principal, require_access
from billing.ledger.account_ledger import AccountLedger
from billing.ledger.ports import LedgerStore

DEFAULT_CURRENCY = "EUR"


@dataclass(frozen=True, slots=True)
class Balance:
    """Where an account stands in one currency: what it owes and the credit it can use."""

    currency: str
    balance: int  # what the account owes (negative: credit in its favour)
    credit_available: int
    amount_owed: int


def read_ledger(store: LedgerStore, principal: Principal, account_id: str) -> AccountLedger:
    require_access(principal, account_id, Permission.BILLING_READ)
    ledger, _ = store.ledger(account_id, DEFAULT_CURRENCY)
    return ledger


def balance_of(ledger: AccountLedger) -> Balance:
    return Balance(ledger.currency, ledger.balance(), ledger.credit_available(), ledger.amount_owed())
