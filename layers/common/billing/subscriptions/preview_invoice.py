"""Dry runs: the next invoice of a subscription, and the invoice a proposed change would produce.

Every operation of the engine is a pure function returning new values, so a preview is the operation
itself with nothing stored. Confirming a change with the preview's ``proration_date`` reproduces it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from billing.invoices.assemble_invoice import InvoiceContext, assemble_invoice
from billing.invoices.models import BillingReason, DraftInvoice
from billing.subscriptions.models import ProrationBehavior, Subscription
from billing.subscriptions.renew_subscription import close_usage_period, renew_subscription
from billing.subscriptions.update_subscription import ItemUpdate, update_subscription
from billing.usage.models import UsageEvent


@dataclass(frozen=True, slots=True)
class ChangePreview:
    invoice: DraftInvoice
    proration_date: datetime
    subscription: Subscription  # as it would be after the change


def preview_next_invoice(
    subscription: Subscription, context: InvoiceContext, events: Iterable[UsageEvent] = ()
) -> DraftInvoice:
    usage_end, period_end = subscription.usage_period.end, subscription.current_period.end
    if subscription.is_billing and usage_end < period_end:
        due = close_usage_period(subscription, usage_end, events)
        created = usage_end
    else:
        due = renew_subscription(subscription, period_end, events)
        created = period_end
    return assemble_invoice(
        context, due.lines, due.billing_reason, created, subscription.id, due.period, subscription.currency
    )


def preview_change(
    subscription: Subscription,
    updates: Sequence[ItemUpdate],
    proration_date: datetime,
    context: InvoiceContext,
    behavior: ProrationBehavior = ProrationBehavior.CREATE_PRORATIONS,
    events: Iterable[UsageEvent] = (),
) -> ChangePreview:
    updated = update_subscription(subscription, updates, proration_date, behavior)
    if behavior is ProrationBehavior.ALWAYS_INVOICE:
        invoice = assemble_invoice(
            context,
            updated.invoice_now,
            BillingReason.SUBSCRIPTION_UPDATE,
            proration_date,
            subscription.id,
            currency=subscription.currency,
        )
    else:
        invoice = preview_next_invoice(updated.subscription, context, events)
    return ChangePreview(invoice, proration_date, updated.subscription)
