"""Draft a subscription's invoice into a batch: the step shared by subscribing, changing, cancelling and
the billing run."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from billing.accounts.models import Account
from billing.batch import WriteBatch
from billing.discounts.apply_discount import remaining_discount
from billing.events import DomainEvent, EventType
from billing.ids import new_id
from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.invoice_context import invoice_context
from billing.invoices.invoice_items import one_off_line
from billing.invoices.models import DRAFT_GRACE, BillingReason, Invoice, InvoiceLine
from billing.periods import Period
from billing.subscriptions.models import Subscription

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


def draft_invoice(
    store: BillingStore,
    account: Account,
    subscription: Subscription,
    lines: list[InvoiceLine],
    reason: BillingReason,
    now: datetime,
    batch: WriteBatch,
    period: Period | None = None,
) -> tuple[Subscription, Invoice]:
    """Draft an invoice of these lines (plus the account's pending one-off items) into the batch.

    The draft waits for its grace period (late usage and adjustments can still land), then the billing
    run finalizes it. ``invoice.created`` goes to the outbox in the same batch.
    """
    pending = store.pending_items(account.id)
    ledger, _ = store.ledger(account.id, subscription.currency)
    context = invoice_context(account, ledger, now, subscription.discount)
    draft = assemble_invoice(
        context,
        [*lines, *(one_off_line(item) for item in pending)],
        reason,
        now,
        subscription.id,
        period or subscription.current_period,
        subscription.currency,
    )
    invoice = Invoice(
        new_id("in"),
        draft,
        collection_method=subscription.collection_method.value,
        days_until_due=subscription.days_until_due,
        finalize_at=now + DRAFT_GRACE,
    )
    subscription = subscription.evolve(
        discount=remaining_discount(subscription.discount, bool(draft.discounts)), latest_invoice=invoice.id
    )
    batch.invoices.append(invoice)
    batch.consumed_items.extend(pending)
    batch.events.append(
        DomainEvent(
            id=f"invoice.created:{invoice.id}",
            type=EventType.INVOICE_CREATED,
            at=now,
            account_id=account.id,
            detail={
                "invoice": invoice.id,
                "subscription": subscription.id,
                "billing_reason": reason.value,
                "total": draft.total,
                "currency": draft.currency,
            },
        )
    )
    return subscription, invoice
