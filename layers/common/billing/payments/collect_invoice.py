"""Payments hear ``invoice.finalized``: start collecting the invoice, unless its finalization did
(``finalize_draft`` given ``begin_collection``, as the billing run and the API do).

Its first dunning step is scheduled, and an automatic one asks for its first charge at once
(``invoice.charge_due``, which this function hears next). Safe to hear twice or late: an invoice
already paid, voided or under collection is left as it is.
"""

from __future__ import annotations

from billing.batch import WriteBatch
from billing.errors import ConflictError, ErrorCode
from billing.invoices.models import InvoiceStatus
from billing.payments.collection import begin_collection, collection_started
from billing.payments.record_payment import ATTEMPTS, PaymentServices


def collect_invoice(services: PaymentServices, invoice_id: str) -> None:
    for _ in range(ATTEMPTS):
        invoice = services.store.get_invoice(invoice_id)
        if invoice is None or invoice.status is not InvoiceStatus.OPEN or collection_started(invoice):
            return
        collected, events = begin_collection(invoice, services.clock.now())
        try:
            services.store.commit(WriteBatch(invoices=[collected], events=events))
        except ConflictError:
            continue  # a payment or the billing run moved it: read again
        return
    raise ConflictError(ErrorCode.CONCURRENT_UPDATE, f"Invoice {invoice_id} kept changing; retry.")
