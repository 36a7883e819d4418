"""What subscriptions need from storage, beyond the catalog's and invoices' ports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from billing.batch import BatchWriter

if TYPE_CHECKING:
    from billing.ports import Page, PageRequest
    from billing.subscriptions.models import Subscription


class SubscriptionStore(BatchWriter, Protocol):
    def get_subscription(self, subscription_id: str) -> Subscription | None: ...
    def get_subscriptions(self, subscription_ids: Iterable[str]) -> dict[str, Subscription]: ...
    def list_subscriptions(self, account_id: str, page: PageRequest) -> Page[Subscription]: ...
