"""The next invoice of a subscription as it would be drafted today."""

from __future__ import annotations

from billing.accounts.access import Principal
from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.invoice_context import invoice_context
from billing.invoices.invoice_items import one_off_line
from billing.invoices.models import DraftInvoice
from billing.subscriptions.engine.preview_invoice import preview_next_invoice
from billing.subscriptions.get_subscription import get_subscription
from billing.subscriptions.read_period_usage import read_period_usage
from billing.subscriptions.services import Services, account_of


def preview_upcoming(services: Services, principal: Principal, subscription_id: str) -> DraftInvoice:
    subscription = get_subscription(services, principal, subscription_id)
    account = account_of(services, subscription.account_id)
    ledger, _ = services.store.ledger(account.id, subscription.currency)
    now = services.clock.now()
    events = read_period_usage(services.usage, subscription)
    draft = preview_next_invoice(subscription, invoice_context(account, ledger, now, subscription.discount), events)
    pending = services.store.pending_items(account.id)
    if pending:
        lines = [*draft.lines, *(one_off_line(item) for item in pending)]
        draft = assemble_invoice(
            invoice_context(account, ledger, now, subscription.discount),
            lines,
            draft.billing_reason,
            draft.created,
            subscription.id,
            draft.period,
            draft.currency,
        )
    return draft
