"""Put a coupon or a promotion code on an existing subscription: it applies from its next invoice, and
replaces the discount it had (one discount per subscription, as Stripe's ``coupon`` on update)."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Permission, Principal, require_access
from billing.batch import WriteBatch
from billing.conflicts import retried_on_conflict
from billing.errors import ErrorCode, InvalidInputError
from billing.subscriptions.engine.guards import require_changeable
from billing.subscriptions.get_subscription import get_subscription
from billing.subscriptions.models import Subscription
from billing.subscriptions.redeem_discount import redeem_discount, require_coupon_currency
from billing.subscriptions.services import Services


@retried_on_conflict
def add_discount(
    services: Services, principal: Principal, subscription_id: str, coupon: str | None, promotion_code: str | None
) -> Subscription:
    subscription = get_subscription(services, principal, subscription_id)
    require_access(principal, subscription.account_id, Permission.BILLING_MANAGE)
    require_changeable(subscription)
    if not coupon and not promotion_code:
        raise InvalidInputError(ErrorCode.DISCOUNT_REQUIRED, "Give a coupon or a promotion code.", "coupon")
    batch = WriteBatch()
    applied = redeem_discount(services, subscription.account_id, coupon, promotion_code, services.clock.now(), batch)
    assert applied is not None
    require_coupon_currency(applied.coupon, subscription.currency)
    changed = subscription.evolve(discount=applied)
    code = batch.promotion_codes[0][0] if batch.promotion_codes else None
    if code is not None and code.is_referral and subscription.referral_code is None:
        changed = replace(changed, referral_code=code.code)
    batch.subscriptions.append(changed)
    return services.store.commit(batch).subscriptions[-1]
