"""Payments hear ``invoice.finalized``: start collecting the invoice.

Its first dunning step is scheduled, and an automatic one asks for its first charge at once
(``invoice.charge_due``, which this function hears next). Safe to hear twice or late: an invoice
already paid, voided or under collection is left as it is.
"""

from __future__ import annotations

from billing.batch import WriteBatch
from billing.errors import ConflictError, ErrorCode
from billing.invoices.models import InvoiceStatus
from billing.payments.collection import charge_due_event, collection_started, start_collection
from billing.payments.record_payment import ATTEMPTS, PaymentServices


def collect_invoice(services: PaymentServices, invoice_id: str) -> None:
    for _ in range(ATTEMPTS):
        invoice = services.store.get_invoice(invoice_id)
        if invoice is None or invoice.status is not InvoiceStatus.OPEN or collection_started(invoice):
            return
        now = services.clock.now()
        collected = start_collection(invoice, now)
        events = [charge_due_event(collected, 1, now)] if collected.charge_attempts == 1 else []
        try:
            services.store.commit(WriteBatch(invoices=[collected], events=events))
        except ConflictError:
            continue  # a payment or the billing run moved it: read again
        return
    raise ConflictError(ErrorCode.CONCURRENT_UPDATE, f"Invoice {invoice_id} kept changing; retry.")
