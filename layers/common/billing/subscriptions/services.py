"""What the subscription use cases need, and the reads they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.accounts.standing import DEFAULT_OVERDUE_STATES, OverdueStates
from billing.clock import Clock
from billing.errors import BusinessRuleError, ErrorCode, InvalidInputError, NotFoundError
from billing.ledger.read_balance import DEFAULT_CURRENCY
from billing.ports import PageRequest
from billing.usage.ports import UsageStore

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.invoices.ports import InvoicingPlatform
    from billing.invoices.read_ahead import ReadAhead
    from billing.marketplace.ports import MarketplaceGateway
    from billing.store import BillingStore


@dataclass(frozen=True, slots=True)
class Services:
    """What the subscription and billing run use cases need: stores, the clock and the outside platforms."""

    store: BillingStore
    accounts: AccountRepository
    usage: UsageStore
    clock: Clock
    overdue: OverdueStates = DEFAULT_OVERDUE_STATES  # what each dunning state blocks (the dunning policy's)
    marketplace: MarketplaceGateway | None = None  # the worker reports marketplace usage hourly
    platform: InvoicingPlatform | None = None  # the worker reads deposited invoices' statuses hourly
    ahead: ReadAhead | None = None  # the worker's batch of due invoices and their accounts, read ahead


@dataclass(frozen=True, slots=True)
class ItemRequest:
    """An item as a request names it: a new price and quantity, a change to an existing item, or its removal."""

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


def billing_currency(store: BillingStore, account_id: str) -> str | None:
    """The currency an account is billed in: its ledger's, else its invoices' (drafts too), else its live
    subscriptions'; None for an account that has bought nothing yet (its first purchase decides)."""
    ledger, _ = store.ledger(account_id, DEFAULT_CURRENCY)
    if ledger.entries:
        return ledger.currency
    invoices = store.list_invoices(account_id, None, PageRequest(limit=1)).items
    if invoices:
        return invoices[0].draft.currency
    subscriptions = store.list_subscriptions(account_id, PageRequest(limit=100)).items
    return next((s.currency for s in subscriptions if s.ended_at is None), None)


def require_billing_currency(services: Services, account_id: str, currency: str) -> None:
    """One currency per account: a draft in another could never be finalized with the rest (issue: the
    worker failed on it every run and the money was never billed)."""
    expected = billing_currency(services.store, account_id)
    if expected is not None and expected != currency:
        raise BusinessRuleError(
            ErrorCode.ACCOUNT_CURRENCY_MISMATCH,
            f"This account is billed in {expected}: everything it buys is in that currency, not {currency}.",
            "items.price",
        )
