"""An operator reads one coupon: its terms and how often it was redeemed."""

from __future__ import annotations

from billing.accounts.access import Principal, require_operator
from billing.catalog.ports import CatalogStore
from billing.discounts.models import Coupon
from billing.errors import ErrorCode, NotFoundError


def get_coupon(store: CatalogStore, principal: Principal, coupon_id: str) -> Coupon:
    require_operator(principal)  # coupons are the seller's pricing tools, like their list
    found = store.get_coupon(coupon_id)
    if found is None:
        raise NotFoundError(ErrorCode.COUPON_NOT_FOUND, f"No coupon {coupon_id}.", "coupon_id")
    return found[0]
