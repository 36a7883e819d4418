"""A referee's first paid invoice credits its referrer's balance, once (alwaysdata's sponsorship).

It hears ``invoice.paid`` (payments, credit, credit notes alike), which may come twice or late: the
credit's ledger entry is keyed by the referee, so the referrer's ledger takes it once whatever the
replays and whichever of the referee's invoices is paid first. A free invoice (total 0) is not a payment.
"""

from __future__ import annotations

import logging

from billing.batch import LedgerAppend, WriteBatch
from billing.conflicts import attempts
from billing.discounts.referral import referral_reward
from billing.errors import ConflictError, ErrorCode
from billing.events import DomainEvent, EventType
from billing.invoices.models import InvoiceStatus
from billing.invoices.settle_invoices import paid_events, settled_invoices
from billing.payments.record_payment import PaymentServices

log = logging.getLogger(__name__)


def reward_referrer(services: PaymentServices, invoice_id: str) -> None:
    store = services.store
    invoice = store.get_invoice(invoice_id)
    if invoice is None or invoice.status is not InvoiceStatus.PAID or invoice.draft.total <= 0:
        return
    subscription = store.get_subscription(invoice.draft.subscription_id) if invoice.draft.subscription_id else None
    if subscription is None or subscription.referral_code is None:
        return
    found = store.find_promotion_code(subscription.referral_code)
    entry = referral_reward(found[0], invoice.account_id, invoice.id, services.clock.now()) if found else None
    if entry is None or found is None or found[0].referrer_account_id is None:
        return
    referrer = found[0].referrer_account_id
    for _ in attempts():
        ledger, head = store.ledger(referrer, entry.currency)
        if ledger.currency != entry.currency:
            # Said when the code was made; a referrer billed in another currency since cannot take it.
            log.error(
                "referral credit in %s for %s, billed in %s: not posted", entry.currency, referrer, ledger.currency
            )
            return
        if ledger.has(entry.id):
            return  # credited already: a replay, or the referee's second paid invoice
        invoices = settled_invoices(store, ledger.post(entry))
        event = DomainEvent(
            id=f"referral.credited:{invoice.account_id}",
            type=EventType.REFERRAL_CREDITED,
            at=entry.at,
            account_id=referrer,
            detail={
                "referee": invoice.account_id,
                "invoice": invoice.id,
                "amount": -entry.amount,
                "currency": entry.currency,
            },
        )
        batch = WriteBatch(
            invoices=invoices,
            ledger=[LedgerAppend(referrer, (entry,), head)],
            events=[event, *paid_events(invoices, entry.at)],
        )
        try:
            store.commit(batch)
        except ConflictError:
            continue  # the referrer's ledger moved meanwhile: read it again
        return
    raise ConflictError(ErrorCode.CONCURRENT_UPDATE, f"The ledger of {referrer} kept changing; retrying.")
