"""What invoices need from storage: invoices, credit notes, pending items, numbering series, the ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from billing.ledger.ports import LedgerStore

if TYPE_CHECKING:
    from collections.abc import Iterable

    from billing.invoices.invoice_items import InvoiceItem
    from billing.invoices.models import CreditNote, Invoice, PlatformStatus
    from billing.ports import Page, PageRequest


class InvoiceStore(LedgerStore, Protocol):
    def get_invoice(self, invoice_id: str) -> Invoice | None: ...
    def get_invoices(self, invoice_ids: Iterable[str]) -> dict[str, Invoice]:
        """Those of ``invoice_ids`` that exist, as ``get_invoice`` reads them, in one request per hundred."""
        ...

    def list_invoices(self, account_id: str, status: str | None, page: PageRequest) -> Page[Invoice]: ...
    def pending_items(self, account_id: str) -> list[InvoiceItem]: ...
    def series_last(self, series: str) -> int:
        """The last number taken in a gapless series (0 before the first)."""
        ...

    def get_credit_note(self, credit_note_id: str) -> CreditNote | None: ...
    def list_credit_notes(self, account_id: str, page: PageRequest) -> Page[CreditNote]: ...
    def issued_in(self, month: str) -> tuple[list[Invoice], list[CreditNote]]:
        """Every invoice finalized and credit note issued in ``month`` (``seller_month``), all accounts."""
        ...


class InvoicingPlatform(Protocol):
    """An e-invoicing platform invoices are deposited on and report statuses from: Chorus Pro for public
    buyers (adapters/chorus_pro.py); the approved platforms (« plateformes agréées ») have the same shape."""

    name: str

    def deposit(self, file_name: str, factur_x: bytes) -> str:
        """Deposit a Factur-X; returns the platform's id of the deposit."""
        ...

    def status(self, deposit_id: str) -> tuple[PlatformStatus, str] | None:
        """The status of the invoice a deposit carried (ours, and the platform's code); None: not known yet."""
        ...
