"""An account's subscriptions, newest first."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.ports import Page, PageRequest
from billing.subscriptions.models import Subscription
from billing.subscriptions.services import Services


def list_subscriptions(
    services: Services, principal: Principal, account_id: str, page: PageRequest
) -> Page[Subscription]:
    require_access(principal, account_id, Permission.BILLING_READ)
    return services.store.list_subscriptions(account_id, page)
