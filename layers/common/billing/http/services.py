"""What the routes need, built once per Lambda container by the function's composition."""

from __future__ import annotations

from dataclasses import dataclass

from billing.clock import Clock
from billing.ports import AccountRepository, ApiKeyRepository, BillingStore, DocumentStorage, Idempotency, UsageStore
from billing.subscriptions.manage_subscriptions import Services


@dataclass(frozen=True)
class ApiServices:
    clock: Clock
    accounts: AccountRepository
    keys: ApiKeyRepository
    idempotency: Idempotency
    store: BillingStore
    usage: UsageStore
    documents: DocumentStorage

    @property
    def billing(self) -> Services:
        return Services(store=self.store, accounts=self.accounts, usage=self.usage, clock=self.clock)
