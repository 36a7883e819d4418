"""Redeeming a coupon or a promotion code: limits and expiry checked, counters returned incremented."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from billing.discounts.models import AppliedDiscount, Coupon, Duration, PromotionCode
from billing.errors import BusinessRuleError, ErrorCode, InvalidInputError
from billing.periods import add_months


def redeem_coupon(coupon: Coupon, at: datetime, promotion_code_id: str | None = None) -> tuple[Coupon, AppliedDiscount]:
    if coupon.redeem_by is not None and at >= coupon.redeem_by:
        raise BusinessRuleError(ErrorCode.COUPON_EXPIRED, f"Coupon {coupon.id} can no longer be redeemed.", "coupon")
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise BusinessRuleError(ErrorCode.COUPON_EXHAUSTED, f"Coupon {coupon.id} has been fully redeemed.", "coupon")
    end = None
    if coupon.duration is Duration.REPEATING and coupon.duration_in_months is not None:
        end = add_months(at, coupon.duration_in_months)
    applied = AppliedDiscount(coupon=coupon, start=at, end=end, promotion_code_id=promotion_code_id)
    return replace(coupon, times_redeemed=coupon.times_redeemed + 1), applied


def redeem_promotion_code(
    code: PromotionCode, coupon: Coupon, at: datetime, account_id: str, account_has_invoices: bool
) -> tuple[PromotionCode, Coupon, AppliedDiscount]:
    if code.coupon_id != coupon.id:
        raise InvalidInputError(ErrorCode.COUPON_MISMATCH, "This code belongs to another coupon.", "promotion_code")
    if not code.active or (code.expires_at is not None and at >= code.expires_at):
        raise BusinessRuleError(ErrorCode.PROMOTION_CODE_INACTIVE, f"Code {code.code} is not active.", "promotion_code")
    if code.max_redemptions is not None and code.times_redeemed >= code.max_redemptions:
        raise BusinessRuleError(ErrorCode.PROMOTION_CODE_EXHAUSTED, f"Code {code.code} is used up.", "promotion_code")
    if code.first_time_only and account_has_invoices:
        raise BusinessRuleError(ErrorCode.FIRST_TIME_ONLY, "This code is for new customers only.", "promotion_code")
    if code.referrer_account_id == account_id:
        raise BusinessRuleError(
            ErrorCode.SELF_REFERRAL, "An account cannot use its own referral code.", "promotion_code"
        )
    coupon, applied = redeem_coupon(coupon, at, code.id)
    return replace(code, times_redeemed=code.times_redeemed + 1), coupon, applied
