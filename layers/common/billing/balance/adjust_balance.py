"""An operator adjusts an account's balance (with a reason); a credit settles open invoices first."""

from __future__ import annotations

from billing.accounts.access import Principal, require_operator
from billing.batch import LedgerAppend, WriteBatch
from billing.clock import Clock
from billing.conflicts import retried_on_conflict
from billing.errors import ErrorCode, InvalidInputError
from billing.ids import new_id
from billing.invoices.ports import InvoiceStore
from billing.invoices.settle_invoices import paid_events, settled_invoices
from billing.ledger.account_ledger import EntryKind, LedgerEntry
from billing.money import minor_unit_exponent


@retried_on_conflict
def adjust_balance(
    store: InvoiceStore, clock: Clock, principal: Principal, account_id: str, amount: int, currency: str, reason: str
) -> LedgerEntry:
    """Post a manual adjustment: negative credits the account (settling open invoices first)."""
    require_operator(principal)
    minor_unit_exponent(currency)
    if amount == 0:
        raise InvalidInputError(ErrorCode.INVALID_AMOUNT, "An adjustment is not zero.", "amount")
    if not reason.strip():
        raise InvalidInputError(ErrorCode.REASON_REQUIRED, "Say why the balance is adjusted.", "reason")
    ledger, head = store.ledger(account_id, currency)
    entry = LedgerEntry(
        id=f"adj:{new_id('adj')}",
        kind=EntryKind.ADJUSTMENT,
        amount=amount,
        currency=currency,
        at=clock.now(),
        reference=None,
        reason=reason,
    )
    allocations = ledger.post(entry)
    invoices = settled_invoices(store, allocations)
    store.commit(
        WriteBatch(
            invoices=invoices,
            ledger=[LedgerAppend(account_id, (entry,), head)],
            events=paid_events(invoices, entry.at),
        )
    )
    return entry
