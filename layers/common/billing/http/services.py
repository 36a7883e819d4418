"""What the routes need, built once per Lambda container by the function's composition."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from billing.accounts.ports import AccountRepository, ApiKeyRepository, PortalSessionStore
from billing.clock import Clock
from billing.marketplace.ports import MarketplaceGateway
from billing.payments.ports import PaymentGateway
from billing.ports import DocumentStorage, Idempotency, WorkQueue
from billing.subscriptions.services import Services
from billing.usage.ports import UsageStore
from billing.webhooks.ports import WebhookStore
from billing.webhooks.services import WebhookServices

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.payments.record_payment import PaymentServices
    from billing.store import BillingStore


@dataclass(frozen=True)
class ApiServices:
    """What the API's routes need, built once per process; Stripe and Marketplace clients on first use."""

    clock: Clock
    accounts: AccountRepository
    keys: ApiKeyRepository
    idempotency: Idempotency
    store: BillingStore
    usage: UsageStore
    documents: DocumentStorage
    # Built on the first payment request: Stripe's client and keys cost nothing to other routes.
    payment_gateway: Callable[[], PaymentGateway]
    webhook_store: WebhookStore
    webhook_queue: WorkQueue  # resends: one delivery attempt per message
    # Built on the first registration: other routes never create the Marketplace clients.
    marketplace: Callable[[], MarketplaceGateway]
    marketplace_landing_url: str
    portal_sessions: PortalSessionStore
    portal_url: str

    @property
    def webhooks(self) -> WebhookServices:
        return WebhookServices(store=self.webhook_store, clock=self.clock, queue=self.webhook_queue)

    @property
    def billing(self) -> Services:
        return Services(store=self.store, accounts=self.accounts, usage=self.usage, clock=self.clock)

    @property
    def payments(self) -> PaymentServices:
        # Imported here: the payments package (its models, dunning, the ledger) is the payment routes' alone.
        from billing.payments.record_payment import PaymentServices

        return PaymentServices(
            store=self.store, accounts=self.accounts, clock=self.clock, gateway=self.payment_gateway()
        )
