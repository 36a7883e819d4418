"""The whole billing store, as the single-table DynamoDB adapter and the in-memory fake implement it.

Each domain package declares the part it reads in its own ``ports.py``; this joins them for the
services that span packages. Domain modules name it under ``TYPE_CHECKING`` only, so it adds no
import between packages.
"""

from __future__ import annotations

from typing import Protocol

from billing.catalog.ports import CatalogStore
from billing.costs.ports import BudgetStore
from billing.invoices.ports import InvoiceStore
from billing.marketplace.ports import RegistrationStore
from billing.payments.ports import PaymentStore, WebhookLog
from billing.runs.ports import DueIndex, Outbox
from billing.subscriptions.ports import SubscriptionStore


class BillingStore(
    CatalogStore,
    SubscriptionStore,
    InvoiceStore,
    PaymentStore,
    BudgetStore,
    RegistrationStore,
    WebhookLog,
    DueIndex,
    Outbox,
    Protocol,
):
    """Reads of billing objects (one request each where the key allows) and atomic batch writes."""
