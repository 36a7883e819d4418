"""An account's receipts: its billing history, newest first."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.payments.models import Receipt
from billing.payments.ports import PaymentStore
from billing.ports import Page, PageRequest


def list_receipts(store: PaymentStore, principal: Principal, account_id: str, page: PageRequest) -> Page[Receipt]:
    require_access(principal, account_id, Permission.BILLING_READ)
    return store.list_receipts(account_id, page)
