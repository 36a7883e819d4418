"""Read ahead a batch's invoices and their accounts in two requests, not two per invoice: the billing worker's
due invoices (its numbering group's messages are handled one after another, for gapless numbers, so each
read of a finalization adds to every later one's wait) and the documents function's finalized invoices.

Each object read ahead is handed out once, to its first read in the batch; a later read (a retry after a
conflict, a second message for the same object) goes to the store, since the batch may have changed it.
What the read ahead hands out is at most a batch old, as if the batch had read it first: a write conditioned
on its version still refuses anything older.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from billing.accounts.models import Account
    from billing.accounts.ports import AccountRepository
    from billing.invoices.models import Invoice
    from billing.invoices.ports import InvoiceStore
    from billing.ports import Page, PageRequest


class ReadAhead:
    """The accounts port, reading first from what ``load`` read ahead; and the batch's invoices."""

    def __init__(self, invoices: InvoiceStore, accounts: AccountRepository) -> None:
        self._store = invoices
        self._accounts = accounts
        self._invoices_ahead: dict[str, Invoice] = {}
        self._accounts_ahead: dict[str, Account] = {}

    def load(self, invoice_ids: Iterable[str]) -> None:
        """Read the invoices, then their accounts; forget what an earlier batch left (first: a failed read
        leaves nothing ahead)."""
        self._invoices_ahead, self._accounts_ahead = {}, {}
        invoice_ids = set(invoice_ids)
        self._invoices_ahead = self._store.get_invoices(invoice_ids) if invoice_ids else {}
        account_ids = {invoice.account_id for invoice in self._invoices_ahead.values()}
        self._accounts_ahead = self._accounts.get_accounts(account_ids) if account_ids else {}

    def invoice(self, invoice_id: str) -> Invoice | None:
        ahead = self._invoices_ahead.pop(invoice_id, None)
        return ahead if ahead is not None else self._store.get_invoice(invoice_id)

    # The accounts port: reads first from the read ahead, the rest as the repository does.
    def get(self, account_id: str) -> Account | None:
        ahead = self._accounts_ahead.pop(account_id, None)
        return ahead if ahead is not None else self._accounts.get(account_id)

    def get_accounts(self, account_ids: Iterable[str]) -> dict[str, Account]:
        return self._accounts.get_accounts(account_ids)

    def add(self, account: Account) -> None:
        self._accounts.add(account)

    def save(self, account: Account) -> Account:
        self._accounts_ahead.pop(account.id, None)
        return self._accounts.save(account)

    def list_accounts(self, page: PageRequest, status: str | None = None, email: str | None = None) -> Page[Account]:
        return self._accounts.list_accounts(page, status, email)


def first_read(ahead: ReadAhead | None, store: InvoiceStore, invoice_id: str) -> Invoice | None:
    """An invoice as a batch's handler reads it: from the read ahead, where the function has one."""
    return ahead.invoice(invoice_id) if ahead is not None else store.get_invoice(invoice_id)
