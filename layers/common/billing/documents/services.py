"""What the document use cases need, and the steps they share."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from babel.dates import format_date

from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.batch import WriteBatch
from billing.clock import Clock
from billing.documents.document import Document
from billing.documents.emails import HOW_TO_PAY
from billing.documents.ports import EInvoiceWriter, Mailer, PdfRenderer
from billing.documents.seller import Seller
from billing.errors import ConflictError
from billing.invoices.models import Invoice
from billing.invoices.ports import InvoicingPlatform
from billing.invoices.read_ahead import ReadAhead, first_read
from billing.money import format_money
from billing.payments.models import PaymentMethod
from billing.ports import DocumentStorage
from billing.tax.vat import SELLER_TIME_ZONE

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


_SELLER_ZONE = ZoneInfo(SELLER_TIME_ZONE)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DocumentServices:
    """What the documents use cases need: stores, storage, mail, renderers and the seller's identity."""

    store: BillingStore
    accounts: AccountRepository
    storage: DocumentStorage
    mailer: Mailer
    render: PdfRenderer
    seller: Seller
    einvoice: EInvoiceWriter
    clock: Clock
    platform: InvoicingPlatform | None = None  # Chorus Pro, where public buyers' invoices are deposited
    ahead: ReadAhead | None = None  # the batch's finalized invoices and their accounts, read ahead


def invoice_of(services: DocumentServices, invoice_id: str) -> Invoice | None:
    """The invoice: its first read in a batch from what the batch read ahead (``invoices/read_ahead.py``)."""
    return first_read(services.ahead, services.store, invoice_id)


def invoice_pdf_key(invoice: Invoice) -> str:
    # Account, number and id: no two documents can share a key, and listing by account is a prefix.
    return f"invoices/{invoice.account_id}/{invoice.number}-{invoice.id}.pdf"


def keep_until(issued: datetime) -> datetime:
    """How long a document is kept: ten years from the close of the financial year it belongs to (Code de
    commerce L123-22; LPF L102 B asks six), the year being the seller's calendar year. An invoice of
    15 March 2026 is kept until the end of 2036."""
    year = issued.astimezone(_SELLER_ZONE).year
    return datetime(year + 11, 1, 1, tzinfo=_SELLER_ZONE)


def store_document(services: DocumentServices, key: str, pdf: bytes, xml: bytes, issued: datetime) -> bytes:
    """Store a document's XML and PDF once each, locked for their retention; returns the PDF as stored (an
    earlier run's copy, if one was there: a legal document is never replaced)."""
    until = keep_until(issued)
    services.storage.put_once(xml_key(key), xml, "application/xml", until)
    return services.storage.put_once(key, pdf, "application/pdf", until)


def sha256_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def xml_key(pdf_key: str) -> str:
    """Where a document's Factur-X XML lies: beside its PDF."""
    return pdf_key.removesuffix(".pdf") + ".xml"


def factur_x(
    services: DocumentServices, document: Document, terms: dict[str, Any], issued: datetime
) -> tuple[bytes, bytes]:
    """The document laid out, made the Factur-X that carries ``terms`` as XML; and that XML."""
    xml = services.einvoice.cii_xml(terms)
    title = f"{document.title} {document.number}"
    pdf = services.einvoice.factur_x_pdf(services.render(document), xml, issued, title, services.seller.legal_name)
    return pdf, xml


def claim_once(services: DocumentServices, name: str) -> bool:
    """Take a once-only claim (an email about to be sent); False if another run took it."""
    try:
        services.store.commit(WriteBatch(claims=[name]))
    except ConflictError:
        return False
    except Exception:
        # The write may have landed before the failure (an answer lost): give the claim back, since nothing
        # was sent, so the retry can take it; otherwise the email would be lost for good.
        with suppress(Exception):
            services.store.commit(WriteBatch(released_claims=[name]))
        raise
    return True


def send_claimed(services: DocumentServices, claim: str, **email: Any) -> None:
    """Send the email whose claim (``claim_once``) this run took (``claimed``)."""
    claimed(services, claim, lambda: services.mailer.send(**email))


def claimed(services: DocumentServices, claim: str, act: Callable[[], T]) -> T:
    """Do the once-only thing whose claim (``claim_once``) this run took. If it fails, the claim is given
    back, so the retried message does it; without that, a refused email or deposit was lost for good. Only a
    crash between claim and act, or an answer lost after the other side accepted, can still lose or repeat
    one."""
    try:
        return act()
    except Exception:
        services.store.commit(WriteBatch(released_claims=[claim]))
        raise


def money_text(amount: int, currency: str, locale: str) -> str:
    return format_money(amount, currency, locale)


def date_text(instant: datetime, account: Account, width: str = "long") -> str:
    """A date as the reader says it, on the reader's calendar: an instant just after midnight UTC is still
    the evening before in New York, and the email must name the same day as the PDF."""
    zone = ZoneInfo(account.profile.time_zone)
    return format_date(instant.astimezone(zone), width, locale=account.profile.locale.value)


def default_method(services: DocumentServices, account_id: str) -> PaymentMethod | None:
    """The saved method automatic charges use, if any."""
    profile = services.store.get_payment_profile(account_id)
    return profile.method(profile.default_method) if profile and profile.default_method else None


def default_method_label(services: DocumentServices, account_id: str) -> str | None:
    """How documents name the saved method ("visa •••• 4242", "sepa debit •••• 3000"), if any."""
    method = default_method(services, account_id)
    return method.label if method else None


def how_to_pay(services: DocumentServices, invoice: Invoice, locale: str, method: str | None) -> str:
    """The email's payment sentence: names the method charged, and never promises a debit with none saved."""
    way = invoice.collection_method
    if way == "charge_automatically" and method is None:
        way = "nothing_saved"
    return HOW_TO_PAY[(locale, way)].format(
        iban=services.seller.iban, bic=services.seller.bic, number=invoice.number, method=method
    )
