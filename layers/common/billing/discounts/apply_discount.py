from __future__ import annotations

from decimal import Decimal

from billing.discounts.models import Coupon
from billing.money import round_minor


def discount_amount(coupon: Coupon, subtotal: int, currency: str) -> int:
    """What ``coupon`` takes off a (non-negative) subtotal: never more than the subtotal."""
    if subtotal <= 0:
        return 0
    if coupon.percent_off is not None:
        return min(subtotal, round_minor(Decimal(subtotal) * coupon.percent_off / Decimal(100)))
    if coupon.currency != currency or coupon.amount_off is None:
        return 0  # an amount-off coupon only applies to invoices in its currency
    return min(subtotal, coupon.amount_off)
