"""What the document use cases need, and the steps they share."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from babel.numbers import format_currency

from billing.accounts.ports import AccountRepository
from billing.batch import WriteBatch
from billing.documents.ports import Mailer, PdfRenderer
from billing.documents.seller import Seller
from billing.errors import ConflictError
from billing.invoices.models import Invoice
from billing.money import minor_unit_exponent
from billing.ports import DocumentStorage

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


@dataclass(frozen=True, slots=True)
class DocumentServices:
    store: BillingStore
    accounts: AccountRepository
    storage: DocumentStorage
    mailer: Mailer
    render: PdfRenderer
    seller: Seller


def invoice_pdf_key(invoice: Invoice) -> str:
    # Account, number and id: no two documents can share a key, and listing by account is a prefix.
    return f"invoices/{invoice.account_id}/{invoice.number}-{invoice.id}.pdf"


def claim_once(services: DocumentServices, name: str) -> bool:
    """Take a once-only claim (an email about to be sent); False if another run took it."""
    try:
        services.store.commit(WriteBatch(claims=[name]))
    except ConflictError:
        return False
    return True


def money_text(amount: int, currency: str, locale: str) -> str:
    return format_currency(Decimal(amount).scaleb(-minor_unit_exponent(currency)), currency, locale=locale)
