"""Redeem a coupon or a promotion code for a subscription (new or existing) into a batch: the step shared
by subscribing and adding a discount later."""

from __future__ import annotations

from datetime import datetime

from billing.batch import WriteBatch
from billing.discounts.models import AppliedDiscount, Coupon
from billing.discounts.redeem import redeem_coupon, redeem_promotion_code
from billing.errors import BusinessRuleError, ErrorCode, InvalidInputError
from billing.ports import PageRequest
from billing.subscriptions.services import Services


def redeem_discount(
    services: Services,
    account_id: str,
    coupon_id: str | None,
    promotion_code: str | None,
    now: datetime,
    batch: WriteBatch,
) -> AppliedDiscount | None:
    """The discount applied, its redemption counted in ``batch`` (None when neither is given)."""
    if coupon_id and promotion_code:
        raise InvalidInputError(
            ErrorCode.ONE_DISCOUNT, "Give a coupon or a promotion code, not both.", "promotion_code"
        )
    if promotion_code:
        found_code = services.store.find_promotion_code(promotion_code)
        if found_code is None:
            raise InvalidInputError(ErrorCode.PROMOTION_CODE_NOT_FOUND, "Unknown promotion code.", "promotion_code")
        code, code_version = found_code
        found_coupon = services.store.get_coupon(code.coupon_id)
        if found_coupon is None:
            raise InvalidInputError(ErrorCode.COUPON_NOT_FOUND, "The code's coupon no longer exists.", "promotion_code")
        coupon, coupon_version = found_coupon
        has_invoices = bool(services.store.list_invoices(account_id, None, PageRequest(limit=1)).items)
        code, coupon, applied = redeem_promotion_code(code, coupon, now, account_id, has_invoices)
        batch.promotion_codes.append((code, code_version))
        batch.coupons.append((coupon, coupon_version))
        return applied
    if coupon_id:
        found = services.store.get_coupon(coupon_id)
        if found is None:
            raise InvalidInputError(ErrorCode.COUPON_NOT_FOUND, f"No coupon {coupon_id}.", "coupon")
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
