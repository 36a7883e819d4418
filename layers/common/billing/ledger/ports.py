"""What the ledger needs from storage: an account's entries, replayed, and atomic appends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from billing.batch import BatchWriter

if TYPE_CHECKING:
    from billing.ledger.account_ledger import AccountLedger


class LedgerStore(BatchWriter, Protocol):
    def ledger(self, account_id: str, currency: str) -> tuple[AccountLedger, int]:
        """The account's ledger rebuilt from its entries, and the version to append against."""
        ...
