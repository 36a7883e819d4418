"""Render, store and email a finalized invoice (the email once: a failed send is sent by the retry).

The stored PDF is a Factur-X: the readable invoice and its EN 16931 XML in one PDF/A-3, the XML also stored
beside it. Both are rendered from the finalized invoice alone, to the same bytes on every run."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from babel.numbers import format_currency

from billing.accounts.models import Account
from billing.batch import WriteBatch
from billing.conflicts import attempts
from billing.documents.document import invoice_document
from billing.documents.einvoice_terms import invoice_terms
from billing.documents.emails import INVOICE_BODY, INVOICE_SUBJECT
from billing.documents.services import (
    DocumentServices,
    claim_once,
    claimed,
    date_text,
    default_method,
    factur_x,
    how_to_pay,
    invoice_of,
    invoice_pdf_key,
    send_claimed,
    sha256_of,
    store_document,
)
from billing.errors import ConflictError, ErrorCode
from billing.invoices.check_platform_status import deposited
from billing.invoices.models import Invoice, invoiced_account
from billing.money import minor_unit_exponent
from billing.payments.models import PaymentMethod


def publish_invoice(services: DocumentServices, invoice_id: str) -> bool:
    """Returns whether this call sent the email."""
    invoice = invoice_of(services, invoice_id)
    if invoice is None or invoice.number is None:
        return False  # nothing to publish
    current = services.accounts.get(invoice.account_id)
    if current is None:
        return False
    # Only an automatic charge names the saved method (the PDF, the e-invoice's payment means, the email): a
    # sent invoice is paid by transfer, and its documents are the same without reading it.
    automatic = invoice.collection_method == "charge_automatically"
    saved = default_method(services, current.id) if automatic else None
    method = saved.label if saved else None
    invoice, pdf = _recorded(services, invoice, current, saved)
    account = invoiced_account(current, invoice)  # the buyer as finalized
    locale = account.profile.locale.value
    exponent = minor_unit_exponent(invoice.draft.currency)
    amount = format_currency(Decimal(invoice.amount_remaining).scaleb(-exponent), invoice.draft.currency, locale=locale)
    due = date_text(invoice.payable_on, account)
    how = how_to_pay(services, invoice, locale, method)

    attached = pdf or services.storage.get(invoice_pdf_key(invoice))
    deposit_on_platform(services, invoice, account, attached)
    if not claim_once(services, f"email:{invoice.id}"):
        return False
    send_claimed(
        services,
        f"email:{invoice.id}",
        to=str(account.profile.billing_email),
        subject=INVOICE_SUBJECT[locale].format(number=invoice.number, amount=amount),
        text=INVOICE_BODY[locale].format(
            number=invoice.number, amount=amount, due=due, how=how, seller=services.seller.legal_name
        ),
        attachment=(f"{invoice.number}.pdf", attached),
    )

    return True


def deposit_on_platform(services: DocumentServices, invoice: Invoice, account: Account, pdf: bytes) -> None:
    """A public buyer's invoice goes to Chorus Pro, once (a claim, as for emails: given back if the platform
    refuses or cannot be reached; a crash between the claim and its answer is the one case left to an
    operator)."""
    if services.platform is None or account.profile.public_buyer is None or invoice.platform is not None:
        return
    if not claim_once(services, f"deposit:{invoice.id}"):
        return
    platform = services.platform
    deposit_id = claimed(services, f"deposit:{invoice.id}", lambda: platform.deposit(f"{invoice.number}.pdf", pdf))
    now = services.clock.now()
    for _ in attempts():  # recorded on the invoice as it is now (a payment may have moved it meanwhile)
        current = services.store.get_invoice(invoice.id) or invoice
        recorded, event = deposited(current, services.platform.name, deposit_id, now)
        try:
            services.store.commit(WriteBatch(invoices=[recorded], events=[event]))
            return
        except ConflictError:
            continue
    raise ConflictError(ErrorCode.DOCUMENT_CONFLICT, f"Invoice {invoice.id} kept changing; deposit {deposit_id} kept.")


def _recorded(
    services: DocumentServices, invoice: Invoice, current: Account, saved: PaymentMethod | None
) -> tuple[Invoice, bytes | None]:
    """The invoice with its PDF recorded, and the PDF if this call rendered it. A record that loses its race
    (a payment recorded on the invoice, as an automatic charge does at the same moment) reads the invoice
    again, and only it: the PDF already rendered and stored, from the same account, is the one recorded."""
    stored: tuple[str, bytes] | None = None
    for _ in attempts():
        if invoice.pdf_key is not None:
            # Stored by an earlier run, whose email may have failed: the caller reads it back if so.
            return invoice, stored[1] if stored and stored[0] == invoice.pdf_key else None
        if stored is None:
            assert invoice.finalized_at is not None  # numbered, hence finalized
            account = invoiced_account(current, invoice)
            document = invoice_document(invoice, account, services.seller, saved.label if saved else None)
            terms = invoice_terms(invoice, account, services.seller, saved)
            rendered, xml = factur_x(services, document, terms, invoice.finalized_at)
            key = invoice_pdf_key(invoice)
            stored = key, store_document(services, key, rendered, xml, invoice.finalized_at)
        key, pdf = stored
        try:
            batch = WriteBatch(invoices=[replace(invoice, pdf_key=key, pdf_sha256=sha256_of(pdf))])
            return services.store.commit(batch).invoices[0], pdf
        except ConflictError:
            invoice = services.store.get_invoice(invoice.id) or invoice  # moved meanwhile (a payment): read again
    raise ConflictError(ErrorCode.DOCUMENT_CONFLICT, f"Invoice {invoice.id} kept changing; the message will retry.")
