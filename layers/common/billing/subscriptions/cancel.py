"""Cancel a subscription now (final usage invoiced) or at the end of its period."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.batch import WriteBatch
from billing.conflicts import retried_on_conflict
from billing.invoices.models import BillingReason, Invoice
from billing.subscriptions.draft_invoice import draft_invoice
from billing.subscriptions.engine.cancel_subscription import cancel_subscription
from billing.subscriptions.get_subscription import get_subscription
from billing.subscriptions.models import Subscription
from billing.subscriptions.services import Services, account_of


@retried_on_conflict
def cancel(
    services: Services, principal: Principal, subscription_id: str, at_period_end: bool
) -> tuple[Subscription, Invoice | None]:
    subscription = get_subscription(services, principal, subscription_id)
    require_access(principal, subscription.account_id, Permission.BILLING_MANAGE)
    now = services.clock.now()
    events = services.usage.events(subscription.id, subscription.usage_period.start, now)
    canceled = cancel_subscription(subscription, now, at_period_end=at_period_end, events=events)
    batch = WriteBatch()
    result, invoice = canceled.subscription, None
    if canceled.final_lines:
        account = account_of(services, subscription.account_id)
        result, invoice = draft_invoice(
            services.store, account, result, canceled.final_lines, BillingReason.SUBSCRIPTION_UPDATE, now, batch
        )
    batch.subscriptions.append(result)
    return services.store.commit(batch).subscriptions[-1], invoice
