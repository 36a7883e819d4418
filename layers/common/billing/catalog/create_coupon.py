"""An operator creates a coupon (its id is the seller's choice)."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal, require_operator
from billing.batch import WriteBatch
from billing.catalog.ports import CatalogStore
from billing.clock import Clock
from billing.discounts.models import Coupon
from billing.errors import ConflictError, ErrorCode


def create_coupon(store: CatalogStore, clock: Clock, principal: Principal, coupon: Coupon) -> Coupon:
    require_operator(principal)
    if store.get_coupon(coupon.id) is not None:
        raise ConflictError(ErrorCode.COUPON_EXISTS, f"Coupon {coupon.id} already exists.", "id")
    coupon = replace(coupon, created=clock.now(), times_redeemed=0)
    store.commit(WriteBatch(coupons=[(coupon, 0)]))
    return coupon
