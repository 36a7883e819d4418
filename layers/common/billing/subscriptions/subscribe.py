"""Subscribe an account to prices: the subscription, its first invoice draft, its discount."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from billing.accounts.access import Permission, Principal, require_access, require_operator
from billing.accounts.standing import Blocked, require_allowed
from billing.batch import WriteBatch
from billing.conflicts import retried_on_conflict
from billing.errors import ErrorCode, InvalidInputError
from billing.ids import new_id
from billing.invoices.models import BillingReason, Invoice
from billing.subscriptions.draft_invoice import draft_invoice
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.models import CollectionMethod, Granularity, Subscription
from billing.subscriptions.redeem_discount import redeem_discount, require_coupon_currency
from billing.subscriptions.services import ItemRequest, Services, account_of, prices_of, require_billing_currency


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
    """A new subscription as asked through the API."""

    account_id: str
    items: Sequence[ItemRequest]
    trial_period_days: int | None = None
    collection_method: CollectionMethod = CollectionMethod.CHARGE_AUTOMATICALLY
    days_until_due: int | None = None
    coupon: str | None = None
    promotion_code: str | None = None
    billing_cycle_anchor: datetime | None = None
    start_date: datetime | None = None
    managed_by: str | None = None
    granularity: Granularity = Granularity.DAY
    tags: tuple[tuple[str, str], ...] = ()  # up to 5, sorted: what cost allocation splits recurring items by


@dataclass(frozen=True, slots=True)
class Subscribed:
    """A new subscription, and its first invoice when it bills at once."""

    subscription: Subscription
    invoice: Invoice | None


DATE_RANGE = timedelta(days=5 * 365)


@retried_on_conflict
def subscribe(services: Services, principal: Principal, request: SubscribeRequest) -> Subscribed:
    require_access(principal, request.account_id, Permission.BILLING_MANAGE)
    if request.managed_by is not None:
        require_operator(principal)  # marketplace subscriptions are imported by the seller, not created
    account = account_of(services, request.account_id)
    require_allowed(account, Blocked.PURCHASES, services.overdue)
    if any(item.price_id is None for item in request.items):
        raise InvalidInputError(ErrorCode.PRICE_REQUIRED, "Each item names a price.", "items.price")
    prices = prices_of(services, request.items)
    currency = next(iter(prices.values())).currency  # type: ignore[attr-defined]
    require_billing_currency(services, account.id, currency)
    now = services.clock.now()
    for param, instant in (("start_date", request.start_date), ("billing_cycle_anchor", request.billing_cycle_anchor)):
        if instant is not None and abs(instant - now) > DATE_RANGE:
            # A start in year 9999 (or 1900) is a typing error, not a plan: nothing would ever be billed.
            raise InvalidInputError(
                ErrorCode.DATE_OUT_OF_RANGE, f"{param} must fall within {DATE_RANGE.days // 365} years of today.", param
            )
    batch = WriteBatch()
    discount = redeem_discount(services, request.account_id, request.coupon, request.promotion_code, now, batch)
    if discount is not None:
        require_coupon_currency(discount.coupon, currency)
    started = create_subscription(
        new_id("sub"),
        account.id,
        [
            NewItem(new_id("si"), prices[item.price_id], 1 if item.quantity is None else item.quantity)  # type: ignore[arg-type,index]
            for item in request.items
        ],
        now=now,
        start=request.start_date,
        trial_period_days=request.trial_period_days,
        billing_cycle_anchor=request.billing_cycle_anchor,
        collection_method=request.collection_method,
        days_until_due=request.days_until_due,
        discount=discount,
        managed_by=request.managed_by,
        granularity=request.granularity,
    )
    subscription, invoice = replace(started.subscription, tags=request.tags), None
    if discount is not None and request.promotion_code and batch.promotion_codes[0][0].is_referral:
        subscription = replace(subscription, referral_code=batch.promotion_codes[0][0].code)
    if started.lines:
        subscription, invoice = draft_invoice(
            services.store, account, subscription, started.lines, BillingReason.SUBSCRIPTION_CREATE, now, batch
        )
    batch.subscriptions.append(subscription)
    services.store.commit(batch)
    return Subscribed(replace(subscription, version=1), invoice)
