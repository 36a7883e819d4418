"""An account's ledger: the balance is the sum of its entries, never a field updated in place.

Sign: an entry's amount is what the customer owes us after it (+ an invoice, − a payment or a credit).
Every amount the customer owes is a *receivable* (a finalized invoice, or a debit adjustment); money
and credit coming in are *allocated* to the oldest open receivables first, and what is left is credit
that the next finalized invoice consumes. Hence, at all times:

    balance = Σ remaining of open receivables − unallocated credit, and one of the two is zero.

Every entry has an id derived from what caused it (``fin:in_1``, ``pay:pi_3``): posting the same entry
again is a no-op; the same id with another amount is an error. Webhooks and runs may replay freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from billing.errors import ConflictError, ErrorCode, InvalidInputError
from billing.money import CurrencyMismatchError


class EntryKind(StrEnum):
    INVOICE_FINALIZED = "invoice_finalized"
    INVOICE_VOIDED = "invoice_voided"
    PAYMENT = "payment"
    TOP_UP = "top_up"
    CREDIT_NOTE = "credit_note"
    PRORATION_CREDIT = "proration_credit"
    REFERRAL_CREDIT = "referral_credit"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"


@dataclass(frozen=True, slots=True, kw_only=True)  # named fields: many of one type
class LedgerEntry:
    """Money or credit that moved on an account: an invoice, a payment, a top-up, a credit note, a refund."""

    id: str
    kind: EntryKind
    amount: int
    currency: str
    at: datetime
    reference: str | None = None  # the invoice, payment or credit note behind it
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Allocation:
    """An amount of a payment or credit that settles part of a receivable."""

    entry_id: str  # the money or credit allocated
    receivable_id: str  # the invoice (or debit) it settles
    amount: int


@dataclass(slots=True)
class Receivable:
    """What an account owes for one invoice or debit, and how much of it is settled."""

    id: str
    due_since: datetime
    total: int
    allocated: int = 0

    @property
    def remaining(self) -> int:
        return self.total - self.allocated


@dataclass
class AccountLedger:
    """An account's entries in one currency, and which of them settle what it owes, oldest first."""

    account_id: str
    currency: str
    entries: list[LedgerEntry] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    receivables: dict[str, Receivable] = field(default_factory=dict)
    _credit: int = 0  # unallocated credit
    _by_id: dict[str, LedgerEntry] = field(default_factory=dict)

    @classmethod
    def replay(cls, account_id: str, currency: str, entries: list[LedgerEntry]) -> AccountLedger:
        """Rebuild the ledger (allocations included) from its stored entries, in order."""
        ledger = cls(account_id, currency)
        for entry in entries:
            ledger.post(entry)
        return ledger

    def balance(self) -> int:
        return sum(entry.amount for entry in self.entries)

    def has(self, entry_id: str) -> bool:
        return entry_id in self._by_id

    def credit_available(self) -> int:
        return self._credit

    def amount_owed(self) -> int:
        return sum(r.remaining for r in self.receivables.values())

    def open_receivables(self) -> list[Receivable]:
        return sorted((r for r in self.receivables.values() if r.remaining > 0), key=lambda r: (r.due_since, r.id))

    def post(self, entry: LedgerEntry, settle_first: str | None = None) -> list[Allocation]:
        """Append an entry and allocate it; returns the allocations it made (none on a replay).

        ``settle_first``: a receivable a payment is meant for (paying one invoice); the rest goes to
        the oldest open receivables, then to credit.
        """
        if entry.currency != self.currency:
            raise CurrencyMismatchError(self.currency, entry.currency)
        known = self._by_id.get(entry.id)
        if known is not None:
            if known.amount != entry.amount or known.kind != entry.kind:
                raise ConflictError(
                    ErrorCode.LEDGER_ENTRY_CONFLICT, f"Entry {entry.id} was already posted with another amount.", "id"
                )
            return []
        if entry.kind is EntryKind.INVOICE_FINALIZED and entry.amount < 0:
            raise InvalidInputError(ErrorCode.NEGATIVE_INVOICE, "An invoice total is never negative.", "amount")
        self.entries.append(entry)
        self._by_id[entry.id] = entry
        if entry.amount > 0:
            return self._owe(entry)
        if entry.amount < 0:
            return self._receive(entry, -entry.amount, settle_first)
        return []

    def _owe(self, entry: LedgerEntry) -> list[Allocation]:
        receivable_id = entry.reference if entry.kind is EntryKind.INVOICE_FINALIZED and entry.reference else entry.id
        receivable = Receivable(receivable_id, entry.at, entry.amount)
        self.receivables[receivable_id] = receivable
        # Credit on the balance settles what is owed at once (Stripe applies it at finalization).
        applied = min(self._credit, receivable.total)
        if not applied:
            return []
        self._credit -= applied
        receivable.allocated += applied
        allocation = Allocation("credit", receivable_id, applied)
        self.allocations.append(allocation)
        return [allocation]

    def _receive(self, entry: LedgerEntry, amount: int, settle_first: str | None) -> list[Allocation]:
        made = []
        targets = self.open_receivables()
        if settle_first is not None and settle_first in self.receivables:
            targets.sort(key=lambda r: r.id != settle_first)
        for receivable in targets:
            if amount == 0:
                break
            share = min(amount, receivable.remaining)
            if share <= 0:
                continue
            receivable.allocated += share
            amount -= share
            made.append(Allocation(entry.id, receivable.id, share))
        self._credit += amount
        self.allocations.extend(made)
        return made

    def remaining(self, receivable_id: str) -> int:
        receivable = self.receivables.get(receivable_id)
        return 0 if receivable is None else receivable.remaining
