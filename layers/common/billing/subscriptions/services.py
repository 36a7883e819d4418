"""What the subscription use cases need, and the reads they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.clock import Clock
from billing.errors import ErrorCode, InvalidInputError, NotFoundError
from billing.usage.ports import UsageStore

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


@dataclass(frozen=True, slots=True)
class Services:
    store: BillingStore
    accounts: AccountRepository
    usage: UsageStore
    clock: Clock


@dataclass(frozen=True, slots=True)
class ItemRequest:
    price_id: str | None = None
    quantity: int | None = None
    id: str | None = None  # an existing item (PATCH); absent: a new item
    deleted: bool = False


def account_of(services: Services, account_id: str) -> Account:
    account = services.accounts.get(account_id)
    if account is None:
        raise NotFoundError(ErrorCode.ACCOUNT_NOT_FOUND, f"No account {account_id}.", "account")
    return account


def prices_of(services: Services, items: Sequence[ItemRequest]) -> dict[str, object]:
    wanted = {item.price_id for item in items if item.price_id}
    found = services.store.get_prices(wanted)
    missing = sorted(wanted - set(found))
    if missing:
        raise InvalidInputError(ErrorCode.PRICE_NOT_FOUND, f"No price {missing[0]}.", "items.price")
    return dict(found)
