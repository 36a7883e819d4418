"""Dry run: the next invoice of a subscription, as it stands or as a proposed change would leave it.

Every operation of the engine is a pure function returning new values, so a preview is the operation
itself with nothing stored. Confirming a change with the preview's ``proration_date`` reproduces it.
"""

from __future__ import annotations

from collections.abc import Iterable

from billing.invoices.assemble_invoice import InvoiceContext, assemble_invoice
from billing.invoices.models import DraftInvoice
from billing.subscriptions.engine.renew_subscription import close_usage_period, renew_subscription
from billing.subscriptions.models import Subscription
from billing.usage.models import UsageEvent


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
