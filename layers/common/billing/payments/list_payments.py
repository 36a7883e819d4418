"""An account's payments, failed ones included, newest first."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.payments.models import (
    Payment,
)
from billing.payments.record_payment import PaymentServices
from billing.ports import Page, PageRequest


def list_payments(services: PaymentServices, principal: Principal, account_id: str, page: PageRequest) -> Page[Payment]:
    require_access(principal, account_id, Permission.BILLING_READ)
    return services.store.list_payments(account_id, page)
