"""The account balance as the API shows it, and operators' adjustments (with a reason)."""

from __future__ import annotations

from dataclasses import dataclass

from billing.accounts.access import Permission, Principal, require_access, require_operator
from billing.batch import LedgerAppend, WriteBatch
from billing.clock import Clock
from billing.errors import ErrorCode, InvalidInputError
from billing.ids import new_id
from billing.ledger.account_ledger import AccountLedger, EntryKind, LedgerEntry
from billing.ledger.settle_invoices import settled_invoices
from billing.money import minor_unit_exponent
from billing.ports import BillingStore

DEFAULT_CURRENCY = "EUR"


@dataclass(frozen=True, slots=True)
class Balance:
    currency: str
    balance: int  # what the account owes (negative: credit in its favour)
    credit_available: int
    amount_owed: int


def read_ledger(store: BillingStore, principal: Principal, account_id: str) -> AccountLedger:
    require_access(principal, account_id, Permission.BILLING_READ)
    ledger, _ = store.ledger(account_id, DEFAULT_CURRENCY)
    return ledger


def balance_of(ledger: AccountLedger) -> Balance:
    return Balance(ledger.currency, ledger.balance(), ledger.credit_available(), ledger.amount_owed())


def adjust_balance(
    store: BillingStore, clock: Clock, principal: Principal, account_id: str, amount: int, currency: str, reason: str
) -> LedgerEntry:
    """Post a manual adjustment: negative credits the account (settling open invoices first)."""
    require_operator(principal)
    minor_unit_exponent(currency)
    if amount == 0:
        raise InvalidInputError(ErrorCode.INVALID_AMOUNT, "An adjustment is not zero.", "amount")
    if not reason.strip():
        raise InvalidInputError(ErrorCode.REASON_REQUIRED, "Say why the balance is adjusted.", "reason")
    ledger, head = store.ledger(account_id, currency)
    entry = LedgerEntry(f"adj:{new_id('adj')}", EntryKind.ADJUSTMENT, amount, currency, clock.now(), None, reason)
    allocations = ledger.post(entry)
    store.commit(
        WriteBatch(
            invoices=settled_invoices(store, allocations),
            ledger=[LedgerAppend(account_id, (entry,), head)],
        )
    )
    return entry
