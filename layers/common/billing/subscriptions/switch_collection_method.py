"""Switch how a subscription is paid: charged automatically, or invoiced to be paid by transfer or cheque
within ``days_until_due`` (Cloudcraft: cheque or wire "by switching to invoice payments"). Invoices already
finalized keep their terms; the next ones follow the new method."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.batch import WriteBatch
from billing.conflicts import retried_on_conflict
from billing.subscriptions.engine.create_subscription import DEFAULT_DAYS_UNTIL_DUE
from billing.subscriptions.engine.guards import require_changeable
from billing.subscriptions.get_subscription import get_subscription
from billing.subscriptions.models import CollectionMethod, Subscription
from billing.subscriptions.services import Services


@retried_on_conflict
def switch_collection_method(
    services: Services,
    principal: Principal,
    subscription_id: str,
    method: CollectionMethod,
    days_until_due: int | None = None,
) -> Subscription:
    subscription = get_subscription(services, principal, subscription_id)
    require_access(principal, subscription.account_id, Permission.BILLING_MANAGE)
    require_changeable(subscription)
    terms = None  # charged at finalization: no payment terms
    if method is CollectionMethod.SEND_INVOICE:
        terms = days_until_due or subscription.days_until_due or DEFAULT_DAYS_UNTIL_DUE
    if (method, terms) == (subscription.collection_method, subscription.days_until_due):
        return subscription
    switched = subscription.evolve(collection_method=method, days_until_due=terms)
    return services.store.commit(WriteBatch(subscriptions=[switched])).subscriptions[-1]
