"""Subscribe an account to prices: the subscription, its first invoice draft, its discount."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from billing.accounts.access import Permission, Principal, require_access, require_operator
from billing.accounts.standing import Blocked, require_allowed
from billing.batch import WriteBatch
from billing.discounts.models import AppliedDiscount, Coupon
from billing.discounts.redeem import redeem_coupon, redeem_promotion_code
from billing.errors import BusinessRuleError, ErrorCode, InvalidInputError
from billing.ids import new_id
from billing.invoices.models import BillingReason, Invoice
from billing.ports import PageRequest
from billing.subscriptions.draft_invoice import draft_invoice
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.models import CollectionMethod, Subscription
from billing.subscriptions.services import ItemRequest, Services, account_of, prices_of, require_billing_currency


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
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


@dataclass(frozen=True, slots=True)
class Subscribed:
    subscription: Subscription
    invoice: Invoice | None


def _discount(
    services: Services, request: SubscribeRequest, now: datetime, batch: WriteBatch
) -> AppliedDiscount | None:
    if request.coupon and request.promotion_code:
        raise InvalidInputError(
            ErrorCode.ONE_DISCOUNT, "Give a coupon or a promotion code, not both.", "promotion_code"
        )
    if request.promotion_code:
        found_code = services.store.find_promotion_code(request.promotion_code)
        if found_code is None:
            raise InvalidInputError(ErrorCode.PROMOTION_CODE_NOT_FOUND, "Unknown promotion code.", "promotion_code")
        code, code_version = found_code
        found_coupon = services.store.get_coupon(code.coupon_id)
        if found_coupon is None:
            raise InvalidInputError(ErrorCode.COUPON_NOT_FOUND, "The code's coupon no longer exists.", "promotion_code")
        coupon, coupon_version = found_coupon
        has_invoices = bool(services.store.list_invoices(request.account_id, None, PageRequest(limit=1)).items)
        code, coupon, applied = redeem_promotion_code(code, coupon, now, request.account_id, has_invoices)
        batch.promotion_codes.append((code, code_version))
        batch.coupons.append((coupon, coupon_version))
        return applied
    if request.coupon:
        found = services.store.get_coupon(request.coupon)
        if found is None:
            raise InvalidInputError(ErrorCode.COUPON_NOT_FOUND, f"No coupon {request.coupon}.", "coupon")
        coupon, version = found
        coupon, applied = redeem_coupon(coupon, now)
        batch.coupons.append((coupon, version))
        return applied
    return None


def require_coupon_currency(coupon: Coupon, currency: str) -> None:
    """An amount off is in one currency: on a subscription in another it would never apply."""
    if coupon.currency is not None and coupon.currency != currency:
        raise BusinessRuleError(
            ErrorCode.COUPON_CURRENCY_MISMATCH,
            f"The coupon takes {coupon.currency} off: it cannot apply to a subscription in {currency}.",
            "coupon",
        )


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
    batch = WriteBatch()
    discount = _discount(services, request, now, batch)
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
    )
    subscription, invoice = started.subscription, None
    if discount is not None and request.promotion_code and batch.promotion_codes[0][0].is_referral:
        subscription = replace(subscription, referral_code=batch.promotion_codes[0][0].code)
    if started.lines:
        subscription, invoice = draft_invoice(
            services.store, account, subscription, started.lines, BillingReason.SUBSCRIPTION_CREATE, now, batch
        )
    batch.subscriptions.append(subscription)
    services.store.commit(batch)
    return Subscribed(replace(subscription, version=1), invoice)
